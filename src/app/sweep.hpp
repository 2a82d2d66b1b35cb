#pragma once
// Design-space sweeps: the application layer behind `cosa sweep run | merge | slurm`.
//
// A sweep spec (YAML, docs/sweeps.md, docs/schema/sweep-spec.schema.json) names a base
// architecture, parameters that override its attributes by level name, workloads and scheduler
// settings. Its points (parameter combinations x workloads) get deterministic ids; each point is
// scheduled as `cosa network` would schedule it, into DIR/points/<id>/, which the point owns:
// arch.yaml (the point's architecture, legacy form), layers/, summary.{json,md}, and point.json,
// written last, which marks the point finished. Shards take every N-th point and never write
// outside their points' folders; a re-run skips finished points. Merging reads DIR/sweep.json (the
// list of points) and every point.json into DIR/points.csv and DIR/report.html.

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "arch/architecture.hpp"
#include "mappers/cosa_scheduler.hpp"
#include "report/sweep_report.hpp"

namespace cosa::app {

// One attribute a parameter sets: value x times, on the level named `level` (a storage level or
// the arithmetic level, also reachable as `arithmetic`).
struct AttributeTarget {
  std::string level;
  std::string attribute;  // instances, meshX, meshY, entries, depth, sizeKB, word-bits, ...
  double times = 1;
};

struct SweepParameter {
  std::string name;
  std::vector<double> values;
  std::vector<AttributeTarget> targets;
};

enum class WorkloadKind { Network, Folder, Onnx };

struct SweepWorkload {
  WorkloadKind kind = WorkloadKind::Network;
  std::string source;      // a bundled network's name, or an absolute path
  std::int64_t batch = 1;  // ONNX only
  std::string label;       // in ids and the CSV: the network name or the file's stem
};

struct SweepSpec {
  std::string file;  // the spec, absolute
  std::string name;
  std::string architecture;  // absolute path
  std::string mapspace;      // absolute path; empty = none
  std::vector<SweepWorkload> workloads;
  std::vector<SweepParameter> parameters;
  bool zip = false;  // parameters vary together (equal lengths) instead of as a product
  ScheduleOptions options;
  std::string objective_name = "edp";
};

struct SweepPoint {
  std::size_t index = 0;       // position in the sweep's deterministic order
  std::string id;              // e.g. "resnet50-pes16-glb_kb64"; a folder name
  std::vector<double> values;  // one per parameter
  std::size_t workload = 0;    // index into SweepSpec::workloads
};

// Reads and checks a spec (InputError naming file, line:column, field and reason). Levels and
// attributes are checked against the base architecture, which is loaded here.
SweepSpec loadSweepSpec(const std::string& path);

// Parameter combinations (product, or zipped), each with every workload; workloads vary slowest.
std::vector<SweepPoint> expandPoints(const SweepSpec& spec);

// The base architecture with a point's overrides. Throws std::invalid_argument when a value does
// not fit its attribute (e.g. a fractional instance count); the combination's consistency (e.g.
// instances that do not divide) is checked when the written file is read back.
Architecture applyOverrides(const SweepSpec& spec, const Architecture& base, const SweepPoint& point);

// Which points a process runs: point i belongs to shard i mod count.
struct Shard {
  int index = 0;
  int count = 1;
};
// "I/N" (0 <= I < N) or "slurm" (SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN of
// SLURM_ARRAY_TASK_COUNT; `env` looks a variable up, normally std::getenv). Throws
// std::invalid_argument naming what is wrong.
Shard parseShard(const std::string& text, const std::function<const char*(const char*)>& env);

struct SweepProgress {
  std::size_t point = 0;  // 1-based among this shard's points
  std::size_t points = 0;
  const SweepPoint& current;
  std::size_t layer = 0;  // layers of the current point finished so far (0 when it starts)
  std::size_t layers = 0;
  bool point_done = false;
  bool skipped = false;  // already finished earlier (resume)
  std::string status;    // when point_done: ok | failed | invalid
};
using SweepProgressCallback = std::function<void(const SweepProgress&)>;

struct SweepRunSummary {
  std::size_t shard_points = 0;  // points in this shard
  std::size_t ran = 0;           // scheduled now
  std::size_t skipped = 0;       // finished earlier
  std::size_t failed = 0;        // ran now and not ok (failed or invalid)
  bool complete = true;          // false when stopped before every point of the shard finished
};

struct SweepRunOptions {
  std::string out_dir;
  Shard shard;
  int jobs = 1;  // layers of a point scheduled in parallel
};

// Writes DIR/sweep.json (or checks that the one there lists the same points), then runs the
// shard's unfinished points. Throws InputError for a bad spec or workload, std::runtime_error
// when DIR holds a different sweep.
SweepRunSummary runSweep(const SweepSpec& spec, const SweepRunOptions& options,
                         const std::atomic<bool>* stop = nullptr, const SweepProgressCallback& progress = {});

struct SweepMergeSummary {
  std::size_t points = 0;
  std::size_t finished = 0;
  std::size_t ok = 0;
  std::vector<std::string> missing;  // ids of points without point.json
  std::string csv_path;
  std::string report_path;
};

// Writes DIR/points.csv and DIR/report.html from DIR/sweep.json and the points' point.json files;
// points not finished appear with status "missing".
SweepMergeSummary mergeSweep(const std::string& dir);

// The whole CSV text (deterministic: the same finished points give the same bytes).
std::string pointsCsv(const SweepReportData& data);

struct SlurmOptions {
  std::string out_dir;
  int array = 1;  // array tasks (shards)
  std::string partition;
  std::string time;  // --time, e.g. 01:00:00
  std::string account;
  std::string mem;
  int cpus_per_task = 1;           // also the shards' --jobs
  std::string cosa;                // the cosa binary the jobs run (absolute)
  std::vector<std::string> extra;  // further #SBATCH lines (without the prefix)
};

// Writes DIR/sweep.sbatch (the array job: one shard per task), DIR/merge.sbatch (the merge) and
// DIR/submit.sh (submits the array, then the merge with --dependency=afterany on it).
// Returns the paths written.
std::vector<std::string> writeSlurmScripts(const SweepSpec& spec, const SlurmOptions& options);

}  // namespace cosa::app
