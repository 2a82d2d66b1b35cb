#pragma once
// Runs several mappers on every layer of a network and collects comparable results: the engine of
// `cosa compare` (no file I/O here; see io/results/comparison_report.hpp).

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "arch/architecture.hpp"
#include "mappers/mapper.hpp"
#include "mapping/constraints.hpp"
#include "mapping/mapping.hpp"
#include "model/energy.hpp"
#include "model/evaluation.hpp"
#include "workload/network.hpp"

namespace cosa {

// One mapper's result on one layer of the network.
struct MapperRun : MapperResult {
  std::string layer;
  int count = 1;  // occurrences of this layer shape in the network
  std::int64_t roofline_cycles = 0;
};

struct ComparisonOptions {
  // The mappers with their settings (mapper_registry.hpp makes them by name), in report order.
  std::vector<std::shared_ptr<const Mapper>> mappers;
  int jobs = 1;  // layers x mappers run in parallel; results do not depend on it
  std::uint64_t seed = 0;
  // Checked before each run and passed to the mappers; once set, the remaining runs are skipped
  // (found = false, message "not run: interrupted") and a search cut short counts as not found.
  const std::atomic<bool>* stop = nullptr;
};

using ConstraintsFor = std::function<Constraints(const Workload&)>;
using ProgressCallback = std::function<void(const MapperRun&, int done, int total)>;

// One run per (unique layer, mapper), in layer order then mapper order.
std::vector<MapperRun> compareMappers(const Architecture& arch, const std::vector<NetworkLayer>& layers,
                                      const ConstraintsFor& constraints_for, const EnergyTable& energy,
                                      const ComparisonOptions& options,
                                      const ProgressCallback& progress = {});

}  // namespace cosa
