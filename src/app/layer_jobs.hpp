#pragma once
// The one driver every command runs: a list of layer jobs (unique layer x mapper) on one thread
// pool, with progress, cancellation and the run context every mapper shares. `schedule` is one job,
// `network` (and a sweep point) one job per unique layer, `compare` one per layer and mapper.

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "arch/architecture.hpp"
#include "mappers/layer_result.hpp"
#include "mappers/mapper.hpp"
#include "mapping/constraints.hpp"
#include "model/energy.hpp"
#include "workload/network.hpp"

namespace cosa::app {

using ConstraintsFor = std::function<Constraints(const Workload&)>;

struct LayerJobsOptions {
  // The mappers, in report order; every layer is run by each.
  std::vector<std::shared_ptr<const Mapper>> mappers;
  int jobs = 1;  // jobs run in parallel; results do not depend on it
  std::uint64_t seed = 0;
  // Checked before each job and passed to the mappers; once set, the jobs not started are skipped
  // (found = false, message "not run: interrupted") and a run cut short counts as not found.
  const std::atomic<bool>* stop = nullptr;
};

// Called under a lock as each job finishes, in finishing order.
// `job` indexes the results (layer job / mappers.size(), mapper job % mappers.size()).
using LayerJobProgress = std::function<void(const LayerResult&, std::size_t job, int done, int total)>;

// The constrained mapspace of every layer, read before any job starts (so bad constraints fail
// at once). Throws what the constraints reader throws.
std::vector<ConstrainedMapSpace> layerSpaces(const Architecture& arch,
                                             const std::vector<NetworkLayer>& layers,
                                             const ConstraintsFor& constraints_for);

// One result per (layer, mapper), in layer order then mapper order.
std::vector<LayerResult> runLayerJobs(const Architecture& arch, const std::vector<NetworkLayer>& layers,
                                      const std::vector<ConstrainedMapSpace>& spaces,
                                      const EnergyTable& energy, const LayerJobsOptions& options,
                                      const LayerJobProgress& progress = {});

}  // namespace cosa::app
