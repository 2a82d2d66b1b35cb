#pragma once
// One search loop for every search mapper, modelled on Timeloop's search.hpp and its mapper threads.
// A SearchStrategy proposes the next mapping (next(), Timeloop's Next) and hears what became of it
// (report(), Timeloop's Report); the SearchDriver owns the threads and runs the loop: it evaluates
// every proposal on the exact model (one Evaluator per thread), counts samples, evaluations and valid
// mappings, applies the end conditions (SearchLimits, the stop flag), keeps the best under the
// metrics and fills the MapperResult. The random, hybrid and exhaustive mappers are strategies over
// the factor space (factor_space.hpp); the driver knows nothing of how they propose.
//
// Two schedules:
//  - Independent (hybrid, exhaustive; Timeloop's mapper threads): each thread runs its own strategy
//    under its own limits; the threads' bests are merged at the end.
//  - InSequence (random): the strategies' proposals form one sequence, proposal i coming from
//    strategy i % threads. They are made and evaluated in parallel batches, then recorded and
//    reported in sequence order on the calling thread, under one set of limits: the result does not
//    depend on the thread count. A strategy's proposals must therefore not depend on its reports.

#include <atomic>
#include <compare>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "mappers/constrained_mapspace.hpp"
#include "mappers/mapper.hpp"
#include "mapping/mapping.hpp"
#include "model/energy.hpp"
#include "model/evaluation.hpp"

namespace cosa {

// Called for every evaluated mapping (see SearchSchedule for the thread it is called from).
using EvaluationObserver = std::function<void(const Mapping&, const Evaluation&)>;

// What became of a proposal (Timeloop's search::Status).
enum class SearchStatus { Success, MappingConstructionFailure, EvalFailure };

// What a strategy's next() produced.
enum class Proposal {
  Ready,                // a mapping to evaluate
  ConstructionFailure,  // the draw built no mapping (a sample, not evaluated)
  Exhausted,            // nothing left to propose: the search ends
};

// Where a proposal stands in a strategy's own enumeration order, for Ranking::Exact (the exhaustive
// mapper: keep pattern, then index); it must grow along each strategy's proposals.
struct Ordinal {
  std::int64_t major = 0, minor = 0;
  auto operator<=>(const Ordinal&) const = default;
};

class SearchStrategy {
 public:
  virtual ~SearchStrategy() = default;
  // The next mapping to evaluate, written to `mapping`.
  virtual Proposal next(Mapping& mapping) = 0;
  // What became of the last proposal; `evaluation` is the model's (invalid for a construction failure).
  virtual void report(SearchStatus status, const Evaluation& evaluation) = 0;
  // The last proposal's place in the enumeration (Ranking::Exact only).
  virtual Ordinal ordinal() const { return {}; }
};

// End conditions, checked before every proposal in this order (Timeloop's), per thread (Independent)
// or over the sequence (InSequence).
struct SearchLimits {
  static constexpr std::int64_t kUnlimited = std::numeric_limits<std::int64_t>::max();
  std::int64_t valid = 0;                 // valid mappings (Timeloop's search_size); 0 = off
  std::int64_t victory = 0;               // consecutive valid mappings without improvement; 0 = off
  std::int64_t invalid_run = 0;           // consecutive invalid proposals (Timeloop's timeout); 0 = off
  std::int64_t evaluations = kUnlimited;  // cost-model evaluations
  std::int64_t samples = kUnlimited;      // proposals
};

// Why a thread (or the sequence) ended.
enum class SearchEnd { Valid, Victory, InvalidRun, Evaluations, Samples, Exhausted, Interrupted };

// How the best is kept.
enum class Ranking {
  // betterThan (mapper.hpp: a relative tolerance, so that floating-point noise does not decide): the
  // first of near-equals in report order, then in thread order.
  FirstBetter,
  // The metric values compared exactly, ties to the lower Ordinal: a total order, so the best does
  // not depend on how the proposals were shared among threads.
  Exact,
};

enum class SearchSchedule { Independent, InSequence };

struct SearchSettings {
  std::vector<SearchMetric> metrics;
  Ranking ranking = Ranking::FirstBetter;
  SearchSchedule schedule = SearchSchedule::Independent;
  SearchLimits limits;
  // Polled before every proposal (InSequence: before every batch); once set, the search ends with the
  // best so far, marked interrupted.
  const std::atomic<bool>* stop = nullptr;
  // Independent: called from the worker threads (serialise inside with several); InSequence: from the
  // calling thread, in sequence order.
  EvaluationObserver observer;
};

struct SearchOutcome {
  MapperResult result;          // found, mapping, evaluation, counts, interrupted, time_s (unnamed)
  std::vector<SearchEnd> ends;  // per thread (Independent) or one (InSequence)
};

// The strategies of a run, one per thread, as the driver takes them.
template <class Strategy>
std::vector<SearchStrategy*> strategyPointers(std::vector<Strategy>& strategies) {
  std::vector<SearchStrategy*> pointers;
  for (Strategy& strategy : strategies) pointers.push_back(&strategy);
  return pointers;
}

class SearchDriver {
 public:
  // `space`'s architecture and workload must outlive the driver.
  SearchDriver(const ConstrainedMapSpace& space, const EnergyTable& energy, SearchSettings settings);
  // Runs one strategy per thread (strategies.size() threads, the caller's included).
  SearchOutcome run(const std::vector<SearchStrategy*>& strategies) const;

 private:
  struct Track;
  class Pool;
  SearchOutcome runIndependently(const std::vector<SearchStrategy*>& strategies, Pool& pool) const;
  SearchOutcome runInSequence(const std::vector<SearchStrategy*>& strategies, Pool& pool) const;
  std::optional<SearchEnd> ended(const Track& track) const;
  // Counts a proposal, offers it as the best, tells the strategy; the mapping was evaluated when Ready.
  void record(Track& track, SearchStrategy& strategy, Proposal proposal, const Mapping& mapping,
              const Evaluation& evaluation) const;
  void merge(const Track& track, MapperResult& result, Ordinal& best_ordinal) const;

  const ConstrainedMapSpace* space_;
  const EnergyTable* energy_;
  SearchSettings settings_;
};

}  // namespace cosa
