#pragma once
// Presenting one evaluation: a JSON object with the field names and units of Timeloop's reference
// results (see tests/data/timeloop-model/README.md), and a readable text summary like
// timeloop-model's stats.

#include <nlohmann/json.hpp>
#include <string>

#include "arch/architecture.hpp"
#include "model/energy.hpp"
#include "model/evaluation.hpp"
#include "workload/workload.hpp"

namespace cosa {

nlohmann::json evaluationToJson(const Evaluation& evaluation, const Architecture& arch,
                                const Workload& workload, const EnergyTable& energy);

// A solver's objective, bound or gap, or null when it is infinite (no solution or no bound: the
// solver reports +-solver::kInfinity, i.e. 1e30, or a non-finite value). JSON has no infinity, and
// docs/schema/*.schema.json document these fields as number-or-null.
nlohmann::json finiteOrNull(double value);

// The layer's shape and bounds, for readers of stats files: {shape, dimensions[], bounds[]}.
nlohmann::json problemJson(const Workload& workload);

std::string evaluationSummary(const Evaluation& evaluation, const Architecture& arch,
                              const Workload& workload);

}  // namespace cosa
