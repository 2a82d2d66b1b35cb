#include "io/results/evaluation_report.hpp"

#include <fmt/format.h>

#include <cmath>

#include "solver/mip.hpp"

namespace cosa {

using nlohmann::json;

namespace {

json optionalNumber(const std::optional<double>& value) { return value ? json(*value) : json(nullptr); }

json dataSpaceJson(const DataSpaceStats& s) {
  return json{{"partition_size", s.partition_size},
              {"utilized_capacity", s.utilized_capacity},
              {"utilized_instances", s.utilized_instances},
              {"utilized_clusters", s.utilized_clusters},
              {"reads_per_instance", s.reads},
              {"updates_per_instance", s.updates},
              {"fills_per_instance", s.fills},
              {"temporal_reductions_per_instance", s.temporal_reductions},
              {"address_generations_per_cluster", s.address_generations},
              {"energy_per_access_pJ",
               s.reads + s.updates + s.fills > 0 ? json(s.energy_per_access_pJ) : json(nullptr)},
              {"energy_per_instance_pJ", s.energy_per_instance_pJ},
              {"energy_total_pJ", s.energy_total_pJ},
              {"read_bandwidth_per_instance", s.read_bandwidth},
              {"write_bandwidth_per_instance", s.write_bandwidth}};
}

}  // namespace

json evaluationToJson(const Evaluation& e, const Architecture& arch, const Workload& workload,
                      const EnergyTable& energy) {
  if (!e.valid) return json{{"valid", false}, {"error", e.error}};
  json levels = json::array();
  double storage_energy = 0;
  for (int l = 0; l < arch.numLevels(); ++l) {
    const StorageLevel& spec = arch.levels[l];
    const LevelStats& stats = e.levels[l];
    json kept = json::array();
    json data_spaces = json::object();
    for (int ds = 0; ds < workload.numDataSpaces(); ++ds) {
      if (!stats.data_spaces[ds].kept) continue;
      kept.push_back(workload.data_spaces[ds].name);
      data_spaces[workload.data_spaces[ds].name] = dataSpaceJson(stats.data_spaces[ds]);
    }
    storage_energy += stats.energy_total_pJ;
    levels.push_back(json{{"name", spec.name},
                          {"storage_level_index", l},
                          {"technology", spec.technology},
                          {"size_entries", spec.entries ? json(*spec.entries) : json(nullptr)},
                          {"word_bits", spec.word_bits},
                          {"block_size", spec.block_size},
                          {"cluster_size", spec.cluster_size},
                          {"instances", spec.instances},
                          {"fanout_to_child", arch.fanout(l)},
                          {"read_bandwidth", optionalNumber(spec.read_bandwidth)},
                          {"write_bandwidth", optionalNumber(spec.write_bandwidth)},
                          {"vector_access_energy_pJ", energy.levels[l].read_pJ},
                          {"cycles", stats.cycles},
                          {"bandwidth_throttling", stats.bandwidth_throttling},
                          {"kept", kept},
                          {"dataspaces", data_spaces},
                          {"energy_total_pJ", stats.energy_total_pJ}});
  }
  return json{{"valid", true},
              {"workload", workload.name},
              {"macs", e.macs},
              {"cycles", e.cycles},
              {"compute_cycles", e.compute_cycles},
              {"utilization", e.utilization},
              {"energy_pJ", e.energy_pJ},
              {"pJ_per_compute", e.energyPerMac()},
              {"edp_pJ_cycles", e.edp()},
              {"storage_energy_pJ", storage_energy},
              {"network_energy_pJ", 0.0},
              {"arithmetic",
               {{"name", arch.arithmetic.name},
                {"instances", arch.arithmetic.instances},
                {"utilized_instances", e.utilized_mac_instances},
                {"computes", e.computes},
                {"cycles", e.compute_cycles},
                {"energy_pJ", e.arithmetic_energy_pJ},
                {"energy_per_compute_pJ", energy.mac_pJ}}},
              {"levels", levels}};
}

json finiteOrNull(double value) {
  return std::isfinite(value) && std::abs(value) < solver::kInfinity ? json(value) : json(nullptr);
}

json problemJson(const Workload& workload) {
  return json{{"shape", workload.shape}, {"dimensions", workload.dimensions}, {"bounds", workload.bounds}};
}

std::string evaluationSummary(const Evaluation& e, const Architecture& arch, const Workload& workload) {
  if (!e.valid) return fmt::format("invalid mapping: {}\n", e.error);
  std::string out;
  out += fmt::format("{:<20} {:>8} {:>10} {:>14} {:>14} {:>14} {:>10} {:>16}\n", "level / data space", "tile",
                     "instances", "reads/inst", "updates/inst", "fills/inst", "cycles", "energy (pJ)");
  for (int l = arch.numLevels() - 1; l >= 0; --l) {
    const LevelStats& level = e.levels[l];
    const std::string throttled =
        level.bandwidth_throttling < 1.0
            ? fmt::format(" (bandwidth throttling {:.3f})", level.bandwidth_throttling)
            : "";
    out += fmt::format("{:<20} {:>8} {:>10} {:>14} {:>14} {:>14} {:>10} {:>16.2f}{}\n", arch.levels[l].name,
                       "", "", "", "", "", level.cycles, level.energy_total_pJ, throttled);
    for (int ds = 0; ds < workload.numDataSpaces(); ++ds) {
      const DataSpaceStats& s = level.data_spaces[ds];
      if (!s.kept) continue;
      out += fmt::format("  {:<18} {:>8} {:>10} {:>14} {:>14} {:>14} {:>10} {:>16.2f}\n",
                         workload.data_spaces[ds].name, s.utilized_capacity, s.utilized_instances, s.reads,
                         s.updates, s.fills, "", s.energy_total_pJ);
    }
  }
  out += fmt::format("{:<20} {:>8} {:>10} {:>14} {:>14} {:>14} {:>10} {:>16.2f}\n", arch.arithmetic.name, "",
                     e.utilized_mac_instances, "", "", "", e.compute_cycles, e.arithmetic_energy_pJ);
  out += "\n";
  if (e.computes == e.macs)
    out += fmt::format("MACs:          {}\n", e.macs);
  else  // residual factors: Timeloop's count includes padded iterations
    out +=
        fmt::format("MACs:          {} (computes {}, as timeloop-model counts them)\n", e.macs, e.computes);
  out += fmt::format("Cycles:        {} (compute {})\n", e.cycles, e.compute_cycles);
  out += fmt::format("Utilization:   {:.2f}\n", e.utilization);
  out += fmt::format("Energy:        {:.2f} uJ\n", e.energy_pJ / 1e6);
  out += fmt::format("pJ/MAC:        {:.3f}\n", e.energyPerMac());
  out += fmt::format("EDP:           {:.4g} pJ*cycles\n", e.edp());
  return out;
}

}  // namespace cosa
