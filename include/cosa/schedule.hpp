#pragma once
// Scheduling with the CoSA MIP (the scheduler component: needs a MIP solver, CBC or GLPK): one
// layer, a whole network, and comparisons between mappers.

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cosa/specs.hpp"

namespace cosa::api {

// The settings of `cosa schedule` / `cosa network` (same names, same defaults: a default-made
// value holds them, taken from the scheduler's own, so they are written once).
struct ScheduleSettings {
  ScheduleSettings();
  std::string mapper;          // cosa | random | hybrid | exhaustive
  std::string objective;       // cosa: edp | latency | energy | cosa-paper
  std::string backend;         // cosa: cbc | glpk (when built in)
  double time_limit_s;         // cosa: per MIP
  double gap;                  // cosa: relative MIP gap
  int threads;                 // cosa: solver threads per MIP
  std::uint64_t seed;          // the solver's and the search mappers' random seed
  std::optional<bool> polish;  // cosa: default: polish except for cosa-paper
  std::string ert;             // Accelergy ERT file; empty: the built-in energies
  // The search mappers (as `--random-valid`, `--search-size`, `--victory-condition`,
  // `--hybrid-sampling`, `--hybrid-threads`, `--max-evaluations`).
  std::int64_t random_valid;
  std::int64_t hybrid_search_size;
  std::int64_t hybrid_victory_condition;
  std::string hybrid_sampling;  // fanout-valid | timeloop
  int hybrid_threads;
  std::int64_t exhaustive_max_evaluations;  // 0: all
};

namespace detail {
struct LayerScheduleImpl;
struct NetworkScheduleImpl;
}  // namespace detail

class LayerSchedule {
 public:
  bool found() const;
  std::string message() const;    // why there is no mapping (found() == false)
  std::string note() const;       // when found but not proven optimal: why
  Mapping mapping() const;        // throws std::logic_error when !found()
  std::string statsJson() const;  // stats.json as `cosa schedule` writes it
  std::string report() const;     // the lines `cosa schedule` prints (summary and solver)
  // Writes mapping.yaml, problem.yaml, stats.json and loopnest.txt into `dir`, as `cosa schedule`.
  void write(const std::string& dir) const;
  explicit LayerSchedule(std::shared_ptr<const detail::LayerScheduleImpl> impl) : impl_(std::move(impl)) {}

 private:
  std::shared_ptr<const detail::LayerScheduleImpl> impl_;
};

// Throws InputError for bad input (constraints that do not fit, an unknown objective or backend).
LayerSchedule schedule(const Architecture& arch, const Problem& problem,
                       const std::optional<Mapspace>& mapspace, const ScheduleSettings& settings = {});

// Exactly one of the three.
struct NetworkSource {
  std::string network;                                            // a bundled network by name
  std::string workload_dir;                                       // a CoSA-style folder of layer YAML files
  std::string onnx;                                               // an ONNX model
  std::int64_t batch = 1;                                         // ONNX: the symbolic batch size
  std::map<std::string, std::vector<std::int64_t>> input_shapes;  // ONNX: shapes of symbolic inputs
};

struct NetworkSettings {
  NetworkSettings();
  ScheduleSettings schedule;
  int jobs;             // layers scheduled in parallel
  std::string out_dir;  // when set, each layer's files go to out_dir/layers/<layer>/ as it finishes
};

struct LayerProgress {
  std::size_t finished = 0;
  std::size_t total = 0;
  std::string layer;
  bool found = false;
  std::string status;  // the layer's summary line, or why it has no mapping
};
// Called as each layer finishes, from a worker thread, one call at a time.
using ProgressFunction = std::function<void(const LayerProgress&)>;

struct NetworkLayerResult {
  std::string name;
  int count = 1;  // occurrences of this shape in the network
  bool found = false;
  std::string message;
  std::optional<Mapping> mapping;
  std::string stats_json;  // as layers/<layer>/stats.json (empty when not found)
};

class NetworkSchedule {
 public:
  std::string summaryJson() const;                 // summary.json as `cosa network` writes it
  std::string summaryMarkdown() const;             // summary.md
  std::vector<NetworkLayerResult> layers() const;  // unique layers, first-seen order
  bool interrupted() const;
  bool complete() const;
  int failedLayers() const;
  // Writes summary.json, summary.md and layers.csv into `dir` (the layers' own files are written
  // during the run when NetworkSettings::out_dir is set).
  void writeSummary(const std::string& dir) const;
  explicit NetworkSchedule(std::shared_ptr<const detail::NetworkScheduleImpl> impl)
      : impl_(std::move(impl)) {}

 private:
  std::shared_ptr<const detail::NetworkScheduleImpl> impl_;
};

// Schedules each unique layer once. `stop` (may be null): once set, the layers in progress stop
// within about a second (inside their MIP solves too) and, like the layers not started, are left
// unscheduled; the finished layers are kept (the result is marked interrupted and incomplete).
NetworkSchedule scheduleNetwork(const Architecture& arch, const NetworkSource& source,
                                const std::optional<Mapspace>& mapspace, const NetworkSettings& settings = {},
                                const ProgressFunction& progress = {},
                                const std::atomic<bool>* stop = nullptr);

// The settings of `cosa compare`, with its defaults (the paper's baselines: the hybrid draws
// tilings as Timeloop does, with no victory condition).
struct CompareSettings {
  CompareSettings();
  std::vector<std::string> mappers;  // the first is the reference
  ScheduleSettings schedule;         // every mapper's settings (its `mapper` is not used)
  int jobs;                          // layer/mapper runs in parallel
};

// Runs the mappers over every unique layer of the network; returns results.json as `cosa compare`
// writes it. `stop` as for scheduleNetwork.
std::string compareJson(const Architecture& arch, const NetworkSource& source,
                        const std::optional<Mapspace>& mapspace, const CompareSettings& settings = {},
                        const std::atomic<bool>* stop = nullptr);

}  // namespace cosa::api
