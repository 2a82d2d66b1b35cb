#include "solver/cbc_backend.hpp"

#include <fmt/format.h>

#include <CbcEventHandler.hpp>
#include <CbcHeuristic.hpp>
#include <CbcHeuristicFPump.hpp>
#include <CbcModel.hpp>
#include <CbcSolver.hpp>
#include <CglClique.hpp>
#include <CglFlowCover.hpp>
#include <CglGomory.hpp>
#include <CglKnapsackCover.hpp>
#include <CglMixedIntegerRounding2.hpp>
#include <CglProbing.hpp>
#include <ClpDualRowDantzig.hpp>
#include <ClpEventHandler.hpp>
#include <ClpPrimalColumnDantzig.hpp>
#include <ClpSimplex.hpp>
#include <CoinMessageHandler.hpp>
#include <CoinPackedMatrix.hpp>
#include <OsiClpSolverInterface.hpp>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "solver/backend_support.hpp"

namespace cosa::solver {
namespace {

double toCoin(double v) {
  if (v >= kInfinity) return COIN_DBL_MAX;
  if (v <= -kInfinity) return -COIN_DBL_MAX;
  return v;
}

// The facade model in CBC's terms: column-major matrix (the Model holds no repeated terms).
struct CoinProblem {
  int num_model_columns = 0;  // the Model's variables; a trailing column may hold the objective constant
  std::vector<double> col_lower, col_upper, objective, row_lower, row_upper;
  std::vector<bool> integer;
  CoinPackedMatrix matrix;
};

CoinProblem buildProblem(const Model& model, bool constant_column) {
  CoinProblem p;
  const int n = model.numVariables();
  p.num_model_columns = n;
  const int columns = n + (constant_column ? 1 : 0);
  p.col_lower.resize(columns);
  p.col_upper.resize(columns);
  p.objective.assign(columns, 0.0);
  p.integer.assign(columns, false);
  for (int j = 0; j < n; ++j) {
    const Variable& v = model.variables()[j];
    double lower = v.lower, upper = v.upper;
    if (v.type == VarType::Binary) {
      lower = std::max(lower, 0.0);
      upper = std::min(upper, 1.0);
    }
    p.col_lower[j] = toCoin(lower);
    p.col_upper[j] = toCoin(upper);
    p.integer[j] = v.type != VarType::Continuous;
  }
  for (const Term& t : model.objective()) p.objective[t.var] += t.coef;
  if (constant_column) {  // a column fixed at 1 carries the constant, so CBC's gaps and bounds include it
    p.col_lower[n] = p.col_upper[n] = 1.0;
    p.objective[n] = model.objectiveConstant();
  }

  std::vector<std::vector<std::pair<int, double>>> by_column(columns);
  for (int i = 0; i < model.numRows(); ++i) {
    const Row& row = model.rows()[i];
    p.row_lower.push_back(toCoin(row.lower));
    p.row_upper.push_back(toCoin(row.upper));
    for (const Term& t : row.terms) by_column[t.var].emplace_back(i, t.coef);
  }
  std::vector<CoinBigIndex> starts{0};
  std::vector<int> indices;
  std::vector<double> elements;
  for (const auto& col : by_column) {  // rows arrive in order
    for (const auto& [row, coef] : col) {
      indices.push_back(row);
      elements.push_back(coef);
    }
    starts.push_back(static_cast<CoinBigIndex>(indices.size()));
  }
  p.matrix = CoinPackedMatrix(true, model.numRows(), columns, static_cast<CoinBigIndex>(elements.size()),
                              elements.data(), indices.data(), starts.data(), nullptr);
  return p;
}

void loadInto(OsiClpSolverInterface& solver, const CoinProblem& p) {
  solver.loadProblem(p.matrix, p.col_lower.data(), p.col_upper.data(), p.objective.data(), p.row_lower.data(),
                     p.row_upper.data());
  for (size_t j = 0; j < p.integer.size(); ++j) {
    if (p.integer[j]) solver.setInteger(static_cast<int>(j));
  }
}

// CBC and Clp read a seed of 0 as "seed from the clock"; map every int to a fixed positive seed.
int positiveSeed(int seed) { return static_cast<int>(static_cast<unsigned>(seed) % 2147483646u) + 1; }

// COIN message handlers print to stdout; ours go to stderr, and only when verbose. CBC and the LP solver
// get separate handlers: CBC turns the LP log down during heuristics, which would silence a shared one.
struct Handlers {
  explicit Handlers(bool verbose) : cbc(stderr), lp(stderr) {
    cbc.setLogLevel(verbose ? 1 : 0);
    lp.setLogLevel(verbose ? 1 : 0);
  }
  CoinMessageHandler cbc, lp;
};

// When the LPs of a solve are stopped (LpLimitHandler). In the root LP (CbcModel::initialSolve, or
// the whole of a pure LP) on the stop flag or at the time limit: Clp's own limit is not checked
// there, and a degenerate root LP with Dantzig pricing can take many minutes. In the branch and
// bound, CBC checks its time limit itself between nodes and SearchLimitHandler passes the stop flag
// on; an LP is stopped there on the stop flag, or as a backstop once it runs well past the time
// limit, until CBC has been told to stop: its closing LPs (the incumbent's continuous values) must
// run, or CBC drops the incumbent.
class LpGuard {
 public:
  using Clock = SolveLimits::Clock;
  LpGuard(const SolveLimits& limits, double time_limit_s)
      : limits_(limits),
        backstop_(Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(
                                     std::min(limits.secondsLeft() + std::max(1.0, time_limit_s), 1e9)))) {}
  void startSearch() { in_search_ = true; }
  void searchStopped() { search_stopped_ = true; }
  // Checks the clock only when `with_clock` (the caller reads it every few iterations).
  bool stopLp(bool with_clock) const {
    if (search_stopped_.load(std::memory_order_relaxed)) return false;
    if (limits_.stopRequested()) return true;
    if (!with_clock) return false;
    if (!in_search_.load(std::memory_order_relaxed)) return limits_.reached();
    return Clock::now() >= backstop_ && limits_.reached();
  }
  bool searchStopRequested() const { return limits_.stopRequested(); }

 private:
  const SolveLimits& limits_;
  Clock::time_point backstop_;
  std::atomic<bool> in_search_{false}, search_stopped_{false};
};

// Clp's side: stops an LP (status 5, "stopped by event") when the guard says so. The flag is read
// every iteration, the clock every 16th.
class LpLimitHandler final : public ClpEventHandler {
 public:
  explicit LpLimitHandler(const LpGuard& guard) : guard_(&guard) {}
  ClpEventHandler* clone() const override { return new LpLimitHandler(*this); }
  int event(Event which) override {
    if (which != endOfIteration && which != endOfFactorization) return -1;
    return guard_->stopLp((++calls_ & 15) == 0) ? 0 : -1;
  }

 private:
  const LpGuard* guard_;
  unsigned calls_ = 0;
};

// CBC's side: stops the branch and bound at its next node, solution or heuristic event once the
// stop flag is set.
class SearchLimitHandler final : public CbcEventHandler {
 public:
  explicit SearchLimitHandler(LpGuard& guard) : guard_(&guard) {}
  CbcEventHandler* clone() const override { return new SearchLimitHandler(*this); }
  CbcAction event(CbcEvent which) override {
    if (which == endSearch) {
      guard_->searchStopped();
      return noAction;
    }
    if (!guard_->searchStopRequested()) return noAction;
    guard_->searchStopped();
    return stop;
  }
  CbcAction event(CbcEvent which, void*) override { return event(which); }

 private:
  LpGuard* guard_;
};

Solution solveContinuous(const Model& model, const SolveOptions& options, const SolveLimits& limits) {
  Solution sol;
  OsiClpSolverInterface solver;
  Handlers handlers(options.verbose);
  solver.passInMessageHandler(&handlers.lp);  // OsiClp hands it on to its ClpSimplex
  ClpSimplex* clp = solver.getModelPtr();
  clp->setLogLevel(options.verbose ? 1 : 0);
  loadInto(solver, buildProblem(model, false));
  clp->setMaximumWallSeconds(std::min(options.time_limit_s, 1e9));  // Clp takes no infinity
  clp->setRandomSeed(positiveSeed(options.seed));
  const LpGuard guard(limits, options.time_limit_s);
  const LpLimitHandler lp_limits(guard);
  clp->passInEventHandler(&lp_limits);  // a copy
  solver.initialSolve();

  const double constant = model.objectiveConstant();
  if (limits.fired() && !solver.isProvenOptimal()) {
    markCutShort(sol, limits, false, "while solving the LP");
    sol.objective = sol.gap = kInfinity;
    sol.bound = -kInfinity;
  } else if (solver.isProvenOptimal()) {
    sol.status = Status::Optimal;
    const double* x = solver.getColSolution();
    sol.values.assign(x, x + model.numVariables());
    sol.objective = solver.getObjValue() + constant;
    sol.bound = sol.objective;
  } else if (solver.isProvenPrimalInfeasible()) {
    sol.status = Status::Infeasible;
    sol.message = "LP is infeasible";
  } else if (solver.isProvenDualInfeasible()) {
    sol.status = Status::Unbounded;
    sol.message = "LP is unbounded (dual infeasible)";
  } else if (clp->hitMaximumIterations() || clp->status() == 3) {
    sol.status = Status::NoSolutionFound;
    sol.timed_out = true;
    sol.message = "LP stopped on the time limit";
  } else {
    sol.status = Status::Error;
    sol.message =
        fmt::format("Clp finished with status {} (secondary {})", clp->status(), clp->secondaryStatus());
  }
  return sol;
}

Solution solveMip(const Model& model, const SolveOptions& options, const SolveLimits& limits) {
  Solution sol;
  const int n = model.numVariables();
  const bool constant_column = model.objectiveConstant() != 0;
  const CoinProblem problem = buildProblem(model, constant_column);

  Handlers handlers(options.verbose);  // outlives `solver` and `cbc`, which keep pointers to it
  OsiClpSolverInterface solver;
  solver.passInMessageHandler(&handlers.lp);
  solver.getModelPtr()->setLogLevel(options.verbose ? 1 : 0);
  loadInto(solver, problem);

  CbcModel cbc(solver);                     // copies the solver
  cbc.passInMessageHandler(&handlers.cbc);  // hands it on to its solver as well: undo that
  cbc.solver()->passInMessageHandler(&handlers.lp);
  cbc.setLogLevel(options.verbose ? 1 : 0);

  if (!options.warm_start.empty()) {
    // Hand the start to CBC as its first incumbent (checked by CBC for feasibility).
    std::vector<double> start(options.warm_start);
    if (constant_column) start.push_back(1.0);
    double objective = 0;
    for (std::size_t j = 0; j < start.size(); ++j) objective += problem.objective[j] * start[j];
    cbc.setBestSolution(start.data(), static_cast<int>(start.size()), objective, true);
  }

  // CbcModel's own branch-and-bound rather than the CbcMain driver: the driver keeps process-wide
  // parameter tables, while a CbcModel with its own solver and generators is independent of other
  // threads' models, so layers can be solved in parallel.
  ClpSimplex* clp = dynamic_cast<OsiClpSolverInterface*>(cbc.solver())->getModelPtr();
  // Dantzig pricing: Debian's Clp (built with assertions) aborts in steepest-edge pricing on some
  // of the scheduler's degenerate log-space models.
  ClpPrimalColumnDantzig primal_pricing;
  ClpDualRowDantzig dual_pricing;
  clp->setPrimalColumnPivotAlgorithm(primal_pricing);
  clp->setDualRowPivotAlgorithm(dual_pricing);
  CglProbing probing;
  probing.setUsingObjective(1);
  probing.setMaxPass(3);
  probing.setMaxProbe(100);
  probing.setMaxLook(50);
  probing.setRowCuts(3);
  CglGomory gomory;
  gomory.setLimit(300);
  CglKnapsackCover knapsack;
  CglMixedIntegerRounding2 rounding;
  CglFlowCover flow;
  CglClique clique;
  // CglClique reports every separation round on stdout unless told not to.
  clique.setStarCliqueReport(false);
  clique.setRowCliqueReport(false);
  cbc.addCutGenerator(&probing, -1, "Probing");
  cbc.addCutGenerator(&gomory, -1, "Gomory");
  cbc.addCutGenerator(&knapsack, -1, "Knapsack");
  cbc.addCutGenerator(&rounding, -1, "MIR2");
  cbc.addCutGenerator(&flow, -1, "FlowCover");
  cbc.addCutGenerator(&clique, -1, "Clique");
  CbcRounding round_heuristic(cbc);
  cbc.addHeuristic(&round_heuristic);
  CbcHeuristicFPump pump(cbc);
  cbc.addHeuristic(&pump);
  LpGuard guard(limits, options.time_limit_s);
  const LpLimitHandler lp_limits(guard);
  clp->passInEventHandler(&lp_limits);  // copies; the solvers CBC clones from it copy it too
  const SearchLimitHandler search_limits(guard);
  cbc.passInEventHandler(&search_limits);
  cbc.setUseElapsedTime(true);
  cbc.setAllowableFractionGap(std::max(options.relative_gap, 0.0));
  if (options.max_nodes > 0)
    cbc.setMaximumNodes(static_cast<int>(std::min<std::int64_t>(options.max_nodes, 1 << 30)));
  cbc.setRandomSeed(positiveSeed(options.seed));
  cbc.solver()->setHintParam(OsiDoReducePrint, !options.verbose, OsiHintTry);
  cbc.setLogLevel(options.verbose ? 1 : 0);
  cbc.setMaximumSeconds(limits.secondsLeft());
  cbc.initialSolve();
  auto incumbent = [&] { return cbc.bestSolution() != nullptr && cbc.getObjValue() < 1e50; };
  auto takeIncumbent = [&] {
    const double* best = cbc.bestSolution();
    sol.values.assign(best, best + n);
    sol.objective = cbc.getObjValue() + (constant_column ? 0.0 : model.objectiveConstant());
    // Integers come back as 2.9999999997; hand out exact integers.
    for (int j = 0; j < n; ++j) {
      if (problem.integer[j]) sol.values[j] = std::round(sol.values[j]);
    }
  };
  if (limits.fired()) {  // stopped in the root LP: no search, the warm start (if any) is the incumbent
    const bool has_incumbent = incumbent();
    if (has_incumbent) takeIncumbent();
    markCutShort(sol, limits, has_incumbent, "while solving the LP relaxation");
    sol.bound = -kInfinity;  // nothing proven
    sol.gap = kInfinity;
    if (!has_incumbent) sol.objective = kInfinity;
    return sol;
  }
  if (cbc.isContinuousUnbounded() || cbc.solver()->isProvenDualInfeasible()) {
    sol.status = Status::Unbounded;
    sol.message = "the LP relaxation is unbounded";
    return sol;
  }
  // The time limit counts from the start of the solve: what the root LP took is spent.
  cbc.setMaximumSeconds(limits.secondsLeft());
  guard.startSearch();
  cbc.branchAndBound();

  const int status = cbc.status();
  const int secondary = cbc.secondaryStatus();
  const bool has_incumbent = incumbent();
  sol.bound = cbc.getBestPossibleObjValue() + (constant_column ? 0.0 : model.objectiveConstant());
  sol.timed_out = cbc.isSecondsLimitReached() || secondary == 4;
  if (has_incumbent) takeIncumbent();

  if (limits.fired()) {
    // An LP stopped mid-way may have pruned nodes it never solved: optimal or infeasible is no proof.
    markCutShort(sol, limits, has_incumbent);
  } else if (secondary == 7 || cbc.isContinuousUnbounded()) {
    sol.status = Status::Unbounded;
    sol.message = "LP relaxation is unbounded";
  } else if (status == 0 && has_incumbent) {
    sol.status = Status::Optimal;  // search finished, possibly by closing the gap to the tolerance
    if (secondary == 2) sol.message = "stopped on the relative gap tolerance";
  } else if (status == 0 && (cbc.isProvenInfeasible() || secondary == 1 || !has_incumbent)) {
    sol.status = Status::Infeasible;
    sol.message = "proven infeasible";
  } else if (status == 1 || status == 5) {
    sol.status = has_incumbent ? Status::Feasible : Status::NoSolutionFound;
    sol.message = sol.timed_out ? "stopped on the time limit"
                  : cbc.isNodeLimitReached()
                      ? "stopped on the node limit"
                      : fmt::format("stopped on a limit (CBC secondary status {})", secondary);
  } else if (status == 2 && has_incumbent) {
    sol.status = Status::Feasible;
    sol.message = "search abandoned after numerical difficulties; returning the incumbent";
  } else {
    sol.status = Status::Error;
    sol.message = fmt::format("CBC finished with status {} (secondary {})", status, secondary);
  }
  if (!has_incumbent) sol.values.clear();
  // CBC reports +-DBL_MAX (or a bound above the incumbent when the warm start meets the cutoff) when the
  // root LP never ran; an optimal incumbent is its own bound then.
  if (std::abs(sol.bound) >= 1e50) sol.bound = sol.bound > 0 ? kInfinity : -kInfinity;
  if (sol.status == Status::Optimal && (sol.bound > sol.objective || sol.bound <= -kInfinity)) {
    sol.bound = sol.objective;
  }
  if (limits.fired() && sol.status == Status::Feasible) sol.bound = std::min(sol.bound, sol.objective);
  if (sol.status == Status::Optimal || sol.status == Status::Feasible) {
    sol.gap = relativeGap(sol.objective, sol.bound);
  } else {
    sol.objective = kInfinity;
    sol.gap = kInfinity;
  }
  return sol;
}

}  // namespace

Solution CbcBackend::solve(const Model& model, const SolveOptions& options) {
  checkSolveInputs(model, options);
  Solution sol;
  const bool has_integers = std::any_of(model.variables().begin(), model.variables().end(),
                                        [](const Variable& v) { return v.type != VarType::Continuous; });

  const auto start = std::chrono::steady_clock::now();
  const SolveLimits limits(options, start);
  if (model.numVariables() == 0) {
    sol = solveWithoutVariables(model);
  } else {
    sol = has_integers ? solveMip(model, options, limits) : solveContinuous(model, options, limits);
  }
  sol.time_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return sol;
}

}  // namespace cosa::solver
