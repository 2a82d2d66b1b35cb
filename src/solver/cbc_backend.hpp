#pragma once
// COIN-OR CBC behind the solver facade. CBC headers stay in cbc_backend.cpp.

#include <string>

#include "solver/mip.hpp"

namespace cosa::solver {

// Loads the model through OsiClpSolverInterface (no files) and runs CBC's standard driver (CbcMain1:
// presolve, cuts, heuristics, branch and bound). Models without integer variables are solved by Clp directly.
//
// Status semantics:
//   Optimal          search finished: the incumbent is optimal within options.relative_gap (CBC stops as
//                    soon as the gap closes to the tolerance, as CPLEX/Gurobi/HiGHS do; `gap` holds the
//                    achieved value, normally far below the tolerance).
//   Feasible         a limit (time) stopped the search with an incumbent whose gap exceeds the tolerance.
//   Infeasible       proven infeasible (LP relaxation or search).
//   Unbounded        the LP relaxation is unbounded (the MIP is then unbounded or infeasible).
//   NoSolutionFound  stopped by the time limit before any feasible solution.
//   Error            numerical trouble or an unexpected CBC status; `message` says what happened.
// `timed_out` is true whenever the time limit stopped the search (Feasible or NoSolutionFound).
// The time limit is wall-clock; it is checked between nodes, so solves may overrun it slightly.
// Solves on different threads run concurrently: each has its own CbcModel, solver and cut generators
// (CBC's CbcMain driver, which keeps process-wide state, is not used).
class CbcBackend final : public Backend {
 public:
  std::string name() const override { return "cbc"; }
  Solution solve(const Model& model, const SolveOptions& options) override;
};

}  // namespace cosa::solver
