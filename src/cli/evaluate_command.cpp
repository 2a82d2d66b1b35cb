#include <fmt/format.h>

#include <iostream>

#include "arch/arch_yaml.hpp"
#include "cli/commands.hpp"
#include "mapping/loop_nest.hpp"
#include "mapping/mapping_yaml.hpp"
#include "model/evaluator.hpp"
#include "report/evaluation_report.hpp"
#include "workload/problem_yaml.hpp"

namespace cosa::cli {

namespace {

struct EvaluateOptions {
  std::string arch;
  std::string problem;
  std::string mapping;
  std::string ert;
  bool json = false;
};

int reportInvalid(const std::string& reason, bool as_json) {
  std::cerr << "cosa evaluate: invalid mapping: " << reason << "\n";
  if (as_json) std::cout << nlohmann::json{{"valid", false}, {"error", reason}}.dump(2) << "\n";
  return kExitInvalidMapping;
}

int runEvaluate(const EvaluateOptions& options) {
  const Architecture arch = loadArchitecture(options.arch);
  const Workload workload = loadProblem(options.problem);
  const EnergyTable energy = options.ert.empty() ? builtinEnergyTable(arch) : loadErt(options.ert, arch);
  Mapping mapping;
  try {
    mapping = loadMapping(options.mapping, arch, workload);
  } catch (const MappingError& e) {
    return reportInvalid(e.what(), options.json);
  }
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
  sub->add_option("--arch", options->arch, "Architecture YAML (Timeloop legacy or Accelergy v0.2/v0.3 tree)")
      ->required();
  sub->add_option("--problem", options->problem, "Problem (layer) YAML")->required();
  sub->add_option("--mapping", options->mapping, "Timeloop mapping YAML")->required();
  sub->add_option("--ert", options->ert, "Accelergy energy reference table (overrides built-in energies)");
  sub->add_flag("--json", options->json, "Print one JSON object instead of the text summary");
  return [sub, options]() -> int {
    if (!sub->parsed()) return -1;
    return runEvaluate(*options);
  };
}

}  // namespace cosa::cli
