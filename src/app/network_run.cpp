#include "app/network_run.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <filesystem>

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
    const LayerResult& r = result.results[i];
    if (r.cosa) result.solve_time_s += r.cosa->schedule.solve_time_s;
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

// "objective edp, solver cbc" for cosa (its MIP's objective and backend), "mapper NAME" otherwise.
std::string mapperDescription(const RunSettings& settings) {
  if (settings.mapper != "cosa") return "mapper " + settings.mapper;
  return fmt::format("objective {}, solver {}", objectiveName(settings), settings.mappers.cosa.backend);
}

int effectiveJobs(const NetworkRunSpec& spec) {
  return std::max(spec.settings.jobs, 1);
}  // fewer: one at a time

ConstraintsFor constraintsFor(const NetworkRunSpec& spec) {
  if (spec.constraints_for) return spec.constraints_for;
  if (spec.mapspace.empty()) return {};
  return [&spec](const Workload& workload) { return loadConstraints(spec.mapspace, spec.arch, workload); };
}

}  // namespace

NetworkRunResult runNetwork(const NetworkRunSpec& spec, const std::atomic<bool>* stop,
                            const LayerProgressCallback& progress, const std::function<void()>& inputs_read) {
  const EnergyTable energy = spec.energy ? *spec.energy : builtinEnergyTable(spec.arch);
  NetworkRunResult result;
  result.layers = uniqueLayers(spec.network);
  const std::vector<ConstrainedMapSpace> spaces = layerSpaces(spec.arch, result.layers, constraintsFor(spec));
  if (inputs_read) inputs_read();

  const std::filesystem::path out(spec.out_dir);
  LayerJobsOptions options;
  options.mappers = {runMapper(spec.settings)};
  options.jobs = spec.settings.jobs;
  options.seed = spec.settings.seed;
  options.stop = stop;
  const auto start = std::chrono::steady_clock::now();
  // Each layer's outputs are written as it finishes (under the progress lock), so that an
  // interrupted run keeps them.
  const auto finished = [&](const LayerResult& r, std::size_t job, int done, int total) {
    const std::size_t i = job;  // one mapper: job i is layer i
    if (r.found && !spec.out_dir.empty())
      writeLayerOutputs((out / layerOutput(result.layers[i])).string(), r, spec.arch,
                        result.layers[i].workload, energy);
    if (progress)
      progress({static_cast<std::size_t>(done), static_cast<std::size_t>(total), result.layers[i], r});
  };
  result.results = runLayerJobs(spec.arch, result.layers, spaces, energy, options, finished);
  result.wall_time_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  result.interrupted = (stop != nullptr && stop->load()) ||
                       std::any_of(result.results.begin(), result.results.end(),
                                   [](const LayerResult& r) { return r.interrupted; });
  result.complete = !result.interrupted && (!spec.onnx || spec.onnx->not_imported == 0);
  addTotals(result);
  return result;
}

nlohmann::json networkSummaryJson(const NetworkRunSpec& spec, const NetworkRunResult& result) {
  nlohmann::json per_layer = nlohmann::json::array();
  for (std::size_t i = 0; i < result.layers.size(); ++i) {
    const NetworkLayer& layer = result.layers[i];
    const LayerResult& r = result.results[i];
    nlohmann::json entry{{"layer", layer.name}, {"count", layer.count}, {"found", r.found}};
    if (r.found) {
      entry.update({{"cycles", r.evaluation.cycles},
                    {"energy_pJ", r.evaluation.energy_pJ},
                    {"cycles_share", layer.count * static_cast<double>(r.evaluation.cycles) /
                                         static_cast<double>(result.total_cycles)},
                    {"energy_share", layer.count * r.evaluation.energy_pJ / result.total_energy_pJ},
                    {"roofline_cycles", r.roofline_cycles},
                    {"solver_status", solverStatusText(r)},
                    {"time_s", r.time_s},
                    {"note", resultNote(r)},
                    {"output", layerOutput(layer)}});
    } else {
      entry["message"] = r.message;
    }
    per_layer.push_back(entry);
  }
  nlohmann::json summary{{"network", spec.network.name},
                         {"complete", result.complete},
                         {"architecture", spec.arch.name},
                         {"mapper", spec.settings.mapper},
                         {"objective", objectiveName(spec.settings)},
                         {"backend", spec.settings.mappers.cosa.backend},
                         {"settings", scheduleSettingsJson(cosaOptions(spec.settings))},
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
    const LayerResult& r = result.results[i];
    if (r.found) {
      const double cycles_share =
          layer.count * static_cast<double>(r.evaluation.cycles) / static_cast<double>(result.total_cycles);
      const double energy_share = layer.count * r.evaluation.energy_pJ / result.total_energy_pJ;
      table += fmt::format(
          "| {} | {} | {} | {:.2f} | {:.1f}% | {:.1f}% | {:.3f} | {} | {:.2f} |\n", layer.name, layer.count,
          r.evaluation.cycles, r.evaluation.energy_pJ / 1e6, 100 * cycles_share, 100 * energy_share,
          double(r.evaluation.cycles) / double(r.roofline_cycles), solverStatusText(r), r.time_s);
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
             "# {} on {}\n\n{} layers ({} unique), {}: total {} cycles, {:.2f} uJ, EDP "
             "{:.4g} pJ*cycles, {:.3f} pJ/MAC; scheduled in {:.1f} s with {} job(s).\n\n{}",
             spec.network.name, spec.arch.name.empty() ? spec.arch_label : spec.arch.name,
             spec.network.layers.size(), result.layers.size(), mapperDescription(spec.settings),
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
