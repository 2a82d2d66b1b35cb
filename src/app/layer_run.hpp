#pragma once
// Scheduling one layer: the application layer behind `cosa schedule` and the public API's
// schedule(). runLayer runs the settings' mapper through the one driver (app/layer_jobs.hpp) as a
// single job, optionally writing cosa's MIPs first, and returns the typed result;
// writeLayerOutputs writes what `cosa schedule` writes. Nothing here prints.

#include <string>
#include <vector>

#include "app/settings.hpp"
#include "arch/architecture.hpp"
#include "mappers/layer_result.hpp"
#include "mapping/constraints.hpp"
#include "model/energy.hpp"
#include "workload/workload.hpp"

namespace cosa::app {

struct LayerRunSpec {
  Architecture arch;
  Workload workload;
  Constraints constraints;
  EnergyTable energy;
  RunSettings settings;
  // cosa only: when set, every MIP the schedule solves is written there first as
  // mip.<objective>.{lp,mps} (so an infeasible layer's MIP can be inspected too).
  std::string mip_dir;
};

struct LayerRunResult {
  LayerResult layer;
  std::vector<std::string> mip_files;  // written to spec.mip_dir, as "mip.<objective>.{lp,mps}"
};

// `stop` (may be null): once set, the mapper returns what it has, marked interrupted.
LayerRunResult runLayer(const LayerRunSpec& spec, const std::atomic<bool>* stop = nullptr);

// The layer's mapping.yaml, problem.yaml, stats.json and loopnest.txt in `dir` (atomically); the
// result must have a mapping.
void writeLayerOutputs(const std::string& dir, const LayerRunSpec& spec, const LayerRunResult& result);

// What `cosa schedule` prints on success: the summary line, then the solver (or search) line.
std::string layerRunReport(const LayerRunSpec& spec, const LayerRunResult& result);

}  // namespace cosa::app
