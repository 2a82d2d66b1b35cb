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
#include "mappers/schedule_result.hpp"
#include "mapping/constraints.hpp"
#include "mapping/mapping.hpp"
#include "model/energy.hpp"
#include "model/evaluation.hpp"
#include "solver/mip.hpp"
#include "workload/workload.hpp"

namespace cosa {

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
