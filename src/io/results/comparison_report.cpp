#include "io/results/comparison_report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>

#include "io/atomic_file.hpp"
#include "io/csv.hpp"
#include "io/results/evaluation_report.hpp"
#include "io/timeloop/loop_nest.hpp"
#include "io/timeloop/mapping_yaml.hpp"

namespace cosa {

namespace {

double ratioOverBound(const LayerResult& run) {
  return run.found && run.roofline_cycles > 0
             ? static_cast<double>(run.evaluation.cycles) / static_cast<double>(run.roofline_cycles)
             : 0.0;
}

std::vector<std::string> mapperOrder(const std::vector<NetworkComparison>& results) {
  std::vector<std::string> order;
  for (const auto& network : results)
    for (const LayerResult& run : network.runs)
      if (std::find(order.begin(), order.end(), run.mapper) == order.end()) order.push_back(run.mapper);
  return order;
}

// Geomean (weighted by layer count) of reference/baseline ratios over layers both solved.
struct Gains {
  double log_speedup = 0, log_energy = 0, weight = 0;
  int layers = 0;
};

void accumulate(Gains& g, const LayerResult& reference, const LayerResult& baseline) {
  if (!reference.found || !baseline.found) return;
  g.log_speedup += reference.count * std::log(static_cast<double>(baseline.evaluation.cycles) /
                                              static_cast<double>(reference.evaluation.cycles));
  g.log_energy += reference.count * std::log(baseline.evaluation.energy_pJ / reference.evaluation.energy_pJ);
  g.weight += reference.count;
  ++g.layers;
}

}  // namespace

std::string mappingFileFor(const std::string& network, const LayerResult& run) {
  return fmt::format("mappings/{}/{}.{}.yaml", fileSafeName(network), fileSafeName(run.layer),
                     fileSafeName(run.mapper));
}

std::string statsFileFor(const std::string& network, const LayerResult& run) {
  return fmt::format("mappings/{}/{}.{}.stats.json", fileSafeName(network), fileSafeName(run.layer),
                     fileSafeName(run.mapper));
}

std::string loopNestFileFor(const std::string& network, const LayerResult& run) {
  return fmt::format("mappings/{}/{}.{}.loopnest.txt", fileSafeName(network), fileSafeName(run.layer),
                     fileSafeName(run.mapper));
}

nlohmann::json comparisonStatsJson(const LayerResult& run, const Architecture& arch, const Workload& workload,
                                   const EnergyTable& energy) {
  nlohmann::json stats = evaluationToJson(run.evaluation, arch, workload, energy);
  stats["mapper"] = run.mapper;
  stats["time_s"] = run.time_s;
  stats["samples"] = run.samples;
  stats["evaluations"] = run.evaluations;
  if (!run.solver_status.empty()) {
    stats["solver"] = {
        {"backend", run.solver_backend}, {"status", run.solver_status}, {"total_time_s", run.time_s}};
    if (run.gap) stats["solver"]["gap"] = finiteOrNull(*run.gap);
  }
  stats["roofline_cycles"] = run.roofline_cycles;
  stats["problem"] = problemJson(workload);
  return stats;
}

void writeComparisonRunOutputs(const std::string& dir, const std::string& network, const LayerResult& run,
                               const Architecture& arch, const Workload& workload,
                               const EnergyTable& energy) {
  if (!run.found) return;
  const std::filesystem::path base(dir);
  writeMapping((base / mappingFileFor(network, run)).string(), run.mapping, arch, workload);
  writeFileAtomically((base / statsFileFor(network, run)).string(),
                      comparisonStatsJson(run, arch, workload, energy).dump(2) + "\n");
  writeFileAtomically((base / loopNestFileFor(network, run)).string(),
                      formatLoopNest(run.mapping, arch, workload));
}

std::string comparisonCsv(const std::vector<NetworkComparison>& results) {
  std::string out =
      "network,layer,count,mapper,found,cycles,energy_pJ,edp,utilization,roofline_cycles,cycles_over_bound,"
      "time_s,"
      "samples,evaluations,solver_status,mapping_file,message\n";
  for (const auto& network : results)
    for (const LayerResult& run : network.runs)
      out +=
          fmt::format("{},{},{},{},{},{},{:.6g},{:.6g},{:.6f},{},{:.6f},{:.6f},{},{},{},{},{}\n",
                      csvField(network.network), csvField(run.layer), run.count, csvField(run.mapper),
                      run.found ? "true" : "false", run.found ? run.evaluation.cycles : 0,
                      run.found ? run.evaluation.energy_pJ : 0.0, run.found ? run.evaluation.edp() : 0.0,
                      run.found ? run.evaluation.utilization : 0.0, run.roofline_cycles, ratioOverBound(run),
                      run.time_s, run.samples, run.evaluations, csvField(run.solver_status),
                      run.found ? mappingFileFor(network.network, run) : "", csvField(run.message));
  return out;
}

std::string comparisonJson(const std::vector<NetworkComparison>& results, const std::string& architecture,
                           bool complete) {
  nlohmann::json networks = nlohmann::json::array();
  for (const auto& network : results) {
    nlohmann::json runs = nlohmann::json::array();
    for (const LayerResult& run : network.runs) {
      nlohmann::json r{{"layer", run.layer},
                       {"count", run.count},
                       {"mapper", run.mapper},
                       {"found", run.found},
                       {"roofline_cycles", run.roofline_cycles},
                       {"time_s", run.time_s},
                       {"samples", run.samples},
                       {"evaluations", run.evaluations}};
      if (!run.solver_status.empty()) r["solver_status"] = run.solver_status;
      if (!run.solver_backend.empty()) r["solver_backend"] = run.solver_backend;
      if (run.gap) r["gap"] = finiteOrNull(*run.gap);
      if (run.found) {
        r["cycles"] = run.evaluation.cycles;
        r["energy_pJ"] = run.evaluation.energy_pJ;
        r["edp"] = run.evaluation.edp();
        r["utilization"] = run.evaluation.utilization;
        r["cycles_over_bound"] = ratioOverBound(run);
        r["mapping_file"] = mappingFileFor(network.network, run);
        r["stats_file"] = statsFileFor(network.network, run);
        r["loopnest_file"] = loopNestFileFor(network.network, run);
      } else {
        r["message"] = run.message;
      }
      runs.push_back(r);
    }
    networks.push_back({{"network", network.network}, {"results", runs}});
  }
  nlohmann::json out{{"networks", networks}, {"complete", complete}};
  if (!architecture.empty()) out["architecture"] = architecture;
  return out.dump(2) + "\n";
}

std::string comparisonMarkdown(const std::vector<NetworkComparison>& results,
                               const std::string& reference_mapper, bool complete) {
  const std::vector<std::string> mappers = mapperOrder(results);
  std::string out = "# cosa compare\n\n";
  if (!complete) out += "**Incomplete: interrupted before every layer was run.**\n\n";

  // The paper's table: per mapper, averages per layer.
  out +=
      "| mapper | layers solved | runtime per layer (s) | samples per layer | evaluations per layer | "
      "geomean cycles "
      "/ roofline |\n|---|---|---|---|---|---|\n";
  for (const std::string& mapper : mappers) {
    double time = 0, samples = 0, evaluations = 0, log_ratio = 0;
    int layers = 0, solved = 0;
    for (const auto& network : results)
      for (const LayerResult& run : network.runs) {
        if (run.mapper != mapper) continue;
        ++layers;
        time += run.time_s;
        samples += static_cast<double>(run.samples);
        evaluations += static_cast<double>(run.evaluations);
        if (run.found) {
          ++solved;
          log_ratio += std::log(ratioOverBound(run));
        }
      }
    if (layers == 0) continue;
    out += fmt::format("| {} | {}/{} | {:.3f} | {:.0f} | {:.0f} | {:.3f} |\n", mapper, solved, layers,
                       time / layers, samples / layers, evaluations / layers,
                       solved ? std::exp(log_ratio / solved) : 0.0);
  }

  // Gains of the reference mapper over each baseline.
  out += fmt::format("\n## {} against each baseline (geomean over layers, weighted by occurrences)\n\n",
                     reference_mapper);
  out +=
      "| network | baseline | layers | speed-up (cycles) | energy gain | time-to-solution ratio |\n"
      "|---|---|---|---|---|---|\n";
  std::map<std::string, Gains> overall;
  std::map<std::string, std::pair<double, double>> overall_time;
  for (const auto& network : results) {
    std::map<std::string, std::map<std::string, const LayerResult*>> by_layer;  // [layer][mapper]
    for (const LayerResult& run : network.runs) by_layer[run.layer][run.mapper] = &run;
    for (const std::string& baseline : mappers) {
      if (baseline == reference_mapper) continue;
      Gains g;
      double ref_time = 0, base_time = 0;
      for (const auto& [layer, runs] : by_layer) {
        if (!runs.count(reference_mapper) || !runs.count(baseline)) continue;
        accumulate(g, *runs.at(reference_mapper), *runs.at(baseline));
        accumulate(overall[baseline], *runs.at(reference_mapper), *runs.at(baseline));
        ref_time += runs.at(reference_mapper)->time_s;
        base_time += runs.at(baseline)->time_s;
      }
      overall_time[baseline].first += ref_time;
      overall_time[baseline].second += base_time;
      if (g.weight == 0) continue;
      out += fmt::format("| {} | {} | {} | {:.2f}x | {:.2f}x | {:.3g}x |\n", network.network, baseline,
                         g.layers, std::exp(g.log_speedup / g.weight), std::exp(g.log_energy / g.weight),
                         ref_time > 0 ? base_time / ref_time : 0.0);
    }
  }
  for (const auto& [baseline, g] : overall) {
    if (g.weight == 0) continue;
    const auto& [ref_time, base_time] = overall_time[baseline];
    out += fmt::format("| **all** | {} | {} | {:.2f}x | {:.2f}x | {:.3g}x |\n", baseline, g.layers,
                       std::exp(g.log_speedup / g.weight), std::exp(g.log_energy / g.weight),
                       ref_time > 0 ? base_time / ref_time : 0.0);
  }
  return out;
}

}  // namespace cosa
