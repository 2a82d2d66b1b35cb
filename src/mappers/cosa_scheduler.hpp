#pragma once
// The CoSA scheduler: build the MIP, solve it, decode a mapping, make sure the exact cost model
// accepts it, and polish it on the exact model. solve_time_s and polish_evaluations add up over
// every MIP solved; the solver fields (status, objective, bound, gap, size) are the winner's.

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "arch/architecture.hpp"
#include "mappers/constrained_mapspace.hpp"
#include "mappers/cosa_formulation.hpp"
#include "mappers/mapper.hpp"
#include "mapping/constraints.hpp"
#include "mapping/mapping.hpp"
#include "model/energy.hpp"
#include "model/evaluation.hpp"
#include "solver/mip.hpp"
#include "workload/workload.hpp"

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

// The MIP objectives tried for a goal: the goal's own proxy and, except when reproducing the paper,
// the published objective too (the better schedule by the exact model wins).
std::vector<ScheduleObjective> proxyObjectives(ScheduleObjective objective);

ScheduleResult scheduleLayer(const Architecture& arch, const Workload& workload,
                             const Constraints& constraints, const EnergyTable& energy,
                             const ScheduleOptions& options);
ScheduleResult scheduleLayer(const ConstrainedMapSpace& space, const EnergyTable& energy,
                             const ScheduleOptions& options);

// The score polishing minimises for an objective (cycles first for latency, energy for energy,
// their product for EDP).
double scheduleScore(ScheduleObjective objective, const Evaluation& evaluation);

// The CoSA scheduler as a Mapper ("cosa"): scheduleLayer with these options; the run context's seed
// (modulo 1e9+7), threads (when set) and stop flag replace the options' own. Once the stop flag is
// set it returns within about a second, marked interrupted (MapperResult::interrupted), with the
// best valid schedule it had.
class CosaMapper : public Mapper {
 public:
  explicit CosaMapper(ScheduleOptions options = {}) : options_(std::move(options)) {}
  std::string name() const override { return "cosa"; }
  MapperResult run(const ConstrainedMapSpace& space, const EnergyTable& energy,
                   const RunContext& context) const override;
  const ScheduleOptions& options() const { return options_; }

 private:
  ScheduleOptions options_;
};

}  // namespace cosa
