#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <optional>

#include "arch/arch_yaml.hpp"
#include "cli/commands.hpp"
#include "cli/input_options.hpp"
#include "cli/interrupt.hpp"
#include "cli/onnx_source.hpp"
#include "cli/scheduler_options.hpp"
#include "common/atomic_file.hpp"
#include "common/parallel.hpp"
#include "mappers/cosa_scheduler.hpp"
#include "mapping/constraints_yaml.hpp"
#include "report/schedule_report.hpp"
#include "workload/network.hpp"

namespace cosa::cli {

namespace {

struct NetworkCliOptions {
  InputPaths inputs;
  std::string network;
  std::string workload_dir;
  OnnxSourceOptions onnx;
  std::string out;
  SchedulerCliOptions scheduler;
  int jobs = 1;
};

int runNetwork(const NetworkCliOptions& o) {
  const ScheduleOptions options = toScheduleOptions(o.scheduler);
  const std::string& backend = options.backend;
  LoadedInputs inputs("network", o.inputs);
  const Architecture arch = loadArchitecture(inputs.preferring(o.inputs.arch));
  // Constraints from any input file (as Timeloop), the --mapspace files first.
  const InputFiles constraint_files = inputs.preferring(o.inputs.mapspace);
  const bool constrained = !o.inputs.mapspace.empty() || hasConstraints(constraint_files);
  const EnergyTable energy = builtinEnergyTable(arch);
  const int sources = int(!o.network.empty()) + int(!o.workload_dir.empty()) + int(!o.onnx.path.empty());
  if (sources != 1) throw std::invalid_argument("give exactly one of --network, --workload or --onnx");
  std::optional<OnnxImport> imported;
  if (!o.onnx.path.empty()) imported = importOnnxForCli(o.onnx);
  const Network network = imported             ? imported->network
                          : !o.network.empty() ? builtinNetwork(o.network)
                                               : loadWorkloadDir(o.workload_dir);
  const std::vector<NetworkLayer> layers = uniqueLayers(network);
  std::vector<Constraints> constraints;
  for (const NetworkLayer& layer : layers)
    constraints.push_back(constrained ? parseConstraints(constraint_files, arch, layer.workload)
                                      : Constraints{});
  inputs.finish();

  const std::filesystem::path out(o.out);
  const bool tty = ::isatty(STDERR_FILENO) != 0;
  std::vector<ScheduleResult> results(layers.size());
  std::atomic<int> done{0};
  std::mutex print_mutex;
  const auto start = std::chrono::steady_clock::now();
  const InterruptGuard guard;
  forEachInParallel(layers.size(), o.jobs, [&](std::size_t i) {
    if (InterruptGuard::interrupted()) {
      results[i].message = "not run: interrupted";
      return;
    }
    results[i] = scheduleLayer(arch, layers[i].workload, constraints[i], energy, options);
    if (results[i].found)
      writeScheduleOutputs((out / "layers" / fileSafeName(layers[i].name)).string(), results[i], options,
                           arch, layers[i].workload, energy);
    std::lock_guard lock(print_mutex);
    const int finished = ++done;
    const std::string status = results[i].found ? scheduleSummaryLine(results[i], layers[i].workload)
                                                : layers[i].name + ": " + results[i].message;
    if (tty) {
      const int width = 30;
      const int filled = static_cast<int>(width * finished / static_cast<int>(layers.size()));
      std::cerr << fmt::format("\r\033[K[{}{}] {}/{} {}", std::string(filled, '#'),
                               std::string(width - filled, '.'), finished, layers.size(), layers[i].name)
                << std::flush;
    } else {
      std::cerr << fmt::format("[{}/{}] {}\n", finished, layers.size(), status);
    }
  });
  if (tty) std::cerr << "\n";
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  // The network runs its layers one after another: cycles and energy add up, weighted by count.
  std::int64_t total_cycles = 0;  // cycles are integers, like every per-layer `cycles`
  double total_energy = 0, total_macs = 0;
  int failed = 0;
  for (std::size_t i = 0; i < layers.size(); ++i) {
    if (!results[i].found) {
      ++failed;
      continue;
    }
    total_cycles += layers[i].count * results[i].evaluation.cycles;
    total_energy += layers[i].count * results[i].evaluation.energy_pJ;
    total_macs += layers[i].count * static_cast<double>(results[i].evaluation.macs);
  }
  nlohmann::json per_layer = nlohmann::json::array();
  std::string table =
      "| layer | count | cycles | energy (uJ) | share of cycles | share of energy | cycles / roofline | "
      "solver | time (s) |\n|---|---|---|---|---|---|---|---|---|\n";
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const ScheduleResult& r = results[i];
    nlohmann::json entry{{"layer", layers[i].name}, {"count", layers[i].count}, {"found", r.found}};
    if (r.found) {
      const double cycles_share =
          layers[i].count * static_cast<double>(r.evaluation.cycles) / static_cast<double>(total_cycles);
      const double energy_share = layers[i].count * r.evaluation.energy_pJ / total_energy;
      entry.update({{"cycles", r.evaluation.cycles},
                    {"energy_pJ", r.evaluation.energy_pJ},
                    {"cycles_share", cycles_share},
                    {"energy_share", energy_share},
                    {"roofline_cycles", r.roofline_cycles},
                    {"solver_status", solver::toString(r.status)},
                    {"time_s", r.total_time_s},
                    {"note", r.note},
                    {"output", "layers/" + fileSafeName(layers[i].name)}});
      table += fmt::format("| {} | {} | {} | {:.2f} | {:.1f}% | {:.1f}% | {:.3f} | {} | {:.2f} |\n",
                           layers[i].name, layers[i].count, r.evaluation.cycles, r.evaluation.energy_pJ / 1e6,
                           100 * cycles_share, 100 * energy_share,
                           double(r.evaluation.cycles) / double(r.roofline_cycles),
                           solver::toString(r.status), r.total_time_s);
    } else {
      entry["message"] = r.message;
      table += fmt::format("| {} | {} | no valid mapping: {} | | | | | | |\n", layers[i].name,
                           layers[i].count, r.message);
    }
    per_layer.push_back(entry);
  }
  const bool complete = !InterruptGuard::interrupted();
  nlohmann::json summary{{"network", network.name},
                         {"complete", complete},
                         {"architecture", arch.name},
                         {"objective", o.scheduler.objective},
                         {"backend", backend},
                         {"settings", scheduleSettingsJson(options)},
                         {"layers", network.layers.size()},
                         {"unique_layers", layers.size()},
                         {"failed_layers", failed},
                         {"total_cycles", total_cycles},
                         {"total_energy_pJ", total_energy},
                         {"total_edp", static_cast<double>(total_cycles) * total_energy},
                         {"pJ_per_mac", total_macs > 0 ? total_energy / total_macs : 0.0},
                         {"wall_time_s", wall},
                         {"jobs", std::max(o.jobs, 1)},  // fewer than one runs one at a time
                         {"per_layer", per_layer}};
  if (imported) {
    summary["onnx"] = o.onnx.path;
    summary["skipped_operators"] = skippedOperatorsJson(*imported);
    summary["import_warnings"] = imported->warnings;
  }
  writeFileAtomically((out / "summary.json").string(), summary.dump(2) + "\n");
  const std::string markdown =
      std::string(complete ? "" : "**Incomplete: interrupted before every layer was scheduled.**\n\n") +
      fmt::format(
          "# {} on {}\n\n{} layers ({} unique), objective {}, solver {}: total {} cycles, {:.2f} uJ, EDP "
          "{:.4g} pJ*cycles, {:.3f} pJ/MAC; scheduled in {:.1f} s with {} job(s).\n\n{}",
          network.name, arch.name, network.layers.size(), layers.size(), o.scheduler.objective, backend,
          total_cycles, total_energy / 1e6, static_cast<double>(total_cycles) * total_energy,
          total_macs > 0 ? total_energy / total_macs : 0.0, wall, std::max(o.jobs, 1), table);
  const std::string skipped_note =
      imported && !imported->skipped.empty()
          ? fmt::format("\nFrom {}; operators that are not layers, skipped: {}.\n", o.onnx.path,
                        describeSkipped(imported->skipped))
          : "";
  writeFileAtomically((out / "summary.md").string(), markdown + skipped_note);
  std::cout << markdown;
  writeReportOrWarn("network", o.out);
  if (!complete) {
    std::cerr
        << "cosa network: interrupted; wrote the layers that finished and a summary marked incomplete\n";
    return kExitInterrupted;
  }
  return failed == 0 ? kExitOk : kExitInvalidMapping;
}

}  // namespace

Action registerNetwork(CLI::App& app) {
  auto o = std::make_shared<NetworkCliOptions>();
  CLI::App* sub = app.add_subcommand("network", "Schedule every layer of a network and total the results");
  addFilesOption(*sub, "--arch", o->inputs.arch,
                 "Architecture (Accelergy component files are accepted and ignored)")
      ->required();
  addFilesOption(*sub, "--mapspace", o->inputs.mapspace, "Mapspace and architecture constraints");
  sub->add_option("--network", o->network,
                  "A bundled network (alexnet, resnet50, resnext50, deepbench, ...)");
  sub->add_option("--workload", o->workload_dir, "A CoSA-style folder of layer YAML files");
  addOnnxOptions(*sub, o->onnx);
  sub->add_option("--out", o->out, "Output folder")->required();
  sub->add_option("--jobs", o->jobs, "Layers scheduled in parallel")->capture_default_str();
  addSchedulerOptions(*sub, o->scheduler, /*with_threads=*/false);
  return [sub, o]() -> int {
    if (!sub->parsed()) return -1;
    return runNetwork(*o);
  };
}

}  // namespace cosa::cli
