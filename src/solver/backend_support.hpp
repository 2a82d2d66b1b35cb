#pragma once
// What every backend does the same way, outside the solver itself: checking a solve's inputs,
// deciding a model without variables, and the relative gap. For backends only; the formulation code
// sees mip.hpp alone.

#include "solver/mip.hpp"

namespace cosa::solver {

// Throws std::invalid_argument for a malformed model (Model::validate), a warm start of the wrong
// size, or a negative or NaN time limit: solvers abort or misbehave on these rather than report them.
void checkSolveInputs(const Model& model, const SolveOptions& options);

// A model without variables is decided by its rows alone (each must admit 0).
Solution solveWithoutVariables(const Model& model);

// (objective - bound) / |objective|, 0 when the bound meets the objective, kInfinity when nothing
// is proven (bound at -kInfinity).
double relativeGap(double objective, double bound);

}  // namespace cosa::solver
