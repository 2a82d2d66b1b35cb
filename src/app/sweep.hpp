#pragma once
// Design-space sweeps: the application layer behind `cosa sweep run | merge | slurm`, one file per
// job (this header includes them all).
//
// A sweep spec (YAML, docs/sweeps.md, docs/schema/sweep-spec.schema.json; read by
// io/sweep/sweep_spec) names a base architecture, parameters that override its attributes by level
// name, workloads and scheduler settings, the mapper among them.
//   sweep_spec       the spec with its scheduler section as app::RunSettings (loadSweepSpec)
//   sweep_points     its points (parameter combinations x workloads) with deterministic ids
//   sweep_overrides  a point's architecture
//   sweep_plan       DIR/sweep.json and point.json's identifying fields
//   sweep_run        shards and the run of a shard's points, each as `cosa network` (runSweep)
//   sweep_merge      DIR/points.csv and DIR/report.html (mergeSweep)
//   slurm_scripts    the Slurm array job, merge job and submit script (writeSlurmScripts)

#include "app/slurm_scripts.hpp"
#include "app/sweep_merge.hpp"
#include "app/sweep_overrides.hpp"
#include "app/sweep_plan.hpp"
#include "app/sweep_points.hpp"
#include "app/sweep_run.hpp"
#include "app/sweep_spec.hpp"
