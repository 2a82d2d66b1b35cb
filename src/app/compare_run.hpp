#pragma once
// Comparing mappers on networks: the application layer behind `cosa compare`. compareNetwork runs
// every mapper of the spec on every unique layer of every network (app/layer_jobs.hpp), writes
// each run's outputs as its network finishes, and returns the typed result; writeComparisonSummary
// writes DIR/results.csv, results.json and summary.md from it (io/results/comparison_report.hpp renders
// them). Nothing here prints: progress goes to callbacks.

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/layer_jobs.hpp"
#include "app/settings.hpp"
#include "arch/architecture.hpp"
#include "io/results/comparison_report.hpp"
#include "mappers/layer_result.hpp"
#include "mappers/mapper.hpp"
#include "mapping/constraints.hpp"
#include "model/energy.hpp"
#include "workload/network.hpp"

namespace cosa::app {

struct CompareSpec {
  Architecture arch;
  // The constraints of a layer; empty: none.
  ConstraintsFor constraints_for;
  EnergyTable energy;
  std::vector<Network> networks;
  // The mappers by name (mapper_registry.hpp), in report order; the first is the reference the
  // summary's gains are measured against.
  std::vector<std::string> mappers{"cosa", "random", "hybrid"};
  RunSettings settings = paperComparisonSettings();  // the mappers' settings, jobs and seed
  std::string out_dir;  // each found run's outputs go under out_dir/<network>/...; empty: none written
};

// The named mappers (mapper_registry.hpp) with their settings from `settings`, in the given order.
// Throws std::invalid_argument for an unknown name or a bad setting.
std::vector<std::shared_ptr<const Mapper>> comparedMappers(const std::vector<std::string>& names,
                                                           const RunSettings& settings);

// The bundled networks `--network` names: "all" is the CoSA paper's evaluation set
// (paperNetworkNames), anything else a comma-separated list.
std::vector<std::string> comparedNetworkNames(const std::string& list);

// One run finished (or skipped because of a stop request); called under a lock, in finishing order.
struct CompareProgress {
  const std::string& network;
  const LayerResult& run;
  int finished = 0;
  int total = 0;  // runs of this network
};
using CompareProgressCallback = std::function<void(const CompareProgress&)>;

struct CompareResult {
  std::vector<NetworkComparison> networks;  // one per network, runs layer by layer, one per mapper
  bool complete = true;                     // false when a stop request left runs out
};

// `stop` (may be null) skips the runs not started yet and cuts the searches in progress short;
// `network_done` (may be empty) is called after each network's runs and outputs are written.
CompareResult compareNetwork(const CompareSpec& spec, const std::atomic<bool>* stop = nullptr,
                             const CompareProgressCallback& progress = {},
                             const std::function<void(const NetworkComparison&)>& network_done = {});

// The Markdown summary, as `cosa compare` prints it.
std::string comparisonSummaryMarkdown(const CompareSpec& spec, const CompareResult& result);
// Writes spec.out_dir/results.csv, results.json and summary.md atomically.
void writeComparisonSummary(const CompareSpec& spec, const CompareResult& result);

}  // namespace cosa::app
