#pragma once
// The outputs of `cosa compare`: results.csv, results.json and summary.md (the paper's table of
// runtime, samples and evaluations per layer, and geomean speed-ups and energy gains of cosa over
// each baseline, per network and overall, weighted by how often each layer occurs).

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "arch/architecture.hpp"
#include "mappers/layer_result.hpp"
#include "model/energy.hpp"
#include "workload/workload.hpp"

namespace cosa {

struct NetworkComparison {
  std::string network;
  std::vector<LayerResult> runs;
};

std::string comparisonCsv(const std::vector<NetworkComparison>& results);
// `architecture` (its name, recorded when given) and `complete` (false when interrupted) are for
// reports built from results.json.
std::string comparisonJson(const std::vector<NetworkComparison>& results,
                           const std::string& architecture = {}, bool complete = true);
std::string comparisonMarkdown(const std::vector<NetworkComparison>& results,
                               const std::string& reference_mapper, bool complete);

// Where a run's mapping, statistics and loop nest are written, relative to the output folder.
std::string mappingFileFor(const std::string& network, const LayerResult& run);
std::string statsFileFor(const std::string& network, const LayerResult& run);
std::string loopNestFileFor(const std::string& network, const LayerResult& run);

// A found run's statistics: the evaluate JSON plus the run's mapper, time, samples, evaluations,
// solver status and gap (cosa), roofline bound and the layer's problem, as `schedule` writes them.
nlohmann::json comparisonStatsJson(const LayerResult& run, const Architecture& arch, const Workload& workload,
                                   const EnergyTable& energy);

// Writes a found run's mapping.yaml, stats.json and loopnest.txt under `dir` (each atomically), so
// that the HTML report can show every mapper's energy breakdown and loop nest.
void writeComparisonRunOutputs(const std::string& dir, const std::string& network, const LayerResult& run,
                               const Architecture& arch, const Workload& workload, const EnergyTable& energy);

}  // namespace cosa
