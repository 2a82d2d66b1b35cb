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

// The layer's shape and bounds, for readers of stats files: {shape, dimensions[], bounds[]}.
nlohmann::json problemJson(const Workload& workload);

std::string evaluationSummary(const Evaluation& evaluation, const Architecture& arch,
                              const Workload& workload);

}  // namespace cosa
