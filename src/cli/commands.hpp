#pragma once
// Subcommands of the `cosa` CLI. Each registers its options on the app and returns the action
// to run when it is selected; the action returns the process exit code.

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cmath>
#include <functional>
#include <string>

#include "solver/mip.hpp"

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
Action registerReport(CLI::App& app);
Action registerSweep(CLI::App& app);

// Writes DIR/report.html from the results in DIR (see report/html_report.hpp) and names it on
// stderr. The run's results are already written, so a failure here is a warning, not an error.
void writeReportOrWarn(const std::string& command, const std::string& dir);

// --backend (schedule, network, compare): checked before any work starts, so that a typo fails at
// once (std::invalid_argument listing the known backends: exit code 2) rather than in every layer.
// Returns the backend's canonical (lower-case) name, which the outputs record.
inline std::string checkedBackend(const std::string& name) { return solver::makeBackend(name)->name(); }
// --time-limit and --gap: a finite number >= 0 (CLI11's own range checks let NaN through).
inline CLI::Validator nonNegativeFinite() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        double value = 0;
        if (!CLI::detail::lexical_cast(text, value) || !std::isfinite(value) || value < 0)
          return "must be a finite number >= 0, not '" + text + "'";
        return {};
      },
      "NONNEGATIVE");
}

// `cosa --version`: the release and the MIP solver backends this build has.
inline std::string versionText(const std::string& version) {
  return fmt::format("cosa {} (MIP solver backends: {})", version, fmt::join(solver::backendNames(), ", "));
}

inline std::string backendHelp() {
  return fmt::format("MIP solver backend: {}", fmt::join(solver::backendNames(), " | "));
}

}  // namespace cosa::cli
