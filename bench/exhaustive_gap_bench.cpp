// How far the CoSA schedule is from the true optimum: on every layer of the bundled small_layers
// network (each small enough to enumerate Simba's whole mapspace), the exhaustive mapper's best
// mapping for a metric against cosa's schedule for the matching objective. Prints one line per
// layer and objective and a Markdown table; a report, not a timed test.
//
// usage: exhaustive_gap_bench [--threads N] [objective ...]   (default: latency energy edp)
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "io/network/network_yaml.hpp"
#include "io/timeloop/arch_yaml.hpp"
#include "io/timeloop/constraints_yaml.hpp"
#include "mappers/cosa_scheduler.hpp"
#include "mappers/exhaustive_mapper.hpp"
#include "workload/network.hpp"

namespace {

// The exhaustive metrics (in tie-break order) that rank mappings as each cosa objective does.
std::vector<cosa::SearchMetric> metricsFor(const std::string& objective) {
  using cosa::SearchMetric;
  if (objective == "latency") return {SearchMetric::Delay, SearchMetric::Energy};
  if (objective == "energy") return {SearchMetric::Energy, SearchMetric::Delay};
  return {SearchMetric::Edp};
}

}  // namespace

int main(int argc, char** argv) {
  using namespace cosa;
  int threads = 2;
  std::vector<std::string> objectives;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--threads" && i + 1 < argc)
      threads = std::stoi(argv[++i]);
    else
      objectives.push_back(arg);
  }
  if (objectives.empty()) objectives = {"latency", "energy", "edp"};
  const std::string data = COSA_DATA_DIR;
  const Architecture arch = loadArchitecture(data + "/arch/simba.yaml");
  const EnergyTable energy = builtinEnergyTable(arch);
  const Network network = builtinNetwork("small_layers");

  struct Row {
    std::string layer, objective;
    double cosa_value = 0, optimum = 0, cosa_time = 0, exhaustive_time = 0;
    std::int64_t evaluations = 0;
  };
  std::vector<Row> rows;
  for (const NetworkLayer& layer : network.layers) {
    const Constraints constraints =
        loadConstraints(data + "/mapspace/simba_bypass.yaml", arch, layer.workload);
    for (const std::string& objective : objectives) {
      ScheduleOptions options;
      options.objective = parseObjective(objective);
      options.threads = 1;
      const ScheduleResult cosa = scheduleLayer(arch, layer.workload, constraints, energy, options);
      ExhaustiveOptions exhaustive_options;
      exhaustive_options.metrics = metricsFor(objective);
      exhaustive_options.threads = threads;
      const SearchResult best =
          exhaustiveMapper(arch, layer.workload, constraints, energy, exhaustive_options);
      if (!cosa.found || !best.found) {
        fmt::print("{:<20} {:<8} no valid mapping (cosa: {}, exhaustive: {})\n", layer.name, objective,
                   cosa.found, best.found);
        continue;
      }
      const SearchMetric metric = exhaustive_options.metrics.front();
      Row row{layer.name,
              objective,
              metricValue(metric, cosa.evaluation),
              metricValue(metric, best.evaluation),
              cosa.total_time_s,
              best.time_s,
              best.evaluations};
      fmt::print(
          "{:<20} {:<8} cosa {:.6g} optimum {:.6g} ratio {:.4f}  cosa {:.3f} s, exhaustive {:.1f} s ({} "
          "evaluations)\n",
          row.layer, row.objective, row.cosa_value, row.optimum, row.cosa_value / row.optimum, row.cosa_time,
          row.exhaustive_time, row.evaluations);
      std::fflush(stdout);
      rows.push_back(row);
    }
  }

  fmt::print(
      "\n| layer | objective | cosa / optimum | cosa time (s) | exhaustive time (s) | evaluations |\n");
  fmt::print("|---|---|---|---|---|---|\n");
  for (const Row& r : rows)
    fmt::print("| {} | {} | {:.3f} | {:.3f} | {:.1f} | {} |\n", r.layer, r.objective,
               r.cosa_value / r.optimum, r.cosa_time, r.exhaustive_time, r.evaluations);
  fmt::print(
      "\n| objective | layers | within 5% of the optimum | at the optimum | geomean cosa / optimum | worst "
      "|\n");
  fmt::print("|---|---|---|---|---|---|\n");
  for (const std::string& objective : objectives) {
    int layers = 0, within = 0, optimal = 0;
    double log_sum = 0, worst = 0;
    for (const Row& r : rows) {
      if (r.objective != objective) continue;
      const double ratio = r.cosa_value / r.optimum;
      ++layers;
      within += ratio <= 1.05 ? 1 : 0;
      optimal += ratio <= 1.0 + 1e-9 ? 1 : 0;
      log_sum += std::log(ratio);
      worst = std::max(worst, ratio);
    }
    if (layers > 0)
      fmt::print("| {} | {} | {} | {} | {:.3f} | {:.3f} |\n", objective, layers, within, optimal,
                 std::exp(log_sum / layers), worst);
  }
  return 0;
}
