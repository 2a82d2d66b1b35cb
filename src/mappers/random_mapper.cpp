#include "mappers/random_mapper.hpp"

#include <algorithm>
#include <string>

#include "mappers/factor_space.hpp"

namespace cosa {

namespace {

// Proposes samples thread, thread + threads, thread + 2 threads, ... of the sequence. Sample i is one
// random mapping drawn from the stream (seed, i), so the sequence does not depend on the thread count.
class RandomStrategy : public SearchStrategy {
 public:
  RandomStrategy(const FactorSpace& space, std::uint64_t seed, int thread, int threads)
      : space_(&space),
        seed_(seed),
        index_(static_cast<std::uint64_t>(thread)),
        stride_(static_cast<std::uint64_t>(threads)) {}

  Proposal next(Mapping& mapping) override {
    Rng rng = makeRng(seed_, index_);
    index_ += stride_;
    return space_->sample(rng, mapping) ? Proposal::Ready : Proposal::ConstructionFailure;
  }
  // Every draw is independent of what came before.
  void report(SearchStatus, const Evaluation&) override {}

 private:
  const FactorSpace* space_;
  std::uint64_t seed_, index_, stride_;
};

std::string validOfSamples(const SearchResult& result) {
  return std::to_string(result.valid) + " valid of " + std::to_string(result.samples) + " samples";
}

}  // namespace

SearchResult randomMapper(const Architecture& arch, const Workload& workload, const Constraints& constraints,
                          const EnergyTable& energy, const RandomMapperOptions& options) {
  return randomMapper(ConstrainedMapSpace(arch, workload, constraints), energy, options);
}

SearchResult randomMapper(const ConstrainedMapSpace& constrained, const EnergyTable& energy,
                          const RandomMapperOptions& options) {
  const FactorSpace space(constrained);
  if (!space.error().empty()) {
    SearchResult result;
    result.message = "no mapping satisfies the constraints: " + space.error();
    return result;
  }
  const int threads = std::max(1, options.threads);
  std::vector<RandomStrategy> strategies;
  for (int t = 0; t < threads; ++t) strategies.emplace_back(space, options.seed, t, threads);
  SearchSettings settings;
  settings.metrics = options.metrics;
  settings.schedule = SearchSchedule::InSequence;
  settings.limits.valid = options.valid_target;
  settings.limits.samples = options.max_samples;
  settings.stop = options.stop;
  settings.observer = options.observer;
  SearchOutcome outcome = SearchDriver(constrained, energy, settings).run(strategyPointers(strategies));
  SearchResult& result = outcome.result;
  switch (outcome.ends.front()) {
    case SearchEnd::Valid:
      result.message = "valid target reached: " + std::to_string(result.valid) + " valid mappings";
      break;
    case SearchEnd::Interrupted:
      result.message = "interrupted: " + validOfSamples(result);
      break;
    default:
      result.message = "max samples reached: " + validOfSamples(result);
  }
  return result;
}

MapperResult RandomSearchMapper::run(const ConstrainedMapSpace& space, const EnergyTable& energy,
                                     const RunContext& context) const {
  RandomMapperOptions options = options_;
  options.seed = context.seed;
  if (context.threads > 0) options.threads = context.threads;
  if (context.on_evaluation) options.observer = context.on_evaluation;
  return runWithinBudget(context, [&](const std::atomic<bool>* stop) {
    options.stop = stop;
    return named(name(), randomMapper(space, energy, options));
  });
}

}  // namespace cosa
