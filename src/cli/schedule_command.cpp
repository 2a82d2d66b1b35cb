#include <iostream>
#include <string>

#include "app/layer_run.hpp"
#include "cli/commands.hpp"
#include "cli/input_options.hpp"
#include "cli/interrupt.hpp"
#include "cli/run_options.hpp"
#include "io/timeloop/arch_yaml.hpp"
#include "io/timeloop/constraints_yaml.hpp"
#include "io/timeloop/ert.hpp"
#include "io/timeloop/problem_yaml.hpp"

namespace cosa::cli {

namespace {

struct ScheduleCliOptions {
  InputPaths inputs;
  std::string out;
  RunCliOptions run;
  bool write_mip = false;
};

int runSchedule(const ScheduleCliOptions& o) {
  app::LayerRunSpec spec;
  spec.settings = toRunSettings(o.run);  // a bad --backend or --mapper fails before any file is read
  LoadedInputs inputs("schedule", o.inputs);
  spec.arch = loadArchitecture(inputs.preferring(o.inputs.arch));
  spec.workload = loadProblem(inputs.preferring(o.inputs.problem));
  // Constraints from any input file (as Timeloop), the --mapspace files first; --mapspace files
  // without any constraint section are an error.
  const InputFiles constraint_files = inputs.preferring(o.inputs.mapspace);
  if (!o.inputs.mapspace.empty() || hasConstraints(constraint_files))
    spec.constraints = parseConstraints(constraint_files, spec.arch, spec.workload);
  spec.energy = energyTableFor(inputs.files(), spec.arch, spec.settings.ert);
  if (o.write_mip) spec.mip_dir = o.out;
  inputs.finish();

  const InterruptGuard guard;
  const app::LayerRunResult result = app::runLayer(spec, &InterruptGuard::flag());
  for (const std::string& file : result.mip_files)
    std::cerr << "cosa schedule: wrote " << o.out << "/" << file << "\n";
  const LayerResult& layer = result.layer;
  if (layer.interrupted) {
    // Cut short: whatever valid schedule it had is not what the layer gets, so nothing is written.
    std::cerr << "cosa schedule: interrupted; nothing written\n";
    return kExitInterrupted;
  }
  if (!layer.found) {
    std::cerr << "cosa schedule: " << layer.message << "\n";
    return kExitInvalidMapping;
  }
  app::writeLayerOutputs(o.out, spec, result);
  if (layer.cosa && !layer.cosa->schedule.note.empty())
    std::cerr << "cosa schedule: note: " << layer.cosa->schedule.note << "\n";
  std::cout << app::layerRunReport(spec, result) << "wrote " << o.out
            << "/mapping.yaml, problem.yaml, stats.json, loopnest.txt\n";
  return kExitOk;
}

}  // namespace

Action registerSchedule(CLI::App& app) {
  auto o = std::make_shared<ScheduleCliOptions>();
  CLI::App* sub = app.add_subcommand("schedule", "Schedule one layer (with the CoSA MIP, or --mapper)");
  addFilesOption(*sub, "--arch", o->inputs.arch,
                 "Architecture (Accelergy component files are accepted and ignored)")
      ->required();
  addFilesOption(*sub, "--problem", o->inputs.problem,
                 "Problem (layer); optional when another input file holds the problem section");
  addFilesOption(*sub, "--mapspace", o->inputs.mapspace,
                 "Mapspace and architecture constraints (bypass pattern, fixed factors/orders); constraint "
                 "sections in the other input files apply too, as in Timeloop");
  sub->add_option("--out", o->out, "Output folder")->required();
  sub->add_option(
      "--ert", o->run.settings.ert,
      "Accelergy energy reference table (overrides built-in energies and an ERT among the inputs)");
  addMapperOption(*sub, o->run);
  addCosaOptions(*sub, o->run, /*with_threads=*/true);
  addSearchOptions(*sub, o->run);
  addSeedOption(*sub, o->run,
                "Random seed of the solver and the search mappers (the same seed gives the same outputs)");
  sub->add_flag(
      "--write-mip", o->write_mip,
      "Also write each MIP solved to OUT/mip.<objective>.lp and .mps (CPLEX LP, free MPS), for other "
      "solvers");
  return [sub, o]() -> int {
    if (!sub->parsed()) return -1;
    return runSchedule(*o);
  };
}

}  // namespace cosa::cli
