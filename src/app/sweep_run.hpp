#pragma once
// Running a sweep (`cosa sweep run`): the shard's unfinished points, each scheduled as `cosa network`
// schedules a network (app/network_run.hpp, with the spec's mapper and settings) into
// DIR/points/<id>/, which the point owns: arch.yaml (the point's architecture, legacy form),
// layers/, summary.{json,md}, and point.json, written last, which marks the point finished. Shards
// take every N-th point and never write outside their points' folders; a re-run skips finished
// points.

#include <atomic>
#include <cstddef>
#include <functional>
#include <string>

#include "app/settings.hpp"
#include "app/sweep_points.hpp"
#include "app/sweep_spec.hpp"

namespace cosa::app {

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
  int jobs = RunSettings{}.jobs;  // layers of a point scheduled in parallel
};

// Writes DIR/sweep.json (or checks that the one there lists the same points, mapper and settings),
// then runs the shard's unfinished points. Throws InputError for a bad spec or workload,
// std::runtime_error when DIR holds a different sweep.
SweepRunSummary runSweep(const SweepSpec& spec, const SweepRunOptions& options,
                         const std::atomic<bool>* stop = nullptr, const SweepProgressCallback& progress = {});

}  // namespace cosa::app
