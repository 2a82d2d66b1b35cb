#include "app/compare_run.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <map>
#include <sstream>

#include "io/atomic_file.hpp"
#include "io/network/network_yaml.hpp"
#include "mappers/mapper_registry.hpp"

namespace cosa::app {

std::vector<std::shared_ptr<const Mapper>> comparedMappers(const std::vector<std::string>& names,
                                                           const CompareMapperOptions& o) {
  MapperSettings cosa{{"objective", o.objective},
                      {"time-limit", fmt::format("{}", o.time_limit_s)},
                      {"gap", fmt::format("{}", o.gap)},
                      {"backend", o.backend}};
  if (o.polish) cosa["polish"] = *o.polish ? "true" : "false";
  const std::map<std::string, MapperSettings> settings{
      {"cosa", cosa},
      {"random", {{"valid", std::to_string(o.random_valid)}}},
      {"hybrid",
       {{"search-size", std::to_string(o.hybrid_search_size)},
        {"victory-condition", std::to_string(o.victory_condition)},
        {"threads", std::to_string(o.hybrid_threads)},
        {"sampling", o.hybrid_sampling}}},
      {"exhaustive", {{"max-evaluations", std::to_string(o.exhaustive_max_evaluations)}}}};
  std::vector<std::shared_ptr<const Mapper>> mappers;
  for (const std::string& name : names) {
    const auto it = settings.find(name);
    mappers.push_back(makeMapper(name, it == settings.end() ? MapperSettings{} : it->second));
  }
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
  ComparisonOptions options;
  options.mappers = spec.mappers;
  options.jobs = spec.jobs;
  options.seed = spec.seed;
  options.stop = stop;
  const ConstraintsFor constraints_for = [&](const Workload& workload) {
    return spec.constraints_for ? spec.constraints_for(workload) : Constraints{};
  };
  CompareResult result;
  for (const Network& network : spec.networks) {
    const std::vector<NetworkLayer> layers = uniqueLayers(network);
    const auto on_run = [&](const MapperRun& run, int finished, int total) {
      if (progress) progress({network.name, run, finished, total});
    };
    result.networks.push_back(
        {network.name, compareMappers(spec.arch, layers, constraints_for, spec.energy, options, on_run)});
    // Runs come layer by layer, one per mapper.
    const std::vector<MapperRun>& runs = result.networks.back().runs;
    for (std::size_t i = 0; i < runs.size() && !spec.out_dir.empty(); ++i)
      writeComparisonRunOutputs(spec.out_dir, network.name, runs[i], spec.arch,
                                layers[i / spec.mappers.size()].workload, spec.energy);
    if (network_done) network_done(result.networks.back());
  }
  result.complete = stop == nullptr || !stop->load();
  return result;
}

std::string comparisonSummaryMarkdown(const CompareSpec& spec, const CompareResult& result) {
  const std::string reference = spec.mappers.empty() ? std::string() : spec.mappers.front()->name();
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
