#pragma once
// What the cost model reports for one mapping: Timeloop's per-level, per-data-space statistics,
// cycles and energy. Access counts are per instance, as Timeloop reports them.

#include <cstdint>
#include <string>
#include <vector>

namespace cosa {

struct DataSpaceStats {
  bool kept = false;
  std::int64_t partition_size = 0;
  std::int64_t utilized_capacity = 0;  // tile size in words
  std::int64_t utilized_instances = 0;
  std::int64_t utilized_clusters = 0;
  std::int64_t reads = 0;  // scalar, per instance
  std::int64_t updates = 0;
  std::int64_t fills = 0;
  std::int64_t temporal_reductions = 0;
  std::int64_t address_generations = 0;
  double energy_per_access_pJ = 0;  // per scalar access
  double energy_per_instance_pJ = 0;
  double energy_total_pJ = 0;
  double read_bandwidth = 0;  // words/cycle per instance, after throttling
  double write_bandwidth = 0;
};

struct LevelStats {
  std::string name;
  std::vector<DataSpaceStats> data_spaces;  // indexed like Workload::data_spaces
  std::int64_t cycles = 0;
  double bandwidth_throttling = 1.0;
  double energy_total_pJ = 0;
};

struct Evaluation {
  bool valid = false;
  std::string error;      // why the mapping is invalid (empty when valid)
  std::int64_t macs = 0;  // the workload's MACs
  // MACs timeloop-model counts ("Computes"): equal to macs for a perfect mapping; with residual
  // factors Timeloop may count padded iterations (see docs/cost-model.md). Arithmetic energy and
  // utilization use this count, as Timeloop's do.
  std::int64_t computes = 0;
  std::int64_t compute_cycles = 0;
  std::int64_t cycles = 0;
  double utilization = 0;
  double energy_pJ = 0;
  double arithmetic_energy_pJ = 0;
  std::int64_t utilized_mac_instances = 0;
  std::vector<LevelStats> levels;  // innermost first

  double energyPerMac() const { return macs > 0 ? energy_pJ / static_cast<double>(macs) : 0; }
  double edp() const { return energy_pJ * static_cast<double>(cycles); }
};

}  // namespace cosa
