#pragma once
// Scheduling a whole network: the application layer behind `cosa network` and `cosa sweep run`.
// runNetwork schedules each unique layer once (in parallel), writes every layer's outputs as it
// finishes, and returns the typed result; networkSummaryJson / networkSummaryMarkdown render it,
// writeNetworkSummary writes DIR/summary.{json,md}. Nothing here prints: progress goes to a callback.

#include <atomic>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "app/layer_jobs.hpp"
#include "app/settings.hpp"
#include "arch/architecture.hpp"
#include "io/onnx/onnx_import.hpp"
#include "mappers/layer_result.hpp"
#include "mapping/constraints.hpp"
#include "model/energy.hpp"
#include "workload/network.hpp"

namespace cosa::app {

// Where a network came from when it was imported from ONNX: recorded in the summary.
struct OnnxProvenance {
  // What summary.json records about the import: the file, batch, input shapes, compute nodes,
  // skipped operators, not-imported nodes (name, op, reason), notes and warnings.
  nlohmann::json summary_fields = nlohmann::json::object();
  std::string markdown_note;     // summary.md's lines on the import (not-imported nodes, skipped operators)
  std::size_t not_imported = 0;  // compute nodes that are not layers: the network is incomplete
};

// The provenance of an import of `path` with the --batch and --input-shape values given.
OnnxProvenance onnxProvenance(const std::string& path, std::int64_t batch,
                              const std::vector<std::string>& input_shapes, const OnnxImport& imported);

struct NetworkRunSpec {
  Architecture arch;
  std::string arch_label;  // shown when the architecture has no name (e.g. its file)
  std::string mapspace;    // constraints YAML; empty = none (unless constraints_for is set)
  // The constraints of a layer, when they come from elsewhere than one mapspace file (e.g. the
  // CLI's merged input files); takes precedence over `mapspace`.
  ConstraintsFor constraints_for;
  Network network;
  std::optional<OnnxProvenance> onnx;
  std::optional<EnergyTable> energy;  // per-access energies (e.g. from an ERT); empty: the built-in model
  RunSettings settings;               // the mapper that runs each layer, its settings, jobs, seed
  std::string out_dir;                // each layer's outputs go to out_dir/layers/<layer>/ (none when empty)
};

// One layer finished (or skipped because of a stop request); called under a lock, in finishing order.
struct LayerProgress {
  std::size_t finished = 0;
  std::size_t total = 0;
  const NetworkLayer& layer;
  const LayerResult& result;
};
using LayerProgressCallback = std::function<void(const LayerProgress&)>;

struct NetworkRunResult {
  std::vector<NetworkLayer> layers;  // unique layers, in first-seen order
  std::vector<LayerResult> results;  // one per unique layer
  std::int64_t total_cycles = 0;     // weighted by each layer's count; failed layers excluded
  double total_energy_pJ = 0;
  double total_macs = 0;
  int failed = 0;  // unique layers without a mapping (including those not run)
  double wall_time_s = 0;
  double solve_time_s = 0;   // MIP solver time summed over the unique layers (cosa)
  bool interrupted = false;  // a stop request left layers unscheduled (stopped mid-way or not run)
  bool complete = true;      // false when interrupted or when the ONNX import left compute nodes out

  double totalEdp() const { return static_cast<double>(total_cycles) * total_energy_pJ; }
};

// Throws InputError for bad constraints. `stop` (may be null) stops the run: the layers in progress
// stop within about a second (their MIP solves, polishing and refinement poll it) and are left
// unscheduled ("interrupted: ..."), the layers not started are not run ("not run:
// interrupted"); the finished layers' outputs stay written, and the result is interrupted and
// incomplete.
// `inputs_read` (may be empty) is called once every layer's constraints are read, before scheduling.
NetworkRunResult runNetwork(const NetworkRunSpec& spec, const std::atomic<bool>* stop = nullptr,
                            const LayerProgressCallback& progress = {},
                            const std::function<void()>& inputs_read = {});

nlohmann::json networkSummaryJson(const NetworkRunSpec& spec, const NetworkRunResult& result);
// The Markdown summary, as `cosa network` prints it (without the ONNX note).
std::string networkSummaryMarkdown(const NetworkRunSpec& spec, const NetworkRunResult& result);
// The note summary.md ends with for an ONNX import (empty otherwise).
std::string networkImportNote(const NetworkRunSpec& spec);
// Writes spec.out_dir/summary.json, summary.md and layers.csv atomically.
void writeNetworkSummary(const NetworkRunSpec& spec, const NetworkRunResult& result);

}  // namespace cosa::app
