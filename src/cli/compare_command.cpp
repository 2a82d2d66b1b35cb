#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <sstream>

#include "arch/arch_yaml.hpp"
#include "cli/commands.hpp"
#include "cli/input_options.hpp"
#include "cli/interrupt.hpp"
#include "cli/onnx_source.hpp"
#include "common/atomic_file.hpp"
#include "mappers/comparison.hpp"
#include "mapping/constraints_yaml.hpp"
#include "model/energy.hpp"
#include "report/comparison_report.hpp"
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
  int random_valid = 5;
  std::int64_t hybrid_search_size = 16000;
  std::int64_t victory_condition = 0;
  int hybrid_threads = 1;
  std::string hybrid_sampling = "timeloop";
  std::int64_t exhaustive_max_evaluations = 0;
  double time_limit = 10;
  std::string backend = "cbc";
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
  const std::string backend = checkedBackend(o.backend);
  LoadedInputs inputs("compare", o.inputs);
  const Architecture arch = loadArchitecture(inputs.preferring(o.inputs.arch));
  // Constraints from any input file (as Timeloop), the --mapspace files first.
  const InputFiles constraint_files = inputs.preferring(o.inputs.mapspace);
  const bool constrained = !o.inputs.mapspace.empty() || hasConstraints(constraint_files);
  const EnergyTable energy = o.ert.empty() ? builtinEnergyTable(arch) : loadErt(o.ert, arch);
  std::vector<Network> networks;
  if (!o.workload_dir.empty()) networks.push_back(loadWorkloadDir(o.workload_dir));
  if (!o.onnx.path.empty()) {
    OnnxImport imported = importOnnxForCli(o.onnx);
    // compare has no per-network completeness record: an incomplete model is refused up front.
    if (!imported.complete() && !o.onnx.allow_partial) {
      std::cerr << "cosa compare: incomplete: some compute nodes of " << o.onnx.path
                << " are not layers (listed above); --allow-partial compares the layers that are\n";
      return kExitInvalidMapping;
    }
    networks.push_back(std::move(imported.network));
  }
  const std::vector<std::string> names =
      o.networks == "all" ? std::vector<std::string>{"alexnet", "resnet50", "resnext50", "deepbench"}
                          : splitList(o.networks);
  for (const std::string& name : names) networks.push_back(builtinNetwork(name));
  if (networks.empty())
    throw std::invalid_argument("give --network NAME[,NAME...], --workload DIR or --onnx FILE");

  ComparisonOptions options;
  options.mappers = splitList(o.mappers);
  options.jobs = o.jobs;
  options.seed = o.seed;
  options.cosa_time_limit_s = o.time_limit;
  options.cosa_backend = backend;
  options.random_valid = o.random_valid;
  options.hybrid_search_size = o.hybrid_search_size;
  options.hybrid_victory_condition = o.victory_condition;
  options.hybrid_threads = o.hybrid_threads;
  if (o.hybrid_sampling != "fanout-valid" && o.hybrid_sampling != "timeloop")
    throw std::invalid_argument("--hybrid-sampling must be fanout-valid or timeloop, not '" +
                                o.hybrid_sampling + "'");
  options.hybrid_timeloop_sampling = o.hybrid_sampling == "timeloop";
  options.exhaustive_max_evaluations = o.exhaustive_max_evaluations;
  const ConstraintsFor constraints_for = [&](const Workload& workload) {
    Constraints constraints =
        constrained ? parseConstraints(constraint_files, arch, workload) : Constraints{};
    inputs.printWarnings();
    return constraints;
  };

  const InterruptGuard guard;
  options.stop = &InterruptGuard::flag();
  const bool tty = ::isatty(STDERR_FILENO) != 0;
  std::vector<NetworkComparison> results;
  for (const Network& network : networks) {
    const std::vector<NetworkLayer> layers = uniqueLayers(network);
    auto progress = [&](const MapperRun& run, int done, int total) {
      const std::string line =
          fmt::format("{} [{}/{}] {} {}: {}", network.name, done, total, run.layer, run.mapper,
                      run.found ? fmt::format("{} cycles, {:.2f} uJ, {:.2f} s", run.evaluation.cycles,
                                              run.evaluation.energy_pJ / 1e6, run.time_s)
                                : "no valid mapping: " + run.message);
      std::cerr << (tty ? "\r\033[K" : "") << line << (tty ? "" : "\n") << std::flush;
    };
    results.push_back(
        {network.name, compareMappers(arch, layers, constraints_for, energy, options, progress)});
    if (tty) std::cerr << "\n";
    // Runs come layer by layer, one per mapper.
    const std::vector<MapperRun>& runs = results.back().runs;
    for (std::size_t i = 0; i < runs.size(); ++i)
      writeComparisonRunOutputs(o.out, network.name, runs[i], arch,
                                layers[i / options.mappers.size()].workload, energy);
  }
  inputs.finish();
  const std::filesystem::path dir(o.out);
  const bool complete = !InterruptGuard::interrupted();
  writeFileAtomically((dir / "results.csv").string(), comparisonCsv(results));
  writeFileAtomically((dir / "results.json").string(), comparisonJson(results, arch.name, complete));
  const std::string reference = options.mappers.front();
  const std::string summary = comparisonMarkdown(results, reference, complete);
  writeFileAtomically((dir / "summary.md").string(), summary);
  std::cout << summary;
  writeReportOrWarn("compare", o.out);
  if (!complete) {
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
  sub->add_option("--random-valid", o->random_valid, "random: best of this many valid mappings")
      ->capture_default_str();
  sub->add_option("--search-size", o->hybrid_search_size, "hybrid: valid mappings to evaluate")
      ->capture_default_str();
  sub->add_option("--victory-condition", o->victory_condition,
                  "hybrid: stop after this many consecutive valid mappings without improvement")
      ->capture_default_str();
  sub->add_option("--hybrid-sampling", o->hybrid_sampling,
                  "hybrid: timeloop (tilings drawn as Timeloop does: the paper's baseline) or fanout-valid "
                  "(only tilings that fit the fan-outs: a stronger baseline)")
      ->capture_default_str();
  sub->add_option("--hybrid-threads", o->hybrid_threads, "hybrid: search threads (Timeloop's num-threads)")
      ->capture_default_str();
  sub->add_option("--max-evaluations", o->exhaustive_max_evaluations,
                  "exhaustive: evaluation budget (0 = all)")
      ->capture_default_str();
  sub->add_option("--time-limit", o->time_limit, "cosa: solver time limit per MIP (s)")
      ->check(nonNegativeFinite())
      ->capture_default_str();
  sub->add_option("--backend", o->backend, "cosa: " + backendHelp())->capture_default_str();
  return [sub, o]() -> int {
    if (!sub->parsed()) return -1;
    return runCompare(*o);
  };
}

}  // namespace cosa::cli
