#include "cli/scheduler_options.hpp"

#include "cli/commands.hpp"

namespace cosa::cli {

void addSchedulerOptions(CLI::App& command, SchedulerCliOptions& options, bool with_threads) {
  command.add_option("--objective", options.objective, "edp | latency | energy | cosa-paper")
      ->capture_default_str();
  command.add_option("--backend", options.backend, backendHelp())->capture_default_str();
  command.add_option("--time-limit", options.time_limit, "Solver time limit per MIP (s)")
      ->check(nonNegativeFinite())
      ->capture_default_str();
  command.add_option("--gap", options.gap, "Relative MIP gap at which the solver stops")
      ->check(nonNegativeFinite())
      ->capture_default_str();
  if (with_threads)
    command.add_option("--threads", options.threads, "Solver threads")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
  command.add_option("--seed", options.seed, "Solver random seed (the same seed gives the same outputs)")
      ->capture_default_str();
  auto* no_polish =
      command.add_flag("--no-polish", options.no_polish, "Skip the local search on the exact model");
  command
      .add_flag("--polish", options.polish, "Polish even with --objective cosa-paper (off by default there)")
      ->excludes(no_polish);
}

ScheduleOptions toScheduleOptions(const SchedulerCliOptions& o) {
  ScheduleOptions options;
  options.backend = checkedBackend(o.backend);
  options.objective = parseObjective(o.objective);
  options.time_limit_s = o.time_limit;
  options.relative_gap = o.gap;
  options.threads = o.threads;
  options.seed = o.seed;
  if (o.no_polish) options.polish = false;
  if (o.polish) options.polish = true;
  return options;
}

}  // namespace cosa::cli
