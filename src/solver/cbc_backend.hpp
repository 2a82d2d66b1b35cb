#pragma once
// COIN-OR CBC behind the solver facade. CBC headers stay in cbc_backend.cpp.

#include <string>

#include "solver/mip.hpp"

namespace cosa::solver {

// Loads the model through OsiClpSolverInterface (no files) and runs CbcModel's branch and bound with
// explicit cut generators and heuristics. Models without integer variables are solved by Clp directly.
//
// Status semantics:
//   Optimal          search finished: the incumbent is optimal within options.relative_gap (CBC stops as
//                    soon as the gap closes to the tolerance, as CPLEX/Gurobi/HiGHS do; `gap` holds the
//                    achieved value, normally far below the tolerance).
//   Feasible         a limit (time, nodes, the stop flag) stopped the search with an incumbent whose gap
//                    exceeds the tolerance.
//   Infeasible       proven infeasible (LP relaxation or search).
//   Unbounded        the LP relaxation is unbounded (the MIP is then unbounded or infeasible).
//   NoSolutionFound  stopped by the time limit or the stop flag before any feasible solution.
//   Error            numerical trouble or an unexpected CBC status; `message` says what happened.
// `timed_out` is true whenever the time limit stopped the search (Feasible or NoSolutionFound),
// `interrupted` whenever the stop flag did (then neither optimality nor infeasibility is claimed).
// The time limit is wall-clock from the start of solve(), the root LP included (CbcModel::initialSolve
// is not bounded by CBC's own limit: an event handler on the LP solver stops it); in the search CBC
// checks it between nodes, so solves may overrun it slightly. SolveOptions::stop is read by the same
// LP handler and by a CbcEventHandler at every node and solution.
// Solves on different threads run concurrently: each has its own CbcModel, solver and cut generators
// (CBC's CbcMain driver, which keeps process-wide state, is not used).
class CbcBackend final : public Backend {
 public:
  std::string name() const override { return "cbc"; }
  Solution solve(const Model& model, const SolveOptions& options) override;
};

}  // namespace cosa::solver
