#pragma once
// Design-space sweeps (the scheduler component), as `cosa sweep run` and `cosa sweep merge`: a
// sweep spec file (docs/sweeps.md) names a base architecture, parameters that override its
// attributes, workloads and the scheduler's settings (the mapper among them); every point is one
// network run into OUT/points/<id>/.

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace cosa::api {

// How a run of a spec goes (as `cosa sweep run`'s flags; a default-made value holds its defaults).
struct SweepSettings {
  SweepSettings();
  std::string out_dir;  // required: the sweep's folder (a re-run resumes it)
  std::string mapper;   // empty: the spec's (`--mapper`)
  int jobs;             // layers of a point scheduled in parallel
  int shard_index;      // this process runs the points i with i mod shard_count == shard_index
  int shard_count;
};

// One point of a sweep as its point.json gives it (status "missing" when it has not finished).
struct SweepPointResult {
  std::string id;
  std::string workload;
  std::vector<double> values;  // one per SweepResult::parameters
  std::string status;          // ok | failed | invalid | missing
  std::string message;         // why, when not ok
  std::optional<std::int64_t> cycles;
  std::optional<double> energy_pJ;
  std::optional<double> edp;
  bool pareto = false;  // on its workload's front of (cycles, energy), both minimised
};

struct SweepResult {
  std::string name;
  std::string objective;
  std::string mapper;  // the mapper every point ran
  std::vector<std::string> parameters;
  std::vector<std::string> workloads;
  std::vector<SweepPointResult> points;  // every planned point, in the sweep's order
  // This run (runSweep only): the points of the shard scheduled now, skipped (finished earlier) and
  // failed; complete is false when a stop request cut the shard short.
  std::size_t ran = 0, skipped = 0, failed = 0;
  bool complete = true;
  std::vector<std::string> missing;  // ids of points without point.json
};

struct SweepProgressInfo {
  std::size_t point = 0;  // 1-based among the shard's points
  std::size_t points = 0;
  std::string id;
  bool done = false;   // the point finished (or was skipped)
  std::string status;  // when done: ok | failed | invalid | skipped
};
using SweepProgressFunction = std::function<void(const SweepProgressInfo&)>;

// Runs the shard's unfinished points of the spec at `spec_path`, then reads the whole folder back.
// Throws InputError for a bad spec, workload or a folder that holds another sweep. `stop` as for
// scheduleNetwork: the finished points are kept.
SweepResult runSweep(const std::string& spec_path, const SweepSettings& settings,
                     const SweepProgressFunction& progress = {}, const std::atomic<bool>* stop = nullptr);

// Writes DIR/points.csv and DIR/report.html (as `cosa sweep merge`) and returns the folder's points.
SweepResult mergeSweep(const std::string& dir);

}  // namespace cosa::api
