#pragma once
// Comparing mappers on networks: the application layer behind `cosa compare`. compareNetwork runs
// every mapper of the spec on every unique layer of every network (mappers/comparison.hpp), writes
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

#include "arch/architecture.hpp"
#include "io/results/comparison_report.hpp"
#include "mappers/comparison.hpp"
#include "mappers/cosa_scheduler.hpp"
#include "mappers/mapper.hpp"
#include "mapping/constraints.hpp"
#include "model/energy.hpp"
#include "workload/network.hpp"

namespace cosa::app {

struct CompareSpec {
  Architecture arch;
  // The constraints of a layer; empty: none.
  std::function<Constraints(const Workload&)> constraints_for;
  EnergyTable energy;
  std::vector<Network> networks;
  // The mappers with their settings (makeMapper), in report order; the first is the reference the
  // summary's gains are measured against.
  std::vector<std::shared_ptr<const Mapper>> mappers;
  int jobs = 1;
  std::uint64_t seed = 0;
  std::string out_dir;  // each found run's outputs go under out_dir/<network>/...; empty: none written
};

// The settings of the mappers `cosa compare` can run, with the command's defaults (the hybrid draws
// tilings as Timeloop does, with no victory condition: the paper's baseline). The CLI and the public
// API both fill this, so their defaults cannot drift apart.
struct CompareMapperOptions {
  std::string objective = "edp";                // cosa
  double time_limit_s = 10;                     // cosa: per MIP
  double gap = ScheduleOptions{}.relative_gap;  // cosa
  std::string backend = "cbc";                  // cosa
  std::optional<bool> polish;                   // cosa: empty = the objective's default
  int random_valid = 5;
  std::int64_t hybrid_search_size = 16000;
  std::int64_t victory_condition = 0;
  int hybrid_threads = 1;
  std::string hybrid_sampling = "timeloop";
  std::int64_t exhaustive_max_evaluations = 0;
};

// The named mappers (mapper_registry.hpp) with their settings from `options`, in the given order.
// Throws std::invalid_argument for an unknown name or a bad setting.
std::vector<std::shared_ptr<const Mapper>> comparedMappers(const std::vector<std::string>& names,
                                                           const CompareMapperOptions& options);

// The bundled networks `--network` names: "all" is the CoSA paper's evaluation set
// (paperNetworkNames), anything else a comma-separated list.
std::vector<std::string> comparedNetworkNames(const std::string& list);

// One run finished (or skipped because of a stop request); called under a lock, in finishing order.
struct CompareProgress {
  const std::string& network;
  const MapperRun& run;
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
