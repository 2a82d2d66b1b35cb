#include <fmt/format.h>

#include <iostream>

#include "cli/commands.hpp"
#include "cli/input_options.hpp"
#include "io/results/evaluation_report.hpp"
#include "io/timeloop/arch_yaml.hpp"
#include "io/timeloop/constraints_yaml.hpp"
#include "io/timeloop/ert.hpp"
#include "io/timeloop/loop_nest.hpp"
#include "io/timeloop/mapping_yaml.hpp"
#include "io/timeloop/problem_yaml.hpp"
#include "model/evaluator.hpp"

namespace cosa::cli {

namespace {

struct EvaluateOptions {
  InputPaths inputs;
  std::string ert;
  bool json = false;
};

int reportInvalid(const std::string& reason, bool as_json) {
  std::cerr << "cosa evaluate: invalid mapping: " << reason << "\n";
  if (as_json) std::cout << nlohmann::json{{"valid", false}, {"error", reason}}.dump(2) << "\n";
  return kExitInvalidMapping;
}

int runEvaluate(const EvaluateOptions& options) {
  LoadedInputs inputs("evaluate", options.inputs);
  const Architecture arch = loadArchitecture(inputs.preferring(options.inputs.arch));
  const Workload workload = loadProblem(inputs.preferring(options.inputs.problem));
  const EnergyTable energy = energyTableFor(inputs.files(), arch, options.ert);
  // Constraints given to evaluate are read (so they are checked, as timeloop-model reads them) but
  // do not change the evaluation.
  if (!options.inputs.mapspace.empty())
    (void)parseConstraints(inputs.preferring(options.inputs.mapspace), arch, workload);
  Mapping mapping;
  try {
    mapping = parseMapping(inputs.preferring(options.inputs.mapping), arch, workload);
  } catch (const MappingError& e) {
    inputs.finish();
    return reportInvalid(e.what(), options.json);
  }
  inputs.finish();
  Evaluator evaluator(arch, workload, energy);
  const Evaluation result = evaluator.evaluate(mapping);
  if (!result.valid) return reportInvalid(result.error, options.json);
  if (options.json) {
    std::cout << evaluationToJson(result, arch, workload, energy).dump(2) << "\n";
  } else {
    std::cout << formatLoopNest(mapping, arch, workload) << "\n";
    std::cout << evaluationSummary(result, arch, workload);
  }
  return kExitOk;
}

}  // namespace

Action registerEvaluate(CLI::App& app) {
  auto options = std::make_shared<EvaluateOptions>();
  CLI::App* sub = app.add_subcommand("evaluate", "Evaluate one mapping with the Timeloop-exact cost model");
  addFilesOption(*sub, "--arch", options->inputs.arch,
                 "Architecture (Timeloop legacy or Accelergy v0.2/v0.3 tree; Accelergy component files are "
                 "accepted and ignored)")
      ->required();
  addFilesOption(*sub, "--problem", options->inputs.problem,
                 "Problem (layer); optional when another input file holds the problem section");
  addFilesOption(*sub, "--mapping", options->inputs.mapping,
                 "Timeloop mapping; optional when another input file holds the mapping section");
  addFilesOption(*sub, "--mapspace", options->inputs.mapspace,
                 "Mapspace constraints (accepted as timeloop-model takes them; not used by evaluate)");
  sub->add_option("--ert", options->ert, "Accelergy energy reference table (overrides built-in energies)");
  sub->add_flag("--json", options->json, "Print one JSON object instead of the text summary");
  return [sub, options]() -> int {
    if (!sub->parsed()) return -1;
    return runEvaluate(*options);
  };
}

}  // namespace cosa::cli
