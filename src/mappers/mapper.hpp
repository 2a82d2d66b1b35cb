#pragma once
// What every mapper shares. The search mappers (random, hybrid, exhaustive): the metrics they
// optimise, Timeloop-style lexicographic comparison, and their search result. Every mapper,
// the CoSA scheduler included: the Mapper interface (run on a constrained mapspace with a run
// context, giving a MapperResult); mapper_registry.hpp makes them by name.

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "mappers/constrained_mapspace.hpp"
#include "mappers/objective.hpp"
#include "mappers/schedule_result.hpp"
#include "mapping/mapping.hpp"
#include "model/energy.hpp"
#include "model/evaluation.hpp"

namespace cosa {

// The value of an objective (mappers/objective.hpp) for an evaluation, lower is better: cycles for
// latency (and for cosa-paper, whose goal is latency), energy for energy and energy-model, their
// product for edp, words moved at the outermost level for last-level-accesses.
double metricValue(Objective metric, const Evaluation& evaluation);

// Lexicographic over `metrics` (Timeloop's tie-break order): true when `a` is strictly better.
bool betterThan(const Evaluation& a, const Evaluation& b, const std::vector<SearchMetric>& metrics);

// How a mapper runs: shared by every mapper, set by whoever runs it (compare, a script).
struct RunContext {
  // Polled while running; once set, the mapper returns the best so far, marked interrupted.
  const std::atomic<bool>* stop = nullptr;
  // Called for every mapping a search mapper evaluates (random: in sample order from the calling
  // thread; hybrid and exhaustive: from their worker threads, serialise inside when threads > 1).
  // Optional.
  std::function<void(const Mapping&, const Evaluation&)> on_evaluation;
  int threads = 0;         // 0: the mapper's own setting
  std::uint64_t seed = 0;  // the search mappers' random streams; cosa's MIP seed (modulo 1e9+7)
  // Wall-clock seconds a run may take (0: no budget). The search mappers stop once it is spent and
  // return the best so far (not marked interrupted; the message says the budget ended the run); cosa
  // caps each MIP's time limit at it.
  double time_budget_s = 0;
};

// One mapper's answer on one layer: the one result type of every mapper (the search mappers return it
// directly; the CoSA scheduler's detailed ScheduleResult is turned into it by CosaMapper). The solver
// fields are the CoSA scheduler's only.
struct MapperResult {
  std::string mapper;   // the mapper's registered name (set by Mapper::run)
  bool found = false;   // a valid mapping was found
  std::string message;  // why not, or how the run ended
  Mapping mapping;
  Evaluation evaluation;
  std::int64_t samples = 0;      // mappings drawn or enumerated (cosa: MIPs solved)
  std::int64_t evaluations = 0;  // cost-model evaluations
  std::int64_t valid = 0;        // valid mappings seen (search mappers)
  double time_s = 0;
  bool interrupted = false;    // stopped by the run context's stop flag; the best so far is kept
  std::string solver_status;   // cosa: the winning MIP's status
  std::string solver_backend;  // cosa: the MIP backend
  std::optional<double> gap;   // cosa: the winning MIP's relative gap
  // cosa: the options it ran with and the scheduler's detailed result (solver, polishing), what
  // its stats.json records; empty for the search mappers.
  struct CosaDetails {
    ScheduleOptions options;
    ScheduleResult schedule;
  };
  std::optional<CosaDetails> cosa;
};

// A mapper: its settings are given when it is made; run() may be called from several threads at once.
class Mapper {
 public:
  virtual ~Mapper() = default;
  virtual std::string name() const = 0;
  virtual MapperResult run(const ConstrainedMapSpace& space, const EnergyTable& energy,
                           const RunContext& context) const = 0;
};

// Runs `search` with a stop flag set when the context's is, or once its time budget is spent (then
// the result is not marked interrupted and its message starts with "time budget of ... spent").
// Without a budget, `search` gets the context's stop flag as it is.
MapperResult runWithinBudget(const RunContext& context,
                             const std::function<MapperResult(const std::atomic<bool>* stop)>& search);

// The search mappers' functions (randomMapper, hybridMapper, exhaustiveMapper) return it unnamed.
using SearchResult = MapperResult;

// `result`, named after mapper `name`.
MapperResult named(const std::string& name, MapperResult result);

}  // namespace cosa
