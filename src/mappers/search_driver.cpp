#include "mappers/search_driver.hpp"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "model/evaluator.hpp"

namespace cosa {

// One search stream's counts and best: a thread's (Independent) or the sequence's (InSequence).
struct SearchDriver::Track {
  std::int64_t samples = 0, evaluations = 0, valid = 0;
  std::int64_t since_best = 0;   // valid mappings since the last improvement
  std::int64_t invalid_run = 0;  // invalid proposals since the last valid one
  bool found = false;
  Mapping mapping;
  Evaluation evaluation;
  std::vector<double> key;  // Ranking::Exact: the metric values of the best
  Ordinal ordinal;          // Ranking::Exact: where the best stands in its strategy's enumeration
};

// Threads that live as long as the run, so that a batched search does not start threads per batch.
class SearchDriver::Pool {
 public:
  explicit Pool(int threads) {
    for (int t = 1; t < threads; ++t) workers_.emplace_back([this, t] { serve(t); });
  }
  ~Pool() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      quit_ = true;
    }
    wake_.notify_all();
    for (std::thread& worker : workers_) worker.join();
  }
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  // Runs job(t) for every thread t, job(0) on the calling thread, and returns when all are done.
  void run(const std::function<void(int)>& job) {
    if (workers_.empty()) {
      job(0);
      return;
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      job_ = &job;
      ++generation_;
      pending_ = workers_.size();
    }
    wake_.notify_all();
    job(0);
    std::unique_lock<std::mutex> lock(mutex_);
    done_.wait(lock, [this] { return pending_ == 0; });
    job_ = nullptr;
  }

 private:
  void serve(int thread) {
    std::uint64_t served = 0;
    while (true) {
      const std::function<void(int)>* job = nullptr;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait(lock, [&] { return quit_ || generation_ != served; });
        if (quit_) return;
        served = generation_;
        job = job_;
      }
      (*job)(thread);
      std::lock_guard<std::mutex> lock(mutex_);
      if (--pending_ == 0) done_.notify_one();
    }
  }

  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable wake_, done_;
  const std::function<void(int)>* job_ = nullptr;
  std::uint64_t generation_ = 0;
  std::size_t pending_ = 0;
  bool quit_ = false;
};

namespace {

std::vector<double> metricValues(const std::vector<SearchMetric>& metrics, const Evaluation& evaluation) {
  std::vector<double> key;
  key.reserve(metrics.size());
  for (SearchMetric metric : metrics) key.push_back(metricValue(metric, evaluation));
  return key;
}

std::vector<Evaluator> makeEvaluators(const ConstrainedMapSpace& space, const EnergyTable& energy,
                                      std::size_t count) {
  std::vector<Evaluator> evaluators;
  evaluators.reserve(count);
  for (std::size_t t = 0; t < count; ++t) evaluators.emplace_back(space.arch(), space.workload(), energy);
  return evaluators;
}

}  // namespace

SearchDriver::SearchDriver(const ConstrainedMapSpace& space, const EnergyTable& energy,
                           SearchSettings settings)
    : space_(&space), energy_(&energy), settings_(std::move(settings)) {}

SearchOutcome SearchDriver::run(const std::vector<SearchStrategy*>& strategies) const {
  const auto start = std::chrono::steady_clock::now();
  Pool pool(static_cast<int>(strategies.size()));
  SearchOutcome outcome = settings_.schedule == SearchSchedule::InSequence
                              ? runInSequence(strategies, pool)
                              : runIndependently(strategies, pool);
  for (SearchEnd end : outcome.ends)
    outcome.result.interrupted = outcome.result.interrupted || end == SearchEnd::Interrupted;
  outcome.result.time_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return outcome;
}

std::optional<SearchEnd> SearchDriver::ended(const Track& track) const {
  const SearchLimits& limits = settings_.limits;
  if (limits.valid > 0 && track.valid >= limits.valid) return SearchEnd::Valid;
  if (limits.victory > 0 && track.since_best >= limits.victory) return SearchEnd::Victory;
  if (limits.invalid_run > 0 && track.invalid_run >= limits.invalid_run) return SearchEnd::InvalidRun;
  if (track.evaluations >= limits.evaluations) return SearchEnd::Evaluations;
  if (track.samples >= limits.samples) return SearchEnd::Samples;
  if (settings_.stop != nullptr && settings_.stop->load(std::memory_order_relaxed))
    return SearchEnd::Interrupted;
  return std::nullopt;
}

void SearchDriver::record(Track& track, SearchStrategy& strategy, Proposal proposal, const Mapping& mapping,
                          const Evaluation& evaluation) const {
  ++track.samples;
  if (proposal == Proposal::ConstructionFailure) {
    ++track.invalid_run;
    strategy.report(SearchStatus::MappingConstructionFailure, Evaluation{});
    return;
  }
  ++track.evaluations;
  if (settings_.observer) settings_.observer(mapping, evaluation);
  if (!evaluation.valid) {
    ++track.invalid_run;
    strategy.report(SearchStatus::EvalFailure, evaluation);
    return;
  }
  ++track.valid;
  track.invalid_run = 0;
  bool improves = !track.found;
  std::vector<double> key;
  if (settings_.ranking == Ranking::Exact) {
    // Ordinals grow along a strategy's proposals, so strict improvement keeps the earliest of equals.
    key = metricValues(settings_.metrics, evaluation);
    improves = improves || key < track.key;
  } else {
    improves = improves || betterThan(evaluation, track.evaluation, settings_.metrics);
  }
  if (improves) {
    track.found = true;
    track.mapping = mapping;
    track.evaluation = evaluation;
    track.key = std::move(key);
    track.ordinal = strategy.ordinal();
    track.since_best = 0;
  } else {
    ++track.since_best;
  }
  strategy.report(SearchStatus::Success, evaluation);
}

// Threads are merged in thread order: FirstBetter keeps the lower thread of near-equals, Exact the
// lower ordinal of equals.
void SearchDriver::merge(const Track& track, MapperResult& result, Ordinal& best_ordinal) const {
  result.samples += track.samples;
  result.evaluations += track.evaluations;
  result.valid += track.valid;
  if (!track.found) return;
  bool better = !result.found;
  if (!better && settings_.ranking == Ranking::Exact) {
    const std::vector<double> best = metricValues(settings_.metrics, result.evaluation);
    better = track.key < best || (track.key == best && track.ordinal < best_ordinal);
  } else if (!better) {
    better = betterThan(track.evaluation, result.evaluation, settings_.metrics);
  }
  if (!better) return;
  result.found = true;
  result.mapping = track.mapping;
  result.evaluation = track.evaluation;
  best_ordinal = track.ordinal;
}

SearchOutcome SearchDriver::runIndependently(const std::vector<SearchStrategy*>& strategies,
                                             Pool& pool) const {
  const std::size_t threads = strategies.size();
  std::vector<Evaluator> evaluators = makeEvaluators(*space_, *energy_, threads);
  std::vector<Track> tracks(threads);
  SearchOutcome outcome;
  outcome.ends.assign(threads, SearchEnd::Exhausted);
  pool.run([&](int thread) {
    const auto t = static_cast<std::size_t>(thread);
    SearchStrategy& strategy = *strategies[t];
    Mapping mapping;
    Evaluation evaluation;
    while (true) {
      if (const std::optional<SearchEnd> end = ended(tracks[t])) {
        outcome.ends[t] = *end;
        return;
      }
      const Proposal proposal = strategy.next(mapping);
      if (proposal == Proposal::Exhausted) return;
      if (proposal == Proposal::Ready) evaluators[t].evaluate(mapping, evaluation);
      record(tracks[t], strategy, proposal, mapping, evaluation);
    }
  });
  Ordinal best_ordinal;
  for (const Track& track : tracks) merge(track, outcome.result, best_ordinal);
  return outcome;
}

SearchOutcome SearchDriver::runInSequence(const std::vector<SearchStrategy*>& strategies, Pool& pool) const {
  const std::size_t threads = strategies.size();
  std::vector<Evaluator> evaluators = makeEvaluators(*space_, *energy_, threads);
  // Small batches with one thread (no wasted work); larger ones keep the threads busy.
  const std::int64_t batch = threads == 1 ? 1 : 64 * static_cast<std::int64_t>(threads);
  struct Pending {
    Proposal proposal = Proposal::Exhausted;
    Mapping mapping;
    Evaluation evaluation;
  };
  std::vector<Pending> pending(static_cast<std::size_t>(batch));
  Track sequence;
  SearchOutcome outcome;
  outcome.ends.assign(1, SearchEnd::Exhausted);
  while (true) {
    if (const std::optional<SearchEnd> end = ended(sequence)) {
      outcome.ends[0] = *end;
      break;
    }
    const auto count = static_cast<std::size_t>(std::min(batch, settings_.limits.samples - sequence.samples));
    pool.run([&](int thread) {
      const auto t = static_cast<std::size_t>(thread);
      for (std::size_t i = t; i < count; i += threads) {
        Pending& p = pending[i];
        p.proposal = strategies[t]->next(p.mapping);
        if (p.proposal == Proposal::Ready) evaluators[t].evaluate(p.mapping, p.evaluation);
        if (p.proposal == Proposal::Exhausted) return;
      }
    });
    // Recorded in sequence order; proposals past the end of the search are discarded.
    bool exhausted = false;
    for (std::size_t i = 0; i < count && !ended(sequence); ++i) {
      const Pending& p = pending[i];
      exhausted = p.proposal == Proposal::Exhausted;
      if (exhausted) break;
      record(sequence, *strategies[i % threads], p.proposal, p.mapping, p.evaluation);
    }
    if (exhausted) break;
  }
  Ordinal unused;
  merge(sequence, outcome.result, unused);
  return outcome;
}

}  // namespace cosa
