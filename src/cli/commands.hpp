#pragma once
// Subcommands of the `cosa` CLI. Each registers its options on the app and returns the action
// to run when it is selected; the action returns the process exit code.

#include <CLI/CLI.hpp>
#include <functional>

namespace cosa::cli {

// Exit codes shared by every subcommand.
inline constexpr int kExitOk = 0;
inline constexpr int kExitInvalidMapping = 1;
inline constexpr int kExitBadInput = 2;

using Action = std::function<int()>;

Action registerEvaluate(CLI::App& app);
Action registerSchedule(CLI::App& app);
Action registerCompare(CLI::App& app);
Action registerNetwork(CLI::App& app);

}  // namespace cosa::cli
