#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <map>
#include <sstream>

#include "app/compare_run.hpp"
#include "cli/commands.hpp"
#include "cli/input_options.hpp"
#include "cli/interrupt.hpp"
#include "cli/onnx_source.hpp"
#include "cli/run_options.hpp"
#include "io/network/network_yaml.hpp"
#include "io/results/comparison_report.hpp"
#include "io/timeloop/arch_yaml.hpp"
#include "io/timeloop/constraints_yaml.hpp"
#include "io/timeloop/ert.hpp"
#include "model/energy.hpp"
#include "workload/network.hpp"

namespace cosa::cli {

namespace {

struct CompareCliOptions {
  InputPaths inputs;
  std::string networks;
  std::string workload_dir;
  OnnxSourceOptions onnx;
  std::string mappers = fmt::format("{}", fmt::join(app::CompareSpec{}.mappers, ","));
  std::string out;
  RunCliOptions run{app::paperComparisonSettings()};  // the paper's baselines by default
};

std::vector<std::string> splitList(const std::string& text) {
  std::vector<std::string> items;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ','))
    if (!item.empty()) items.push_back(item);
  return items;
}

int runCompare(const CompareCliOptions& o) {
  app::CompareSpec spec;
  spec.settings = toRunSettings(o.run);
  spec.mappers = splitList(o.mappers);
  (void)app::comparedMappers(spec.mappers, spec.settings);  // an unknown mapper fails before any work
  LoadedInputs inputs("compare", o.inputs);
  spec.arch = loadArchitecture(inputs.preferring(o.inputs.arch));
  const Architecture& arch = spec.arch;
  // Constraints from any input file (as Timeloop), the --mapspace files first.
  const InputFiles constraint_files = inputs.preferring(o.inputs.mapspace);
  const bool constrained = !o.inputs.mapspace.empty() || hasConstraints(constraint_files);
  spec.energy = energyTableFor(inputs.files(), arch, spec.settings.ert);
  if (!o.workload_dir.empty()) spec.networks.push_back(loadWorkloadDir(o.workload_dir));
  if (!o.onnx.path.empty()) {
    app::ResolvedNetwork resolved = app::resolveNetwork(networkSource("", "", o.onnx));
    reportImport(o.onnx, *resolved.imported);
    // compare has no per-network completeness record: an incomplete model is refused up front.
    if (!resolved.imported->complete() && !o.onnx.allow_partial) {
      std::cerr << "cosa compare: incomplete: some compute nodes of " << o.onnx.path
                << " are not layers (listed above); --allow-partial compares the layers that are\n";
      return kExitInvalidMapping;
    }
    spec.networks.push_back(std::move(resolved.network));
  }
  for (const std::string& name : app::comparedNetworkNames(o.networks))
    spec.networks.push_back(namedNetwork(name));
  if (spec.networks.empty())
    throw std::invalid_argument("give --network NAME[,NAME...], --workload DIR or --onnx FILE");

  spec.out_dir = o.out;
  spec.constraints_for = [&](const Workload& workload) {
    Constraints constraints =
        constrained ? parseConstraints(constraint_files, arch, workload) : Constraints{};
    inputs.printWarnings();
    return constraints;
  };

  const InterruptGuard guard;
  const bool tty = ::isatty(STDERR_FILENO) != 0;
  const auto progress = [&](const app::CompareProgress& p) {
    const LayerResult& run = p.run;
    const std::string line =
        fmt::format("{} [{}/{}] {} {}: {}", p.network, p.finished, p.total, run.layer, run.mapper,
                    run.found ? fmt::format("{} cycles, {:.2f} uJ, {:.2f} s", run.evaluation.cycles,
                                            run.evaluation.energy_pJ / 1e6, run.time_s)
                              : "no valid mapping: " + run.message);
    std::cerr << (tty ? "\r\033[K" : "") << line << (tty ? "" : "\n") << std::flush;
  };
  const auto network_done = [&](const NetworkComparison&) {
    if (tty) std::cerr << "\n";
  };
  const app::CompareResult result =
      app::compareNetwork(spec, &InterruptGuard::flag(), progress, network_done);
  inputs.finish();
  app::writeComparisonSummary(spec, result);
  std::cout << app::comparisonSummaryMarkdown(spec, result);
  writeReportOrWarn("compare", o.out);
  if (!result.complete) {
    std::cerr << "cosa compare: interrupted; wrote the runs that finished and a summary marked incomplete\n";
    return kExitInterrupted;
  }
  return kExitOk;
}

}  // namespace

Action registerCompare(CLI::App& app) {
  auto o = std::make_shared<CompareCliOptions>();
  CLI::App* sub = app.add_subcommand("compare", "Run several mappers on every unique layer and compare them");
  addFilesOption(*sub, "--arch", o->inputs.arch,
                 "Architecture (Accelergy component files are accepted and ignored)")
      ->required();
  addFilesOption(*sub, "--mapspace", o->inputs.mapspace, "Mapspace and architecture constraints");
  sub->add_option("--network", o->networks, "Bundled networks or network files, comma separated, or 'all'");
  sub->add_option("--workload", o->workload_dir, "A CoSA-style folder of layer YAML files");
  addOnnxOptions(*sub, o->onnx);
  sub->add_option("--mappers", o->mappers, "Comma-separated mappers; the first is the reference")
      ->capture_default_str();
  sub->add_option("--out", o->out, "Output folder")->required();
  sub->add_option(
      "--ert", o->run.settings.ert,
      "Accelergy energy reference table (overrides built-in energies and an ERT among the inputs)");
  sub->add_option("--jobs", o->run.settings.jobs, "Parallel layer/mapper runs")->capture_default_str();
  addSeedOption(*sub, o->run, "Seed for the search baselines and cosa's solver");
  addSearchOptions(*sub, o->run);
  addCosaOptions(*sub, o->run, /*with_threads=*/false, "cosa: ");
  return [sub, o]() -> int {
    if (!sub->parsed()) return -1;
    return runCompare(*o);
  };
}

}  // namespace cosa::cli
