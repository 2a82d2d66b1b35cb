#include "app/compare_run.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <map>
#include <sstream>

#include "io/atomic_file.hpp"
#include "io/network/network_yaml.hpp"

namespace cosa::app {

std::vector<std::shared_ptr<const Mapper>> comparedMappers(const std::vector<std::string>& names,
                                                           const RunSettings& settings) {
  std::vector<std::shared_ptr<const Mapper>> mappers;
  for (const std::string& name : names) mappers.push_back(runMapper(settings, name));
  return mappers;
}

std::vector<std::string> comparedNetworkNames(const std::string& list) {
  if (list == "all") return paperNetworkNames();
  std::vector<std::string> names;
  std::stringstream in(list);
  std::string item;
  while (std::getline(in, item, ','))
    if (!item.empty()) names.push_back(item);
  return names;
}

CompareResult compareNetwork(const CompareSpec& spec, const std::atomic<bool>* stop,
                             const CompareProgressCallback& progress,
                             const std::function<void(const NetworkComparison&)>& network_done) {
  LayerJobsOptions options;
  options.mappers = comparedMappers(spec.mappers, spec.settings);
  options.jobs = spec.settings.jobs;
  options.seed = spec.settings.seed;
  options.stop = stop;
  CompareResult result;
  for (const Network& network : spec.networks) {
    const std::vector<NetworkLayer> layers = uniqueLayers(network);
    const std::vector<ConstrainedMapSpace> spaces = layerSpaces(spec.arch, layers, spec.constraints_for);
    const auto on_run = [&](const LayerResult& run, std::size_t, int finished, int total) {
      if (progress) progress({network.name, run, finished, total});
    };
    result.networks.push_back(
        {network.name, runLayerJobs(spec.arch, layers, spaces, spec.energy, options, on_run)});
    // Runs come layer by layer, one per mapper.
    const std::vector<LayerResult>& runs = result.networks.back().runs;
    for (std::size_t i = 0; i < runs.size() && !spec.out_dir.empty(); ++i)
      writeComparisonRunOutputs(spec.out_dir, network.name, runs[i], spec.arch,
                                layers[i / spec.mappers.size()].workload, spec.energy);
    if (network_done) network_done(result.networks.back());
  }
  result.complete = stop == nullptr || !stop->load();
  return result;
}

std::string comparisonSummaryMarkdown(const CompareSpec& spec, const CompareResult& result) {
  const std::string reference = spec.mappers.empty() ? std::string() : spec.mappers.front();
  return comparisonMarkdown(result.networks, reference, result.complete);
}

void writeComparisonSummary(const CompareSpec& spec, const CompareResult& result) {
  const std::filesystem::path dir(spec.out_dir);
  writeFileAtomically((dir / "results.csv").string(), comparisonCsv(result.networks));
  writeFileAtomically((dir / "results.json").string(),
                      comparisonJson(result.networks, spec.arch.name, result.complete));
  writeFileAtomically((dir / "summary.md").string(), comparisonSummaryMarkdown(spec, result));
}

}  // namespace cosa::app
