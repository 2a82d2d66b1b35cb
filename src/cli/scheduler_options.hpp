#pragma once
// The scheduler's settings on the command line (`--objective`, `--backend`, `--time-limit`, `--gap`,
// `--seed`, `--polish`/`--no-polish`, and `--threads` where offered), shared by `schedule` and
// `network` so that both accept and mean the same.

#include <CLI/CLI.hpp>
#include <string>

#include "mappers/cosa_scheduler.hpp"

namespace cosa::cli {

struct SchedulerCliOptions {
  std::string objective = "edp";
  std::string backend = "cbc";
  double time_limit = 10.0;
  double gap = ScheduleOptions{}.relative_gap;
  int threads = 1;
  int seed = 0;
  bool no_polish = false;
  bool polish = false;
};

// `with_threads`: also offer --threads (solver threads per MIP).
void addSchedulerOptions(CLI::App& command, SchedulerCliOptions& options, bool with_threads);

// Checks the backend (std::invalid_argument listing the known ones) and the objective before any
// work starts; the backend is given its canonical name, which the outputs record.
ScheduleOptions toScheduleOptions(const SchedulerCliOptions& options);

}  // namespace cosa::cli
