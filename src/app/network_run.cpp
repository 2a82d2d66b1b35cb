#include "app/network_run.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <mutex>

#include "common/parallel.hpp"
#include "io/atomic_file.hpp"
#include "io/results/layer_files.hpp"
#include "io/results/schedule_report.hpp"
#include "io/timeloop/constraints_yaml.hpp"
#include "model/energy.hpp"

namespace cosa::app {

namespace {

std::string layerOutput(const NetworkLayer& layer) { return "layers/" + fileSafeName(layer.name); }

// The network runs its layers one after another: cycles and energy add up, weighted by count.
void addTotals(NetworkRunResult& result) {
  for (std::size_t i = 0; i < result.layers.size(); ++i) {
    const ScheduleResult& r = result.results[i];
    result.solve_time_s += r.solve_time_s;
    if (!r.found) {
      ++result.failed;
      continue;
    }
    const int count = result.layers[i].count;
    result.total_cycles += count * r.evaluation.cycles;
    result.total_energy_pJ += count * r.evaluation.energy_pJ;
    result.total_macs += count * static_cast<double>(r.evaluation.macs);
  }
}

double pjPerMac(const NetworkRunResult& result) {
  return result.total_macs > 0 ? result.total_energy_pJ / result.total_macs : 0.0;
}

int effectiveJobs(const NetworkRunSpec& spec) { return std::max(spec.jobs, 1); }  // fewer runs one at a time

}  // namespace

NetworkRunResult runNetwork(const NetworkRunSpec& spec, const std::atomic<bool>* stop,
                            const LayerProgressCallback& progress, const std::function<void()>& inputs_read) {
  const EnergyTable energy = spec.energy ? *spec.energy : builtinEnergyTable(spec.arch);
  NetworkRunResult result;
  result.layers = uniqueLayers(spec.network);
  std::vector<Constraints> constraints;
  for (const NetworkLayer& layer : result.layers)
    constraints.push_back(spec.constraints_for ? spec.constraints_for(layer.workload)
                          : spec.mapspace.empty()
                              ? Constraints{}
                              : loadConstraints(spec.mapspace, spec.arch, layer.workload));
  if (inputs_read) inputs_read();

  const std::filesystem::path out(spec.out_dir);
  const auto stopped = [stop] { return stop != nullptr && stop->load(); };
  result.results.resize(result.layers.size());
  std::size_t done = 0;
  std::mutex progress_mutex;
  const auto start = std::chrono::steady_clock::now();
  ScheduleOptions options = spec.options;
  options.stop = stop;  // layers in progress stop too, within about a second
  forEachInParallel(result.layers.size(), spec.jobs, [&](std::size_t i) {
    const NetworkLayer& layer = result.layers[i];
    ScheduleResult& r = result.results[i];
    if (stopped()) {
      r.message = "not run: interrupted";
      return;
    }
    r = scheduleLayer(spec.arch, layer.workload, constraints[i], energy, options);
    if (r.interrupted) {
      // Stopped mid-way: whatever valid schedule it had is not what the layer would get, so it is
      // neither written nor counted (as compare counts a search cut short); the run is incomplete.
      r.found = false;
      r.message = "interrupted while scheduling: the layer is left unscheduled";
    }
    if (r.found && !spec.out_dir.empty())
      writeScheduleOutputs((out / layerOutput(layer)).string(), r, spec.options, spec.arch, layer.workload,
                           energy);
    std::lock_guard lock(progress_mutex);
    ++done;
    if (progress) progress({done, result.layers.size(), layer, r});
  });
  result.wall_time_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  result.interrupted = stopped() || std::any_of(result.results.begin(), result.results.end(),
                                                [](const ScheduleResult& r) { return r.interrupted; });
  result.complete = !result.interrupted && (!spec.onnx || spec.onnx->not_imported == 0);
  addTotals(result);
  return result;
}

nlohmann::json networkSummaryJson(const NetworkRunSpec& spec, const NetworkRunResult& result) {
  nlohmann::json per_layer = nlohmann::json::array();
  for (std::size_t i = 0; i < result.layers.size(); ++i) {
    const NetworkLayer& layer = result.layers[i];
    const ScheduleResult& r = result.results[i];
    nlohmann::json entry{{"layer", layer.name}, {"count", layer.count}, {"found", r.found}};
    if (r.found) {
      entry.update({{"cycles", r.evaluation.cycles},
                    {"energy_pJ", r.evaluation.energy_pJ},
                    {"cycles_share", layer.count * static_cast<double>(r.evaluation.cycles) /
                                         static_cast<double>(result.total_cycles)},
                    {"energy_share", layer.count * r.evaluation.energy_pJ / result.total_energy_pJ},
                    {"roofline_cycles", r.roofline_cycles},
                    {"solver_status", solver::toString(r.status)},
                    {"time_s", r.total_time_s},
                    {"note", r.note},
                    {"output", layerOutput(layer)}});
    } else {
      entry["message"] = r.message;
    }
    per_layer.push_back(entry);
  }
  nlohmann::json summary{{"network", spec.network.name},
                         {"complete", result.complete},
                         {"architecture", spec.arch.name},
                         {"objective", spec.objective_name},
                         {"backend", spec.options.backend},
                         {"settings", scheduleSettingsJson(spec.options)},
                         {"layers", spec.network.layers.size()},
                         {"unique_layers", result.layers.size()},
                         {"failed_layers", result.failed},
                         {"total_cycles", result.total_cycles},
                         {"total_energy_pJ", result.total_energy_pJ},
                         {"total_edp", result.totalEdp()},
                         {"pJ_per_mac", pjPerMac(result)},
                         {"wall_time_s", result.wall_time_s},
                         {"jobs", effectiveJobs(spec)},
                         {"per_layer", per_layer}};
  if (spec.onnx) summary.update(spec.onnx->summary_fields);
  return summary;
}

std::string networkSummaryMarkdown(const NetworkRunSpec& spec, const NetworkRunResult& result) {
  std::string table =
      "| layer | count | cycles | energy (uJ) | share of cycles | share of energy | cycles / roofline | "
      "solver | time (s) |\n|---|---|---|---|---|---|---|---|---|\n";
  for (std::size_t i = 0; i < result.layers.size(); ++i) {
    const NetworkLayer& layer = result.layers[i];
    const ScheduleResult& r = result.results[i];
    if (r.found) {
      const double cycles_share =
          layer.count * static_cast<double>(r.evaluation.cycles) / static_cast<double>(result.total_cycles);
      const double energy_share = layer.count * r.evaluation.energy_pJ / result.total_energy_pJ;
      table +=
          fmt::format("| {} | {} | {} | {:.2f} | {:.1f}% | {:.1f}% | {:.3f} | {} | {:.2f} |\n", layer.name,
                      layer.count, r.evaluation.cycles, r.evaluation.energy_pJ / 1e6, 100 * cycles_share,
                      100 * energy_share, double(r.evaluation.cycles) / double(r.roofline_cycles),
                      solver::toString(r.status), r.total_time_s);
    } else {
      table +=
          fmt::format("| {} | {} | no valid mapping: {} | | | | | | |\n", layer.name, layer.count, r.message);
    }
  }
  return std::string(result.interrupted ? "**Incomplete: interrupted before every layer was scheduled.**\n\n"
                                        : "") +
         std::string(
             spec.onnx && spec.onnx->not_imported > 0
                 ? "**Incomplete: some compute nodes of the model are not layers (listed below).**\n\n"
                 : "") +
         fmt::format(
             "# {} on {}\n\n{} layers ({} unique), objective {}, solver {}: total {} cycles, {:.2f} uJ, EDP "
             "{:.4g} pJ*cycles, {:.3f} pJ/MAC; scheduled in {:.1f} s with {} job(s).\n\n{}",
             spec.network.name, spec.arch.name.empty() ? spec.arch_label : spec.arch.name,
             spec.network.layers.size(), result.layers.size(), spec.objective_name, spec.options.backend,
             result.total_cycles, result.total_energy_pJ / 1e6, result.totalEdp(), pjPerMac(result),
             result.wall_time_s, effectiveJobs(spec), table);
}

std::string networkImportNote(const NetworkRunSpec& spec) {
  return spec.onnx ? spec.onnx->markdown_note : "";
}

OnnxProvenance onnxProvenance(const std::string& path, std::int64_t batch,
                              const std::vector<std::string>& input_shapes, const OnnxImport& imported) {
  OnnxProvenance provenance;
  nlohmann::json not_imported = nlohmann::json::array();
  for (const NotImportedNode& n : imported.not_imported)
    not_imported.push_back({{"node", n.node}, {"op_type", n.op_type}, {"reason", n.reason}});
  nlohmann::json shapes = nlohmann::json::object();
  for (const std::string& text : input_shapes)
    shapes[text.substr(0, text.rfind('='))] = text.substr(text.rfind('=') + 1);
  nlohmann::json skipped = nlohmann::json::object();
  for (const SkippedOperator& s : imported.skipped) skipped[s.op_type] = s.count;
  provenance.summary_fields = {{"onnx", path},
                               {"batch", batch},
                               {"batch_inputs", imported.batch_inputs},
                               {"input_shapes", shapes},
                               {"compute_nodes", imported.compute_nodes},
                               {"not_imported", not_imported},
                               {"import_notes", imported.notes},
                               {"skipped_operators", skipped},
                               {"import_warnings", imported.warnings}};
  std::string note =
      fmt::format("\nFrom {}: {} of {} compute nodes imported as layers; batch {}{}.\n", path,
                  imported.network.layers.size(), imported.compute_nodes, batch,
                  imported.batch_inputs.empty() ? " (no effect: the model's batch is fixed)" : "");
  if (!imported.not_imported.empty()) {
    note += "\nCompute nodes not imported:\n\n";
    for (const NotImportedNode& n : imported.not_imported)
      note += fmt::format("- `{}` ({}): {}\n", n.node, n.op_type, n.reason);
  }
  if (!imported.skipped.empty())
    note += fmt::format("\nOperators that are not layers, skipped: {}.\n", describeSkipped(imported.skipped));
  provenance.markdown_note = std::move(note);
  provenance.not_imported = imported.not_imported.size();
  return provenance;
}

void writeNetworkSummary(const NetworkRunSpec& spec, const NetworkRunResult& result) {
  const std::filesystem::path out(spec.out_dir);
  writeFileAtomically((out / "summary.json").string(), networkSummaryJson(spec, result).dump(2) + "\n");
  writeFileAtomically((out / "summary.md").string(),
                      networkSummaryMarkdown(spec, result) + networkImportNote(spec));
  writeFileAtomically((out / "layers.csv").string(), networkLayersCsv(result.layers, result.results));
}

}  // namespace cosa::app
