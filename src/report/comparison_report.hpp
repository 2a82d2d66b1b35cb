#pragma once
// The outputs of `cosa compare`: results.csv, results.json and summary.md (the paper's table of
// runtime, samples and evaluations per layer, and geomean speed-ups and energy gains of cosa over
// each baseline, per network and overall, weighted by how often each layer occurs).

#include <string>
#include <vector>

#include "mappers/comparison.hpp"

namespace cosa {

struct NetworkComparison {
  std::string network;
  std::vector<MapperRun> runs;
};

std::string comparisonCsv(const std::vector<NetworkComparison>& results);
std::string comparisonJson(const std::vector<NetworkComparison>& results);
std::string comparisonMarkdown(const std::vector<NetworkComparison>& results,
                               const std::string& reference_mapper, bool complete);

// Where a run's mapping is written, relative to the output folder.
std::string mappingFileFor(const std::string& network, const MapperRun& run);

}  // namespace cosa
