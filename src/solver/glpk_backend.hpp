#pragma once
// GLPK (the GNU Linear Programming Kit) behind the solver facade: a second backend, to show that the
// facade lets other solvers plug in and to cross-check CBC. GLPK headers stay in glpk_backend.cpp.

#include <string>

#include "solver/mip.hpp"

namespace cosa::solver {

// Loads the model into a glp_prob (no files), solves the LP relaxation with glp_simplex, then runs
// glp_intopt's branch and cut from that basis with GLPK's MIP presolver off (so the callback sees the
// model's own columns, which the warm start needs). Models without integer variables stop after
// glp_simplex.
//
// Status semantics (as CbcBackend):
//   Optimal          search finished: the incumbent is optimal within options.relative_gap (GLPK stops as
//                    soon as its gap closes to the tolerance; `gap` holds the achieved value).
//   Feasible         the time limit, the stop flag (or GLPK's numerical trouble) stopped the search
//                    holding an incumbent.
//   Infeasible       proven infeasible (LP relaxation or search).
//   Unbounded        the LP relaxation is unbounded (the MIP is then unbounded or infeasible).
//   NoSolutionFound  stopped by the time limit or the stop flag before any feasible solution.
//   Error            numerical trouble or an unexpected GLPK return code; `message` says what happened.
// `timed_out` is true whenever the time limit stopped the search (Feasible or NoSolutionFound),
// `interrupted` whenever the stop flag did. The stop flag is read at every branch-and-cut callback
// and, since glp_simplex has none, between 0.1 s slices of the LP relaxation (only when a flag is
// given; each slice goes on from the last one's basis).
// `bound` is the best local bound of GLPK's active nodes, tracked in the branch-and-cut callback
// (GLPK's tree is gone once glp_intopt returns).
//
// Warm start: GLPK has no MIP-start API, so the start is offered as a heuristic solution at the first
// heuristic callback. GLPK takes such solutions on trust (it checks integrality only), so the start is
// checked against bounds, rows and integrality first and ignored (noted in `message`) when infeasible.
// If the time limit stops the search before GLPK saw it, the checked start is returned as Feasible.
//
// Ignored options: `threads` (GLPK is single-threaded) and `seed` (its search is deterministic).
//
// Threads: Debian's GLPK 5.0 is built reentrant (glp_config("TLS") is "_Thread_local"): each thread
// has its own GLPK environment, so solves on different threads run concurrently without a lock.
// A solve owns its thread's GLPK terminal settings while it runs; afterwards it frees the thread's
// environment (which would otherwise leak when a worker thread ends), but only when no GLPK memory
// was in use on the thread when the solve began, so other GLPK objects of the caller are never freed.
class GlpkBackend final : public Backend {
 public:
  std::string name() const override { return "glpk"; }
  Solution solve(const Model& model, const SolveOptions& options) override;
};

}  // namespace cosa::solver
