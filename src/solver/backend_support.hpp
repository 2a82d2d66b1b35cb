#pragma once
// What every backend does the same way, outside the solver itself: checking a solve's inputs,
// deciding a model without variables, and the relative gap. For backends only; the formulation code
// sees mip.hpp alone.

#include <atomic>
#include <chrono>

#include "solver/mip.hpp"

namespace cosa::solver {

// The two limits a backend checks from inside its solver (event handlers, callbacks): the caller's
// stop flag and the wall-clock deadline of the time limit, counted from `start`. Each check records
// which one fired, so the backend can tell afterwards that the solver's own statuses (an LP stopped
// mid-way can look infeasible to a branch and bound) no longer prove anything. Thread-safe: the
// solver may check from its helper threads.
class SolveLimits {
 public:
  using Clock = std::chrono::steady_clock;
  SolveLimits(const SolveOptions& options, Clock::time_point start);

  // True once the stop flag is set or the deadline has passed; records which.
  bool reached() const;
  // The stop flag only (no clock read): for checks frequent enough that the clock would cost.
  bool stopRequested() const;
  bool stopped() const { return stopped_.load(std::memory_order_relaxed); }
  bool timedOut() const { return timed_out_.load(std::memory_order_relaxed); }
  bool fired() const { return stopped() || timedOut(); }
  double secondsLeft() const;

 private:
  const std::atomic<bool>* stop_ = nullptr;
  Clock::time_point deadline_;
  mutable std::atomic<bool> stopped_{false}, timed_out_{false};
};

// A solve the limits cut short: its claims of optimality or infeasibility are not proofs any more.
// Feasible with an incumbent, NoSolutionFound without; timed_out / interrupted set, and the message
// says which limit ended it (and `where`, e.g. "while solving the LP relaxation").
void markCutShort(Solution& sol, const SolveLimits& limits, bool has_incumbent, const char* where = "");

// Throws std::invalid_argument for a malformed model (Model::validate), a warm start of the wrong
// size, or a negative or NaN time limit: solvers abort or misbehave on these rather than report them.
void checkSolveInputs(const Model& model, const SolveOptions& options);

// A model without variables is decided by its rows alone (each must admit 0).
Solution solveWithoutVariables(const Model& model);

// (objective - bound) / |objective|, 0 when the bound meets the objective, kInfinity when nothing
// is proven (bound at -kInfinity).
double relativeGap(double objective, double bound);

}  // namespace cosa::solver
