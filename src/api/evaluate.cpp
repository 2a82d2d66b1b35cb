#include "cosa/evaluate.hpp"

#include "api/internal.hpp"
#include "io/results/evaluation_report.hpp"
#include "io/timeloop/mapping_yaml.hpp"
#include "model/evaluator.hpp"

namespace cosa::api {

namespace {

EvaluationResult invalid(const std::string& reason) {
  EvaluationResult result;
  result.error = reason;
  result.json = nlohmann::json{{"valid", false}, {"error", reason}}.dump(2);
  return result;
}

}  // namespace

EvaluationResult evaluate(const Architecture& architecture, const Problem& problem, const Mapping& mapping,
                          const EvaluateSettings& settings) {
  return translatingErrors([&] {
    const cosa::Architecture& arch = architecture.impl().arch;
    const Workload& workload = problem.impl().workload;
    const EnergyTable energy = energyTableFor(settings.ert, arch);
    cosa::Mapping resolved;
    try {
      std::lock_guard lock(*mapping.impl().reading);
      resolved = parseMapping(mapping.impl().source->files, arch, workload);
    } catch (const MappingError& e) {
      return invalid(e.what());
    }
    Evaluator evaluator(arch, workload, energy);
    const Evaluation evaluation = evaluator.evaluate(resolved);
    if (!evaluation.valid) return invalid(evaluation.error);
    EvaluationResult result;
    result.valid = true;
    result.cycles = evaluation.cycles;
    result.energy_pJ = evaluation.energy_pJ;
    result.macs = static_cast<double>(evaluation.macs);
    result.computes = static_cast<double>(evaluation.computes);
    result.utilization = evaluation.utilization;
    result.json = evaluationToJson(evaluation, arch, workload, energy).dump(2);
    return result;
  });
}

const char* version() { return COSA_VERSION; }

}  // namespace cosa::api
