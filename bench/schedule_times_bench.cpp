// Time-to-solution and quality of the CoSA scheduler on every unique layer of the bundled networks
// on Simba, one solver thread. Prints one line per layer, medians and maxima of time per objective,
// and a Markdown table per network: geomean cycles and energy (weighted by layer count) of each
// objective, relative to the first one, and geomean cycles over the roofline bound. A report, not a
// timed test.
//
// usage: schedule_times_bench [--gap G] [--energy-model-nodes N] [--no-polish] [objective ...]   (default:
// latency cosa-paper)
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
#include "workload/network.hpp"

namespace {

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace cosa;
  std::vector<std::string> objectives;
  ScheduleOptions base;
  base.threads = 1;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--gap" && i + 1 < argc) {
      base.relative_gap = std::stod(argv[++i]);
    } else if (arg == "--energy-model-nodes" && i + 1 < argc) {
      base.energy_model_nodes = std::stoll(argv[++i]);
    } else if (arg == "--no-polish") {
      base.polish = false;
    } else if (arg == "--polish") {
      base.polish = true;
    } else {
      objectives.push_back(arg);
    }
  }
  if (objectives.empty()) objectives = {"latency", "cosa-paper"};
  const std::string data = COSA_DATA_DIR;
  const Architecture arch = loadArchitecture(data + "/arch/simba.yaml");
  const EnergyTable energy = builtinEnergyTable(arch);
  struct Totals {
    double log_cycles = 0, log_energy = 0, log_ratio = 0, weight = 0;
  };
  std::map<std::string, std::map<std::string, Totals>> totals;  // [objective][network]
  const std::vector<std::string> networks{"alexnet", "resnet50", "resnext50", "deepbench"};
  for (const std::string& objective_name : objectives) {
    std::vector<double> times, ratios;
    int invalid = 0;
    for (const std::string& network : networks) {
      for (const NetworkLayer& layer : uniqueLayers(builtinNetwork(network))) {
        const Constraints constraints =
            loadConstraints(data + "/mapspace/simba_bypass.yaml", arch, layer.workload);
        ScheduleOptions options = base;
        options.objective = parseObjective(objective_name);
        const ScheduleResult r = scheduleLayer(arch, layer.workload, constraints, energy, options);
        if (!r.found) ++invalid;
        times.push_back(r.total_time_s);
        const double ratio = r.found ? double(r.evaluation.cycles) / double(r.roofline_cycles) : 0;
        if (r.found) {
          ratios.push_back(ratio);
          for (const std::string& key : {network, std::string("all")}) {
            Totals& t = totals[objective_name][key];
            t.log_cycles += layer.count * std::log(double(r.evaluation.cycles));
            t.log_energy += layer.count * std::log(r.evaluation.energy_pJ);
            t.log_ratio += layer.count * std::log(ratio);
            t.weight += layer.count;
          }
        }
        fmt::print("{:<10} {:<12} {:<28} status {:<8} solve {:7.3f} s total {:7.3f} s cycles/bound {:6.3f}\n",
                   objective_name, network, layer.name, solver::toString(r.status), r.solve_time_s,
                   r.total_time_s, ratio);
      }
    }
    double log_sum = 0;
    for (double r : ratios) log_sum += std::log(r);
    fmt::print(
        "{}: {} layers, {} without a valid mapping; time-to-solution median {:.3f} s, max {:.3f} s; "
        "geomean cycles/bound {:.3f}\n",
        objective_name, times.size(), invalid, median(times), *std::max_element(times.begin(), times.end()),
        std::exp(log_sum / std::max<std::size_t>(1, ratios.size())));
  }
  // Markdown table: every objective against the first.
  const std::string& reference = objectives.front();
  fmt::print(
      "\n| network | objective | geomean cycles | geomean energy (uJ) | cycles vs {0} | energy vs {0} | "
      "cycles / "
      "roofline |\n",
      reference);
  fmt::print("|---|---|---|---|---|---|---|\n");
  std::vector<std::string> rows = networks;
  rows.push_back("all");
  for (const std::string& network : rows)
    for (const std::string& objective : objectives) {
      const Totals& t = totals[objective][network];
      const Totals& b = totals[reference][network];
      if (t.weight == 0 || b.weight == 0) continue;
      fmt::print("| {} | {} | {:.0f} | {:.2f} | {:.3f}x | {:.3f}x | {:.3f} |\n", network, objective,
                 std::exp(t.log_cycles / t.weight), std::exp(t.log_energy / t.weight) / 1e6,
                 std::exp(t.log_cycles / t.weight - b.log_cycles / b.weight),
                 std::exp(t.log_energy / t.weight - b.log_energy / b.weight),
                 std::exp(t.log_ratio / t.weight));
    }
  return 0;
}
