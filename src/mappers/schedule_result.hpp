#pragma once
// The CoSA scheduler's settings and its detailed result on one layer (solver status, bound, gap,
// polishing, the roofline bound): what `schedule` records in stats.json. Apart from
// cosa_scheduler.hpp so that the one result type of every mapper (MapperResult, mapper.hpp) can
// carry it without depending on the scheduler.

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>

#include "mappers/objective.hpp"
#include "mapping/mapping.hpp"
#include "model/evaluation.hpp"
#include "solver/mip.hpp"

namespace cosa {

struct ScheduleOptions {
  // EDP by measurement: over the bundled networks it gives both the fewest cycles and the least
  // energy (docs/scheduler.md).
  ScheduleObjective objective = ScheduleObjective::Edp;
  std::string backend = "cbc";
  double time_limit_s = 10.0;
  // The MIP optimises a proxy that polishing refines, so proving the last percents is wasted
  // time: 3% against 1% costs 0.3% energy over the bundled networks (and nothing in cycles or on
  // the any-architecture sets) and cuts the slowest layers' time 2-3x (docs/scheduler.md).
  double relative_gap = 0.03;
  int threads = 1;
  int seed = 0;
  std::optional<bool> polish;  // default: polish, except when reproducing the paper (cosa-paper)
  std::int64_t polish_evaluations = 20000;
  // Exact-model evaluations of the iterated local search that refines each goal's best schedule
  // (0: none).
  std::int64_t refine_evaluations = 30000;
  // Branch-and-bound nodes for the energy-model MIP (0: no limit but the time limit).
  std::int64_t energy_model_nodes = 400;
  // Optional (not a setting: never recorded). Handed to every MIP solve and polled between stages
  // and every 64 evaluations of polishing and refinement; once set, scheduleLayer returns within
  // about a second with the best valid schedule it has, marked interrupted (or, with none, not
  // found: "not found: interrupted").
  const std::atomic<bool>* stop = nullptr;
};

// Whether the schedule is polished on the exact model under these options.
inline bool polishes(const ScheduleOptions& options) {
  return options.polish.value_or(options.objective != ScheduleObjective::CosaPaper);
}

struct ScheduleResult {
  bool found = false;  // false: no valid mapping (see `message`)
  std::string message;
  // When found but not proven optimal: why, and where the schedule came from (e.g. the solver's
  // time limit; the sampling fallback when the solver found nothing in time). Empty otherwise.
  std::string note;
  bool from_fallback = false;  // the MIP found nothing in time; the schedule comes from sampling
  // The stop flag cut the run short: MIPs left unsolved or stopped, polishing or refinement cut
  // short. A found schedule is valid but not what an uninterrupted run would return.
  bool interrupted = false;
  Mapping mapping;
  Evaluation evaluation;
  Evaluation unpolished;                                 // the decoded MIP schedule, before polishing
  ScheduleObjective proxy = ScheduleObjective::Latency;  // the MIP objective that produced it
  solver::Status status = solver::Status::Error;
  double objective = 0;
  double bound = 0;
  double gap = 0;
  double solve_time_s = 0;
  double total_time_s = 0;
  int variables = 0;
  int constraints = 0;
  bool repaired = false;
  std::int64_t polish_evaluations = 0;
  std::int64_t roofline_cycles = 0;
};

}  // namespace cosa
