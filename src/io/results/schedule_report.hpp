#pragma once
// The files `cosa schedule` (and `cosa network`, per layer) writes for one scheduled layer:
// mapping.yaml (Timeloop mapping YAML), stats.json (the evaluate JSON plus a `solver` block,
// `roofline_cycles` and the layer's `problem` shape and bounds), loopnest.txt and problem.yaml (the
// layer in Timeloop's problem format). Each is written atomically.

#include <nlohmann/json.hpp>
#include <string>

#include "arch/architecture.hpp"
#include "mappers/cosa_scheduler.hpp"
#include "mappers/layer_result.hpp"
#include "mappers/mapper_registry.hpp"
#include "model/energy.hpp"
#include "workload/workload.hpp"

namespace cosa {

// The settings a schedule was made with (time limit, gap, threads, seed, polishing): with the
// inputs, what it takes to reproduce it.
nlohmann::json scheduleSettingsJson(const ScheduleOptions& options);

// The settings of mapper `mapper` in `options` (names as the options structs spell them): cosa's as
// scheduleSettingsJson; random: valid_target, max_samples; hybrid: search_size, victory_condition,
// timeout, threads, sampling, max_evaluations; exhaustive: max_evaluations, threads. Throws
// std::invalid_argument for an unknown mapper.
nlohmann::json mapperSettingsJson(const std::string& mapper, const MapperOptions& options);

nlohmann::json scheduleStatsJson(const ScheduleResult& result, const ScheduleOptions& options,
                                 const Architecture& arch, const Workload& workload,
                                 const EnergyTable& energy);

void writeScheduleOutputs(const std::string& dir, const ScheduleResult& result,
                          const ScheduleOptions& options, const Architecture& arch, const Workload& workload,
                          const EnergyTable& energy);

// stats.json of any mapper's result: cosa's as scheduleStatsJson, a search mapper's as
// comparisonStatsJson.
nlohmann::json layerStatsJson(const LayerResult& result, const Architecture& arch, const Workload& workload,
                              const EnergyTable& energy);

// The same files for any mapper's result: cosa's as above, a search mapper's with its own
// statistics (comparisonStatsJson) in stats.json. The result must have a mapping.
void writeLayerOutputs(const std::string& dir, const LayerResult& result, const Architecture& arch,
                       const Workload& workload, const EnergyTable& energy);

// One line: cycles, the multiple of the roofline bound, energy, utilisation.
std::string layerSummaryLine(const Evaluation& evaluation, std::int64_t roofline_cycles,
                             const std::string& layer);
inline std::string scheduleSummaryLine(const ScheduleResult& result, const Workload& workload) {
  return layerSummaryLine(result.evaluation, result.roofline_cycles, workload.name);
}

}  // namespace cosa
