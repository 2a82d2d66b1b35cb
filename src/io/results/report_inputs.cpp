#include "io/results/report_inputs.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <utility>

#include "common/error.hpp"
#include "io/json_file.hpp"
#include "io/results/json_fields.hpp"

namespace cosa {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string describeProblem(const JsonFields& problem) {
  const json& dims = problem.array("dimensions");
  const json& bounds = problem.array("bounds");
  std::string text = problem.get<std::string>("shape", "");
  if (!text.empty()) text += ":";
  for (std::size_t d = 0; d < dims.size() && d < bounds.size(); ++d)
    if (dims[d].is_string() && bounds[d].is_number_integer())
      text += fmt::format(" {}={}", dims[d].get<std::string>(), bounds[d].get<std::int64_t>());
  return text;
}

// The energy of one evaluation, split by level and data space, from a stats.json (the evaluate
// JSON): the arithmetic first, then each level innermost first with its kept data spaces.
std::vector<EnergyComponent> energyBreakdown(const JsonFields& stats) {
  std::vector<EnergyComponent> parts;
  if (const json* arithmetic = stats.object("arithmetic"))
    parts.push_back(
        {kArithmeticLevel, "",
         JsonFields(*arithmetic, stats.file(), stats.path("arithmetic")).get<double>("energy_pJ")});
  const json& levels = stats.array("levels");
  for (std::size_t l = 0; l < levels.size(); ++l) {
    const JsonFields level(levels[l], stats.file(), stats.path(fmt::format("levels[{}]", l)));
    const std::string name = level.get<std::string>("name");
    const json* spaces = level.object("dataspaces");
    // "kept" lists the data spaces in workload order; the "dataspaces" object is sorted by name.
    std::vector<std::string> order;
    for (const json& kept : level.array("kept"))
      if (kept.is_string()) order.push_back(kept.get<std::string>());
    if (spaces)
      for (const auto& [space, ignored] : spaces->items())
        if (std::find(order.begin(), order.end(), space) == order.end()) order.push_back(space);
    double sum = 0;
    for (const std::string& space : order) {
      if (!spaces || !spaces->contains(space)) continue;
      const JsonFields ds(spaces->at(space), stats.file(), level.path("dataspaces." + space));
      const double energy = ds.get<double>("energy_total_pJ", 0.0);
      parts.push_back({name, space, energy});
      sum += energy;
    }
    // Anything a level spends outside its data spaces stays visible rather than vanishing.
    const double rest = level.get<double>("energy_total_pJ", sum) - sum;
    if (std::abs(rest) > 1e-9 * std::max(1.0, std::abs(sum))) parts.push_back({name, "other", rest});
  }
  if (const double network = stats.get<double>("network_energy_pJ", 0.0); network != 0)
    parts.push_back({"Network", "", network});
  return parts;
}

}  // namespace

void loadLayerRunFiles(const std::string& dir, const std::string& stats_file,
                       const std::string& loopnest_file, ReportLayer& layer, ReportRun& run,
                       std::vector<std::string>& notes) {
  const fs::path stats_path = fs::path(dir) / stats_file;
  if (!stats_file.empty() && fs::exists(stats_path)) {
    const json root = readJsonFile(stats_path.string());
    const JsonFields stats(root, stats_path.string(), "");
    run.energy_breakdown = energyBreakdown(stats);
    run.macs = stats.get<std::int64_t>("macs", 0);
    run.utilization = stats.optional<double>("utilization");
    if (const json* solver = stats.object("solver")) {
      const JsonFields s(*solver, stats_path.string(), "solver");
      run.gap = s.optional<double>("gap");
      if (run.solver_status.empty()) run.solver_status = s.get<std::string>("status", "");
    }
    if (const json* problem = stats.object("problem"); problem && layer.problem.empty())
      layer.problem = describeProblem(JsonFields(*problem, stats_path.string(), "problem"));
  } else {
    notes.push_back(fmt::format("{} ({}): no statistics file{}; its energy breakdown is not shown.",
                                layer.name, run.mapper, stats_file.empty() ? "" : " " + stats_file));
  }
  if (auto text = loopnest_file.empty() ? std::nullopt
                                        : readTextFileIfPresent((fs::path(dir) / loopnest_file).string()))
    run.loop_nest = std::move(*text);
  else
    notes.push_back(fmt::format("{} ({}): no loop-nest file{}.", layer.name, run.mapper,
                                loopnest_file.empty() ? "" : " " + loopnest_file));
}

ReportData loadNetworkReport(const std::string& dir_text) {
  const fs::path dir(dir_text);
  const fs::path file = dir / "summary.json";
  const json root = readJsonFile(file.string());
  const JsonFields top(root, file.string(), "");
  ReportData data;
  data.kind = ReportKind::Network;
  data.source = "summary.json";
  data.architecture = top.get<std::string>("architecture", "");
  data.objective = top.get<std::string>("objective", "");
  data.complete = top.get<bool>("complete", true);
  if (root.contains("not_imported") && root["not_imported"].is_array())
    for (const json& n : root["not_imported"])
      if (n.is_object())
        data.not_imported.push_back(
            fmt::format("{} ({}): {}", n.value("node", ""), n.value("op_type", ""), n.value("reason", "")));
  data.wall_time_s = top.optional<double>("wall_time_s");
  data.jobs = top.get<int>("jobs", 0);
  data.mappers = {"cosa"};
  ReportNetwork network{top.get<std::string>("network", dir.filename().string()), {}};
  const json& per_layer = top.array("per_layer");
  for (std::size_t i = 0; i < per_layer.size(); ++i) {
    const JsonFields entry(per_layer[i], file.string(), fmt::format("per_layer[{}]", i));
    ReportLayer layer;
    layer.name = entry.get<std::string>("layer");
    layer.count = entry.get<int>("count", 1);
    ReportRun run;
    run.mapper = "cosa";
    run.found = entry.get<bool>("found");
    if (run.found) {
      run.cycles = entry.get<std::int64_t>("cycles");
      run.energy_pJ = entry.get<double>("energy_pJ");
      run.roofline_cycles = entry.get<std::int64_t>("roofline_cycles", 0);
      run.solver_status = entry.get<std::string>("solver_status", "");
      run.time_s = entry.get<double>("time_s", 0.0);
      const std::string output = entry.get<std::string>("output", "");
      loadLayerRunFiles(dir.string(), output.empty() ? "" : output + "/stats.json",
                        output.empty() ? "" : output + "/loopnest.txt", layer, run, data.notes);
    } else {
      run.message = entry.get<std::string>("message", "no valid mapping");
    }
    layer.runs.push_back(std::move(run));
    network.layers.push_back(std::move(layer));
  }
  for (const json& warning : top.array("import_warnings"))
    if (warning.is_string()) data.notes.push_back(warning.get<std::string>());
  data.networks.push_back(std::move(network));
  return data;
}

ReportData loadComparisonReport(const std::string& dir_text) {
  const fs::path dir(dir_text);
  const fs::path file = dir / "results.json";
  const json root = readJsonFile(file.string());
  const JsonFields top(root, file.string(), "");
  ReportData data;
  data.kind = ReportKind::Comparison;
  data.source = "results.json";
  data.architecture = top.get<std::string>("architecture", "");
  const std::optional<bool> complete = top.optional<bool>("complete");
  bool interrupted_runs = false;
  const json& networks = top.array("networks");
  for (std::size_t n = 0; n < networks.size(); ++n) {
    const JsonFields net(networks[n], file.string(), fmt::format("networks[{}]", n));
    ReportNetwork network{net.get<std::string>("network"), {}};
    std::map<std::string, std::size_t> layer_index;
    const json& results = net.array("results");
    for (std::size_t i = 0; i < results.size(); ++i) {
      const JsonFields r(results[i], file.string(), net.path(fmt::format("results[{}]", i)));
      const std::string name = r.get<std::string>("layer");
      auto [it, inserted] = layer_index.emplace(name, network.layers.size());
      if (inserted) network.layers.push_back({name, r.get<int>("count", 1), "", {}});
      ReportLayer& layer = network.layers[it->second];
      ReportRun run;
      run.mapper = r.get<std::string>("mapper");
      if (std::find(data.mappers.begin(), data.mappers.end(), run.mapper) == data.mappers.end())
        data.mappers.push_back(run.mapper);
      run.found = r.get<bool>("found");
      run.roofline_cycles = r.get<std::int64_t>("roofline_cycles", 0);
      run.time_s = r.get<double>("time_s", 0.0);
      run.samples = r.optional<std::int64_t>("samples");
      run.evaluations = r.optional<std::int64_t>("evaluations");
      run.solver_status = r.get<std::string>("solver_status", "");
      run.gap = r.optional<double>("gap");
      if (run.found) {
        run.cycles = r.get<std::int64_t>("cycles");
        run.energy_pJ = r.get<double>("energy_pJ");
        run.utilization = r.optional<double>("utilization");
        loadLayerRunFiles(dir.string(), r.get<std::string>("stats_file", ""),
                          r.get<std::string>("loopnest_file", ""), layer, run, data.notes);
      } else {
        run.message = r.get<std::string>("message", "no valid mapping");
        interrupted_runs = interrupted_runs || run.message == "not run: interrupted";
      }
      layer.runs.push_back(std::move(run));
    }
    data.networks.push_back(std::move(network));
  }
  // Older results.json files do not record completeness; interrupted runs say so.
  data.complete = complete.value_or(!interrupted_runs);
  // One run per mapper, in mapper order, so that charts can index runs by mapper.
  for (ReportNetwork& network : data.networks)
    for (ReportLayer& layer : network.layers) {
      std::vector<ReportRun> ordered;
      for (const std::string& mapper : data.mappers) {
        auto it = std::find_if(layer.runs.begin(), layer.runs.end(),
                               [&](const ReportRun& run) { return run.mapper == mapper; });
        if (it != layer.runs.end()) {
          ordered.push_back(std::move(*it));
        } else {
          ReportRun missing;
          missing.mapper = mapper;
          missing.message = "not run";
          ordered.push_back(std::move(missing));
        }
      }
      layer.runs = std::move(ordered);
    }
  return data;
}

ReportData loadReportData(const std::string& dir) {
  const fs::path root(dir);
  if (!fs::is_directory(root))
    throw InputError({dir, 0, 0}, "",
                     "not a folder; give the --out folder of `cosa network` or `cosa compare`");
  if (fs::exists(root / "summary.json")) return loadNetworkReport(dir);
  if (fs::exists(root / "results.json")) return loadComparisonReport(dir);
  throw InputError({dir, 0, 0}, "",
                   "has neither summary.json (written by `cosa network`) nor results.json (written by `cosa "
                   "compare`); nothing to report");
}

}  // namespace cosa
