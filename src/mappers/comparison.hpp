#pragma once
// Runs several mappers on every layer of a network and collects comparable results: the engine of
// `cosa compare` (no file I/O here; see report/comparison_report.hpp).

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "arch/architecture.hpp"
#include "mapping/constraints.hpp"
#include "mapping/mapping.hpp"
#include "model/energy.hpp"
#include "model/evaluation.hpp"
#include "workload/network.hpp"

namespace cosa {

struct MapperRun {
  std::string mapper;
  std::string layer;
  int count = 1;  // occurrences of this layer shape in the network
  bool found = false;
  std::string message;
  Mapping mapping;
  Evaluation evaluation;
  std::int64_t roofline_cycles = 0;
  std::int64_t samples = 0;
  std::int64_t evaluations = 0;
  double time_s = 0;
  std::string solver_status;   // cosa only
  std::string solver_backend;  // cosa only: the MIP backend that solved it
  std::optional<double> gap;   // cosa only: the winning MIP's relative gap
};

struct ComparisonOptions {
  std::vector<std::string> mappers{"cosa", "random", "hybrid"};
  int jobs = 1;  // layers x mappers run in parallel; results do not depend on it
  std::uint64_t seed = 0;
  double cosa_time_limit_s = 10;
  std::string cosa_backend = "cbc";  // solver::makeBackend name for the cosa mapper's MIPs
  int random_valid = 5;
  std::int64_t hybrid_search_size = 16000;
  std::int64_t hybrid_victory_condition = 0;  // hybrid-16K: 16,000 valid mappings, no early stop
  int hybrid_threads = 1;
  // Draw the hybrid's tilings as Timeloop does (most break a fan-out): the paper's baseline. Off:
  // only fan-out-valid tilings, a much stronger baseline than the paper's.
  bool hybrid_timeloop_sampling = true;
  std::int64_t exhaustive_max_evaluations = 0;  // 0 = unlimited
  // Checked before each run; once set, the remaining runs are skipped (found = false,
  // message "not run: interrupted").
  const std::atomic<bool>* stop = nullptr;
};

using ConstraintsFor = std::function<Constraints(const Workload&)>;
using ProgressCallback = std::function<void(const MapperRun&, int done, int total)>;

// Names accepted in ComparisonOptions::mappers.
std::vector<std::string> comparisonMapperNames();

// One run per (unique layer, mapper), in layer order then mapper order.
std::vector<MapperRun> compareMappers(const Architecture& arch, const std::vector<NetworkLayer>& layers,
                                      const ConstraintsFor& constraints_for, const EnergyTable& energy,
                                      const ComparisonOptions& options,
                                      const ProgressCallback& progress = {});

}  // namespace cosa
