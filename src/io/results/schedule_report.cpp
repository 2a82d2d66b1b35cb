#include "io/results/schedule_report.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <stdexcept>

#include "io/atomic_file.hpp"
#include "io/results/comparison_report.hpp"
#include "io/results/evaluation_report.hpp"
#include "io/results/layer_files.hpp"
#include "io/timeloop/loop_nest.hpp"
#include "io/timeloop/mapping_yaml.hpp"

namespace cosa {

nlohmann::json scheduleSettingsJson(const ScheduleOptions& options) {
  return {{"time_limit_s", options.time_limit_s}, {"relative_gap", options.relative_gap},
          {"threads", options.threads},           {"seed", options.seed},
          {"polish", polishes(options)},          {"polish_evaluations", options.polish_evaluations}};
}

nlohmann::json mapperSettingsJson(const std::string& mapper, const MapperOptions& options) {
  if (mapper == "cosa") return scheduleSettingsJson(options.cosa);
  if (mapper == "random")
    return {{"valid_target", options.random.valid_target}, {"max_samples", options.random.max_samples}};
  if (mapper == "hybrid") {
    const HybridMapperOptions& h = options.hybrid;
    return {{"search_size", h.search_size},
            {"victory_condition", h.victory_condition},
            {"timeout", h.timeout},
            {"threads", h.threads},
            {"sampling", h.sampler == TilingSampler::Timeloop ? "timeloop" : "fanout-valid"},
            {"max_evaluations", h.max_evaluations}};
  }
  if (mapper == "exhaustive")
    return {{"max_evaluations", options.exhaustive.max_evaluations}, {"threads", options.exhaustive.threads}};
  throw std::invalid_argument("no settings record for mapper '" + mapper + "'");
}

nlohmann::json scheduleStatsJson(const ScheduleResult& result, const ScheduleOptions& options,
                                 const Architecture& arch, const Workload& workload,
                                 const EnergyTable& energy) {
  nlohmann::json stats = evaluationToJson(result.evaluation, arch, workload, energy);
  stats["solver"] = {{"backend", options.backend},
                     {"status", solver::toString(result.status)},
                     {"objective", finiteOrNull(result.objective)},
                     {"bound", finiteOrNull(result.bound)},
                     {"gap", finiteOrNull(result.gap)},
                     {"time_s", result.solve_time_s},
                     {"variables", result.variables},
                     {"constraints", result.constraints},
                     {"objective_kind", toString(options.objective)},
                     {"mip_objective", toString(result.proxy)},
                     {"repaired", result.repaired},
                     {"polish_evaluations", result.polish_evaluations},
                     {"unpolished_cycles", result.unpolished.cycles},
                     {"unpolished_energy_pJ", result.unpolished.energy_pJ},
                     {"total_time_s", result.total_time_s},
                     {"from_fallback", result.from_fallback},
                     {"note", result.note},
                     {"settings", scheduleSettingsJson(options)}};
  stats["roofline_cycles"] = result.roofline_cycles;
  if (result.evaluation.valid) stats["problem"] = problemJson(workload);
  return stats;
}

void writeScheduleOutputs(const std::string& dir, const ScheduleResult& result,
                          const ScheduleOptions& options, const Architecture& arch, const Workload& workload,
                          const EnergyTable& energy) {
  const std::filesystem::path base(dir);
  writeMapping((base / "mapping.yaml").string(), result.mapping, arch, workload);
  writeFileAtomically((base / "stats.json").string(),
                      scheduleStatsJson(result, options, arch, workload, energy).dump(2) + "\n");
  writeFileAtomically((base / "loopnest.txt").string(), formatLoopNest(result.mapping, arch, workload));
  writeFileAtomically((base / "problem.yaml").string(), problemYaml(workload));
}

nlohmann::json layerStatsJson(const LayerResult& result, const Architecture& arch, const Workload& workload,
                              const EnergyTable& energy) {
  if (result.cosa)
    return scheduleStatsJson(result.cosa->schedule, result.cosa->options, arch, workload, energy);
  return comparisonStatsJson(result, arch, workload, energy);
}

void writeLayerOutputs(const std::string& dir, const LayerResult& result, const Architecture& arch,
                       const Workload& workload, const EnergyTable& energy) {
  if (result.cosa) {
    writeScheduleOutputs(dir, result.cosa->schedule, result.cosa->options, arch, workload, energy);
    return;
  }
  const std::filesystem::path base(dir);
  writeMapping((base / "mapping.yaml").string(), result.mapping, arch, workload);
  writeFileAtomically((base / "stats.json").string(),
                      layerStatsJson(result, arch, workload, energy).dump(2) + "\n");
  writeFileAtomically((base / "loopnest.txt").string(), formatLoopNest(result.mapping, arch, workload));
  writeFileAtomically((base / "problem.yaml").string(), problemYaml(workload));
}

std::string layerSummaryLine(const Evaluation& evaluation, std::int64_t roofline_cycles,
                             const std::string& layer) {
  const double over_bound = static_cast<double>(evaluation.cycles) /
                            static_cast<double>(std::max<std::int64_t>(1, roofline_cycles));
  return fmt::format(
      "{}: {} cycles ({:.2f}x the roofline bound {}), {:.2f} uJ ({:.3f} pJ/MAC), utilization {:.2f}", layer,
      evaluation.cycles, over_bound, roofline_cycles, evaluation.energy_pJ / 1e6, evaluation.energyPerMac(),
      evaluation.utilization);
}

}  // namespace cosa
