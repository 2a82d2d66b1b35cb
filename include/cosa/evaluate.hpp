#pragma once
// Evaluating one mapping with the Timeloop-exact cost model (the core component: no solver).

#include <string>

#include "cosa/specs.hpp"

namespace cosa::api {

struct EvaluateSettings {
  std::string ert;  // an Accelergy energy reference table (file); empty: the built-in energies
};

struct EvaluationResult {
  bool valid = false;
  std::string error;  // why the mapping is invalid (capacity, fan-out, factor products)
  long long cycles = 0;
  double energy_pJ = 0;
  double macs = 0;
  // The MACs the arithmetic level performs, as timeloop-model counts them: macs for a perfect mapping,
  // more when a residual (imperfect) spatial factor pads iterations (docs/cost-model.md).
  double computes = 0;
  double utilization = 0;
  // Exactly what `cosa evaluate --json` prints ({"valid": false, "error": ...} for an invalid one).
  std::string json;
};

// Throws InputError when the mapping names unknown levels, dimensions or data spaces; a mapping
// that is well-formed but invalid gives valid == false.
EvaluationResult evaluate(const Architecture& arch, const Problem& problem, const Mapping& mapping,
                          const EvaluateSettings& settings = {});

}  // namespace cosa::api
