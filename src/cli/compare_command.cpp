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
#include "io/network/network_yaml.hpp"
#include "io/results/comparison_report.hpp"
#include "io/timeloop/arch_yaml.hpp"
#include "io/timeloop/constraints_yaml.hpp"
#include "io/timeloop/ert.hpp"
#include "mappers/mapper_registry.hpp"
#include "model/energy.hpp"
#include "workload/network.hpp"

namespace cosa::cli {

namespace {

struct CompareCliOptions {
  InputPaths inputs;
  std::string networks;
  std::string workload_dir;
  OnnxSourceOptions onnx;
  std::string mappers = "cosa,random,hybrid";
  std::string out;
  std::string ert;
  int jobs = 1;
  std::uint64_t seed = 0;
  app::CompareMapperOptions mapper;  // the mappers' settings, with the command's defaults
  bool polish = false;
  bool no_polish = false;
};

std::vector<std::string> splitList(const std::string& text) {
  std::vector<std::string> items;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ','))
    if (!item.empty()) items.push_back(item);
  return items;
}

// Each mapper named in --mappers with its settings from the command line's flags.
std::vector<std::shared_ptr<const Mapper>> comparedMappers(const CompareCliOptions& o,
                                                           const std::string& backend) {
  if (o.mapper.hybrid_sampling != "fanout-valid" && o.mapper.hybrid_sampling != "timeloop")
    throw std::invalid_argument("--hybrid-sampling must be fanout-valid or timeloop, not '" +
                                o.mapper.hybrid_sampling + "'");
  app::CompareMapperOptions options = o.mapper;
  options.backend = backend;
  if (o.polish || o.no_polish) options.polish = !o.no_polish;
  return app::comparedMappers(splitList(o.mappers), options);
}

int runCompare(const CompareCliOptions& o) {
  const std::string backend = checkedBackend(o.mapper.backend);
  if (o.polish && o.no_polish) throw std::invalid_argument("--polish and --no-polish contradict each other");
  LoadedInputs inputs("compare", o.inputs);
  app::CompareSpec spec;
  spec.arch = loadArchitecture(inputs.preferring(o.inputs.arch));
  const Architecture& arch = spec.arch;
  // Constraints from any input file (as Timeloop), the --mapspace files first.
  const InputFiles constraint_files = inputs.preferring(o.inputs.mapspace);
  const bool constrained = !o.inputs.mapspace.empty() || hasConstraints(constraint_files);
  spec.energy = o.ert.empty() ? builtinEnergyTable(arch) : loadErt(o.ert, arch);
  if (!o.workload_dir.empty()) spec.networks.push_back(loadWorkloadDir(o.workload_dir));
  if (!o.onnx.path.empty()) {
    OnnxImport imported = importOnnxForCli(o.onnx);
    // compare has no per-network completeness record: an incomplete model is refused up front.
    if (!imported.complete() && !o.onnx.allow_partial) {
      std::cerr << "cosa compare: incomplete: some compute nodes of " << o.onnx.path
                << " are not layers (listed above); --allow-partial compares the layers that are\n";
      return kExitInvalidMapping;
    }
    spec.networks.push_back(std::move(imported.network));
  }
  for (const std::string& name : app::comparedNetworkNames(o.networks))
    spec.networks.push_back(builtinNetwork(name));
  if (spec.networks.empty())
    throw std::invalid_argument("give --network NAME[,NAME...], --workload DIR or --onnx FILE");

  spec.mappers = comparedMappers(o, backend);
  spec.jobs = o.jobs;
  spec.seed = o.seed;
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
    const MapperRun& run = p.run;
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
  sub->add_option("--network", o->networks, "Bundled network(s), comma separated, or 'all'");
  sub->add_option("--workload", o->workload_dir, "A CoSA-style folder of layer YAML files");
  addOnnxOptions(*sub, o->onnx);
  sub->add_option("--mappers", o->mappers, "Comma-separated mappers; the first is the reference")
      ->capture_default_str();
  sub->add_option("--out", o->out, "Output folder")->required();
  sub->add_option("--ert", o->ert, "Accelergy energy reference table (overrides built-in energies)");
  sub->add_option("--jobs", o->jobs, "Parallel layer/mapper runs")->capture_default_str();
  sub->add_option("--seed", o->seed, "Seed for the search baselines")->capture_default_str();
  sub->add_option("--random-valid", o->mapper.random_valid, "random: best of this many valid mappings")
      ->capture_default_str();
  sub->add_option("--search-size", o->mapper.hybrid_search_size, "hybrid: valid mappings to evaluate")
      ->capture_default_str();
  sub->add_option("--victory-condition", o->mapper.victory_condition,
                  "hybrid: stop after this many consecutive valid mappings without improvement")
      ->capture_default_str();
  sub->add_option("--hybrid-sampling", o->mapper.hybrid_sampling,
                  "hybrid: timeloop (tilings drawn as Timeloop does: the paper's baseline) or fanout-valid "
                  "(only tilings that fit the fan-outs: a stronger baseline)")
      ->capture_default_str();
  sub->add_option("--hybrid-threads", o->mapper.hybrid_threads,
                  "hybrid: search threads (Timeloop's num-threads)")
      ->capture_default_str();
  sub->add_option("--max-evaluations", o->mapper.exhaustive_max_evaluations,
                  "exhaustive: evaluation budget (0 = all)")
      ->capture_default_str();
  sub->add_option("--time-limit", o->mapper.time_limit_s, "cosa: solver time limit per MIP (s)")
      ->check(nonNegativeFinite())
      ->capture_default_str();
  sub->add_option("--backend", o->mapper.backend, "cosa: " + backendHelp())->capture_default_str();
  sub->add_option("--objective", o->mapper.objective, "cosa: edp | latency | energy | cosa-paper")
      ->capture_default_str();
  sub->add_option("--gap", o->mapper.gap, "cosa: relative MIP gap at which the solver stops")
      ->check(nonNegativeFinite())
      ->capture_default_str();
  sub->add_flag("--polish", o->polish,
                "cosa: polish even with --objective cosa-paper (off by default there)");
  sub->add_flag("--no-polish", o->no_polish, "cosa: skip the local search on the exact model");
  return [sub, o]() -> int {
    if (!sub->parsed()) return -1;
    return runCompare(*o);
  };
}

}  // namespace cosa::cli
