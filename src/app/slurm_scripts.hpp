#pragma once
// A sweep on a Slurm cluster (`cosa sweep slurm`): an array job of shards, a merge job that depends
// on it, and the script that submits both.

#include <string>
#include <vector>

#include "app/sweep_spec.hpp"

namespace cosa::app {

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
  std::string mapper;              // the shards' --mapper; empty: the spec's own
};

// Writes DIR/sweep.json (or checks it, as `cosa sweep run` does), DIR/sweep.sbatch (the array job:
// one shard per task), DIR/merge.sbatch (the merge) and DIR/submit.sh (submits the array, then the
// merge with --dependency=afterany on it). With options.mapper the plan and the shards run that mapper
// (std::invalid_argument for an unknown one). Returns the paths written.
std::vector<std::string> writeSlurmScripts(const SweepSpec& spec, const SlurmOptions& options);

}  // namespace cosa::app
