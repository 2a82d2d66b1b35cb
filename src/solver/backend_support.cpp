#include "solver/backend_support.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace cosa::solver {

SolveLimits::SolveLimits(const SolveOptions& options, Clock::time_point start) : stop_(options.stop) {
  // A limit past what steady_clock holds (e.g. 1e30 s) is no deadline.
  const double seconds = std::min(std::max(options.time_limit_s, 0.0), 1e9);
  deadline_ = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
}

bool SolveLimits::stopRequested() const {
  if (stop_ == nullptr || !stop_->load(std::memory_order_relaxed)) return false;
  stopped_.store(true, std::memory_order_relaxed);
  return true;
}

bool SolveLimits::reached() const {
  if (stopRequested()) return true;
  if (Clock::now() < deadline_) return false;
  timed_out_.store(true, std::memory_order_relaxed);
  return true;
}

double SolveLimits::secondsLeft() const {
  return std::max(0.0, std::chrono::duration<double>(deadline_ - Clock::now()).count());
}

void markCutShort(Solution& sol, const SolveLimits& limits, bool has_incumbent, const char* where) {
  sol.status = has_incumbent ? Status::Feasible : Status::NoSolutionFound;
  sol.interrupted = limits.stopped();
  sol.timed_out = sol.timed_out || (!sol.interrupted && limits.timedOut());
  const std::string suffix = *where != 0 ? std::string(" ") + where : std::string();
  sol.message = (sol.interrupted ? "stopped by a stop request" : "stopped on the time limit") + suffix;
}

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
