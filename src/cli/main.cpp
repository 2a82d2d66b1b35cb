// The `cosa` command line: one binary, one subcommand per job.
#include <CLI/CLI.hpp>
#include <iostream>
#include <vector>

#include "cli/commands.hpp"
#include "common/error.hpp"

int main(int argc, char** argv) {
  CLI::App app{"cosa: one-shot schedules for spatial DNN accelerators"};
  app.require_subcommand(1);
  app.set_version_flag("--version", [] { return cosa::cli::versionText(COSA_VERSION); });
  std::vector<cosa::cli::Action> actions{cosa::cli::registerEvaluate(app), cosa::cli::registerSchedule(app),
                                         cosa::cli::registerCompare(app),  cosa::cli::registerNetwork(app),
                                         cosa::cli::registerReport(app),   cosa::cli::registerSweep(app)};
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : cosa::cli::kExitBadInput;
  }
  try {
    for (const auto& action : actions) {
      const int code = action();
      if (code >= 0) return code;
    }
  } catch (const cosa::InputError& e) {
    std::cerr << "cosa: error: " << e.what() << "\n";
    return cosa::cli::kExitBadInput;
  } catch (const std::exception& e) {
    std::cerr << "cosa: error: " << e.what() << "\n";
    return cosa::cli::kExitBadInput;
  }
  return cosa::cli::kExitOk;
}
