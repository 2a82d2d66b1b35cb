#include <fmt/format.h>
#include <unistd.h>

#include <iostream>

#include "app/network_run.hpp"
#include "cli/commands.hpp"
#include "cli/input_options.hpp"
#include "cli/interrupt.hpp"
#include "cli/onnx_source.hpp"
#include "cli/scheduler_options.hpp"
#include "io/network/network_yaml.hpp"
#include "io/results/schedule_report.hpp"
#include "io/timeloop/arch_yaml.hpp"
#include "io/timeloop/constraints_yaml.hpp"
#include "io/timeloop/ert.hpp"
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
  std::string ert;
  int jobs = 1;
};

// Loads the inputs named on the command line into the application layer's run spec; constraints
// come from any input file (as Timeloop reads them), the --mapspace files first.
app::NetworkRunSpec networkRunSpec(const NetworkCliOptions& o, const LoadedInputs& inputs,
                                   const InputFiles& constraint_files) {
  app::NetworkRunSpec spec;
  spec.options = toScheduleOptions(o.scheduler);
  spec.objective_name = o.scheduler.objective;
  spec.arch = loadArchitecture(inputs.preferring(o.inputs.arch));
  if (!o.ert.empty()) spec.energy = loadErt(o.ert, spec.arch);
  spec.arch_label = o.inputs.arch.empty() ? "" : o.inputs.arch.front();
  if (!o.inputs.mapspace.empty() || hasConstraints(constraint_files)) {
    const Architecture arch = spec.arch;
    spec.constraints_for = [&constraint_files, arch](const Workload& workload) {
      return parseConstraints(constraint_files, arch, workload);
    };
  }
  spec.jobs = o.jobs;
  spec.out_dir = o.out;
  const int sources = int(!o.network.empty()) + int(!o.workload_dir.empty()) + int(!o.onnx.path.empty());
  if (sources != 1) throw std::invalid_argument("give exactly one of --network, --workload or --onnx");
  if (!o.onnx.path.empty()) {
    OnnxImport imported = importOnnxForCli(o.onnx);
    spec.onnx = app::onnxProvenance(o.onnx.path, o.onnx.batch, o.onnx.input_shapes, imported);
    spec.network = std::move(imported.network);
  } else {
    spec.network = !o.network.empty() ? builtinNetwork(o.network) : loadWorkloadDir(o.workload_dir);
  }
  return spec;
}

// A progress bar on a terminal, one line per layer otherwise.
app::LayerProgressCallback progressPrinter() {
  const bool tty = ::isatty(STDERR_FILENO) != 0;
  return [tty](const app::LayerProgress& p) {
    const std::string status = p.result.found ? scheduleSummaryLine(p.result, p.layer.workload)
                                              : p.layer.name + ": " + p.result.message;
    if (tty) {
      const int width = 30;
      const int filled = static_cast<int>(width * p.finished / p.total);
      std::cerr << fmt::format("\r\033[K[{}{}] {}/{} {}", std::string(filled, '#'),
                               std::string(width - filled, '.'), p.finished, p.total, p.layer.name)
                << std::flush;
    } else {
      std::cerr << fmt::format("[{}/{}] {}\n", p.finished, p.total, status);
    }
  };
}

int runNetwork(const NetworkCliOptions& o) {
  LoadedInputs inputs("network", o.inputs);
  const InputFiles constraint_files = inputs.preferring(o.inputs.mapspace);
  const app::NetworkRunSpec spec = networkRunSpec(o, inputs, constraint_files);
  const InterruptGuard guard;
  const app::NetworkRunResult result =
      app::runNetwork(spec, &InterruptGuard::flag(), progressPrinter(), [&inputs] { inputs.finish(); });
  if (::isatty(STDERR_FILENO) != 0) std::cerr << "\n";
  app::writeNetworkSummary(spec, result);
  std::cout << app::networkSummaryMarkdown(spec, result);
  writeReportOrWarn("network", o.out);
  if (result.interrupted) {
    std::cerr
        << "cosa network: interrupted; wrote the layers that finished and a summary marked incomplete\n";
    return kExitInterrupted;
  }
  if (spec.onnx && spec.onnx->not_imported > 0 && !o.onnx.allow_partial) {
    std::cerr << fmt::format(
        "cosa network: incomplete: {} compute node(s) of {} are not layers (summary.json: not_imported); "
        "--allow-partial accepts this\n",
        spec.onnx->not_imported, o.onnx.path);
    return kExitInvalidMapping;
  }
  return result.failed == 0 ? kExitOk : kExitInvalidMapping;
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
  sub->add_option("--ert", o->ert, "Accelergy energy reference table (overrides built-in energies)");
  addSchedulerOptions(*sub, o->scheduler, /*with_threads=*/false);
  return [sub, o]() -> int {
    if (!sub->parsed()) return -1;
    return runNetwork(*o);
  };
}

}  // namespace cosa::cli
