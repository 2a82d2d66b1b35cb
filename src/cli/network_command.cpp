#include <fmt/format.h>
#include <unistd.h>

#include <iostream>

#include "app/network_run.hpp"
#include "cli/commands.hpp"
#include "cli/input_options.hpp"
#include "cli/interrupt.hpp"
#include "cli/onnx_source.hpp"
#include "cli/run_options.hpp"
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
  RunCliOptions run;
};

// Loads the inputs named on the command line into the application layer's run spec; constraints
// come from any input file (as Timeloop reads them), the --mapspace files first.
app::NetworkRunSpec networkRunSpec(const NetworkCliOptions& o, const LoadedInputs& inputs,
                                   const InputFiles& constraint_files) {
  app::NetworkRunSpec spec;
  spec.settings = toRunSettings(o.run);
  spec.arch = loadArchitecture(inputs.preferring(o.inputs.arch));
  spec.energy = energyTableFor(inputs.files(), spec.arch, spec.settings.ert);
  spec.arch_label = o.inputs.arch.empty() ? "" : o.inputs.arch.front();
  if (!o.inputs.mapspace.empty() || hasConstraints(constraint_files)) {
    const Architecture arch = spec.arch;
    spec.constraints_for = [&constraint_files, arch](const Workload& workload) {
      return parseConstraints(constraint_files, arch, workload);
    };
  }
  spec.out_dir = o.out;
  app::ResolvedNetwork resolved = app::resolveNetwork(networkSource(o.network, o.workload_dir, o.onnx));
  if (resolved.imported) reportImport(o.onnx, *resolved.imported);
  spec.network = std::move(resolved.network);
  spec.onnx = std::move(resolved.onnx);
  return spec;
}

// A progress bar on a terminal, one line per layer otherwise.
app::LayerProgressCallback progressPrinter() {
  const bool tty = ::isatty(STDERR_FILENO) != 0;
  return [tty](const app::LayerProgress& p) {
    const std::string status =
        p.result.found ? layerSummaryLine(p.result.evaluation, p.result.roofline_cycles, p.layer.name)
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
                  "A bundled network (alexnet, resnet50, resnext50, deepbench, ...) or a network file in the "
                  "bundled format");
  sub->add_option("--workload", o->workload_dir, "A CoSA-style folder of layer YAML files");
  addOnnxOptions(*sub, o->onnx);
  sub->add_option("--out", o->out, "Output folder")->required();
  sub->add_option("--jobs", o->run.settings.jobs, "Layers scheduled in parallel")->capture_default_str();
  sub->add_option(
      "--ert", o->run.settings.ert,
      "Accelergy energy reference table (overrides built-in energies and an ERT among the inputs)");
  addMapperOption(*sub, o->run);
  addCosaOptions(*sub, o->run, /*with_threads=*/false);
  addSearchOptions(*sub, o->run);
  addSeedOption(*sub, o->run,
                "Random seed of the solver and the search mappers (the same seed gives the same outputs)");
  return [sub, o]() -> int {
    if (!sub->parsed()) return -1;
    return runNetwork(*o);
  };
}

}  // namespace cosa::cli
