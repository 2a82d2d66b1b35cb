#include "solver/backend_support.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace cosa::solver {

void checkSolveInputs(const Model& model, const SolveOptions& options) {
  model.validate();
  if (!options.warm_start.empty() && static_cast<int>(options.warm_start.size()) != model.numVariables()) {
    throw std::invalid_argument(fmt::format("warm start has {} values for {} variables",
                                            options.warm_start.size(), model.numVariables()));
  }
  if (std::isnan(options.time_limit_s) || options.time_limit_s < 0) {
    throw std::invalid_argument(fmt::format("time limit must be >= 0 seconds, got {}", options.time_limit_s));
  }
}

Solution solveWithoutVariables(const Model& model) {
  Solution sol;
  const bool feasible = std::all_of(model.rows().begin(), model.rows().end(),
                                    [](const Row& r) { return r.lower <= 1e-9 && r.upper >= -1e-9; });
  sol.status = feasible ? Status::Optimal : Status::Infeasible;
  sol.objective = feasible ? model.objectiveConstant() : kInfinity;
  sol.bound = sol.objective;
  return sol;
}

double relativeGap(double objective, double bound) {
  if (bound <= -kInfinity) return kInfinity;
  const double diff = objective - bound;
  if (diff <= 0) return 0;
  return diff / std::max(std::abs(objective), 1e-10);
}

}  // namespace cosa::solver
