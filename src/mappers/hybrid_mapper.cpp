#include "mappers/hybrid_mapper.hpp"

#include <algorithm>
#include <string>

#include "mappers/factor_space.hpp"

namespace cosa {

namespace {

// Beyond 20 loops k! overflows 64 bits; no real workload has that many dimensions.
constexpr std::size_t kMaxPermutable = 20;

std::uint64_t factorial(std::size_t k) {
  std::uint64_t f = 1;
  for (std::size_t i = 2; i <= k; ++i) f *= i;
  return f;
}

// The index-th permutation of `items` in lexicographic order (Timeloop's factoradic decoding).
void permutationAt(std::vector<int> items, std::uint64_t index, std::vector<int>& out) {
  while (!items.empty()) {
    const std::uint64_t block = factorial(items.size() - 1);
    const auto pick = static_cast<std::size_t>(index / block);
    index %= block;
    out.push_back(items[pick]);
    items.erase(items.begin() + static_cast<std::ptrdiff_t>(pick));
  }
}

// One tiling's pruned loop-order space, walked as a mixed-radix counter.
class PermutationWalk {
 public:
  void reset(const FactorSpace& space, const Mapping& tiling) {
    const int levels = space.numLevels();
    baked_.assign(levels, {});
    free_.assign(levels, {});
    radix_.assign(levels, 1);
    digit_.assign(levels, 0);
    for (int l = 0; l < levels; ++l) {
      const std::vector<int>& fixed = space.fixedPermutation(l);
      baked_[l] = fixed;
      std::vector<int> unit;
      for (int d = 0; d < space.numDims(); ++d) {
        if (std::find(fixed.begin(), fixed.end(), d) != fixed.end()) continue;
        // Loops of one trip cannot change anything wherever they sit: bake them in.
        if (tiling.levels[l].temporal[d] == 1 || free_[l].size() == kMaxPermutable)
          unit.push_back(d);
        else
          free_[l].push_back(d);
      }
      baked_[l].insert(baked_[l].end(), unit.begin(), unit.end());
      radix_[l] = factorial(free_[l].size());
    }
  }

  void apply(Mapping& mapping) const {
    for (std::size_t l = 0; l < baked_.size(); ++l) {
      std::vector<int>& order = mapping.levels[l].temporal_order;
      order = baked_[l];
      permutationAt(free_[l], digit_[l], order);
    }
  }

  // False when every order of this tiling has been visited.
  bool advance() {
    for (std::size_t l = 0; l < digit_.size(); ++l) {
      if (++digit_[l] < radix_[l]) return true;
      digit_[l] = 0;
    }
    return false;
  }

 private:
  std::vector<std::vector<int>> baked_, free_;  // [level]
  std::vector<std::uint64_t> radix_, digit_;    // [level]
};

// One thread's search: a random tiling, then its pruned loop orders one by one, until the walk ends
// or a mapping fails; then the next tiling.
class HybridStrategy : public SearchStrategy {
 public:
  HybridStrategy(const FactorSpace& space, TilingSampler sampler, std::uint64_t seed, int thread)
      : space_(&space), sampler_(sampler), rng_(makeRng(seed, static_cast<std::uint64_t>(thread))) {}

  Proposal next(Mapping& mapping) override {
    if (!have_tiling_) {
      // No mapping could be built from this draw: Timeloop's mapping construction failure.
      if (!space_->sampleTiling(rng_, tiling_, sampler_)) return Proposal::ConstructionFailure;
      walk_.reset(*space_, tiling_);
      have_tiling_ = true;
    }
    mapping = tiling_;
    walk_.apply(mapping);
    return Proposal::Ready;
  }

  void report(SearchStatus status, const Evaluation&) override {
    // Capacity does not depend on the loop order: every order of a rejected tiling fails too.
    if (status == SearchStatus::EvalFailure || (status == SearchStatus::Success && !walk_.advance()))
      have_tiling_ = false;
  }

 private:
  const FactorSpace* space_;
  TilingSampler sampler_;
  Rng rng_;
  Mapping tiling_;
  PermutationWalk walk_;
  bool have_tiling_ = false;
};

std::int64_t perThread(std::int64_t total, int threads) { return total > 0 ? 1 + (total - 1) / threads : 0; }

std::string endsMessage(const std::vector<SearchEnd>& ends) {
  auto count = [&](SearchEnd end) { return std::to_string(std::count(ends.begin(), ends.end(), end)); };
  std::string message = "threads ended by: search-size " + count(SearchEnd::Valid) + ", victory-condition " +
                        count(SearchEnd::Victory) + ", timeout " + count(SearchEnd::InvalidRun) +
                        ", max-evaluations " + count(SearchEnd::Evaluations);
  if (std::count(ends.begin(), ends.end(), SearchEnd::Interrupted) > 0)
    message += ", interrupted " + count(SearchEnd::Interrupted);
  return message;
}

}  // namespace

SearchResult hybridMapper(const Architecture& arch, const Workload& workload, const Constraints& constraints,
                          const EnergyTable& energy, const HybridMapperOptions& options) {
  return hybridMapper(ConstrainedMapSpace(arch, workload, constraints), energy, options);
}

SearchResult hybridMapper(const ConstrainedMapSpace& constrained, const EnergyTable& energy,
                          const HybridMapperOptions& options) {
  const FactorSpace space(constrained);
  if (!space.error().empty()) {
    SearchResult result;
    result.message = "no mapping satisfies the constraints: " + space.error();
    return result;
  }
  const int threads = std::max(1, options.threads);
  std::vector<HybridStrategy> strategies;
  for (int t = 0; t < threads; ++t) strategies.emplace_back(space, options.sampler, options.seed, t);
  SearchSettings settings;
  settings.metrics = options.metrics;
  // Timeloop's termination conditions, per thread; search size and the evaluation cap are split.
  settings.limits.valid = perThread(options.search_size, threads);
  settings.limits.victory = options.victory_condition;
  settings.limits.invalid_run = options.timeout;
  settings.limits.evaluations = perThread(options.max_evaluations, threads);
  settings.stop = options.stop;
  settings.observer = options.observer;
  SearchOutcome outcome = SearchDriver(constrained, energy, settings).run(strategyPointers(strategies));
  SearchResult& result = outcome.result;
  result.message = endsMessage(outcome.ends);
  if (!result.found) result.message = "no valid mapping found; " + result.message;
  return result;
}

MapperResult HybridSearchMapper::run(const ConstrainedMapSpace& space, const EnergyTable& energy,
                                     const RunContext& context) const {
  HybridMapperOptions options = options_;
  options.seed = context.seed;
  if (context.threads > 0) options.threads = context.threads;
  if (context.on_evaluation) options.observer = context.on_evaluation;
  return runWithinBudget(context, [&](const std::atomic<bool>* stop) {
    if (stop != nullptr) options.stop = stop;
    return named(name(), hybridMapper(space, energy, options));
  });
}

}  // namespace cosa
