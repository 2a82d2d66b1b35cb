#include "mappers/hybrid_mapper.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <string>
#include <thread>

#include "mappers/mapspace.hpp"
#include "model/evaluator.hpp"

namespace cosa {

namespace {

enum class EndReason { SearchSize, Victory, Timeout, MaxEvaluations, Interrupted };
constexpr int kNumReasons = 5;

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
  void reset(const MapSpace& space, const Mapping& tiling) {
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

struct ThreadOutcome {
  bool found = false;
  Mapping mapping;
  Evaluation evaluation;
  std::int64_t samples = 0, evaluations = 0, valid = 0;
  EndReason reason = EndReason::MaxEvaluations;
};

std::int64_t perThread(std::int64_t total, int threads) { return total > 0 ? 1 + (total - 1) / threads : 0; }

void searchThread(const MapSpace& space, Evaluator& evaluator, const HybridMapperOptions& options, int thread,
                  int threads, ThreadOutcome& out) {
  Rng rng = makeRng(options.seed, static_cast<std::uint64_t>(thread));
  const std::int64_t search_size = perThread(options.search_size, threads);
  const std::int64_t max_evaluations = perThread(options.max_evaluations, threads);
  std::int64_t since_best = 0;   // valid mappings since the last improvement
  std::int64_t invalid_run = 0;  // invalid mappings since the last valid one
  Mapping tiling, mapping;
  Evaluation evaluation;
  PermutationWalk walk;
  bool have_tiling = false;
  while (true) {
    // Timeloop's termination checks, in its order, before each mapping.
    if (search_size > 0 && out.valid == search_size) {
      out.reason = EndReason::SearchSize;
      return;
    }
    if (options.victory_condition > 0 && since_best == options.victory_condition) {
      out.reason = EndReason::Victory;
      return;
    }
    if (options.timeout > 0 && invalid_run == options.timeout) {
      out.reason = EndReason::Timeout;
      return;
    }
    if (out.evaluations >= max_evaluations) {
      out.reason = EndReason::MaxEvaluations;
      return;
    }
    if (options.stop != nullptr && options.stop->load(std::memory_order_relaxed)) {
      out.reason = EndReason::Interrupted;
      return;
    }
    if (!have_tiling) {
      if (!space.sampleTiling(rng, tiling, options.sampler)) {
        // No mapping could be built from this draw: Timeloop's mapping construction failure.
        ++out.samples;
        ++invalid_run;
        continue;
      }
      walk.reset(space, tiling);
      have_tiling = true;
    }
    mapping = tiling;
    walk.apply(mapping);
    ++out.samples;
    ++out.evaluations;
    evaluator.evaluate(mapping, evaluation);
    if (options.observer) options.observer(mapping, evaluation);
    if (!evaluation.valid) {
      // Capacity does not depend on the loop order: every order of this tiling fails too.
      ++invalid_run;
      have_tiling = false;
      continue;
    }
    ++out.valid;
    invalid_run = 0;
    if (!out.found || betterThan(evaluation, out.evaluation, options.metrics)) {
      out.found = true;
      out.mapping = mapping;
      out.evaluation = evaluation;
      since_best = 0;
    } else {
      ++since_best;
    }
    if (!walk.advance()) have_tiling = false;
  }
}

}  // namespace

SearchResult hybridMapper(const Architecture& arch, const Workload& workload, const Constraints& constraints,
                          const EnergyTable& energy, const HybridMapperOptions& options) {
  return hybridMapper(ConstrainedMapSpace(arch, workload, constraints), energy, options);
}

SearchResult hybridMapper(const ConstrainedMapSpace& constrained, const EnergyTable& energy,
                          const HybridMapperOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  const Architecture& arch = constrained.arch();
  const Workload& workload = constrained.workload();
  SearchResult result;
  const MapSpace space(constrained);
  if (!space.error().empty()) {
    result.message = "no mapping satisfies the constraints: " + space.error();
    return result;
  }
  const int threads = std::max(1, options.threads);
  std::vector<ThreadOutcome> outcomes(static_cast<std::size_t>(threads));
  std::vector<Evaluator> evaluators;
  evaluators.reserve(static_cast<std::size_t>(threads));
  for (int t = 0; t < threads; ++t) evaluators.emplace_back(arch, workload, energy);
  if (threads == 1) {
    searchThread(space, evaluators[0], options, 0, 1, outcomes[0]);
  } else {
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t)
      pool.emplace_back([&, t] {
        searchThread(space, evaluators[static_cast<std::size_t>(t)], options, t, threads,
                     outcomes[static_cast<std::size_t>(t)]);
      });
    for (std::thread& thread : pool) thread.join();
  }

  std::array<int, kNumReasons> ended{};
  for (const ThreadOutcome& o : outcomes) {
    result.samples += o.samples;
    result.evaluations += o.evaluations;
    result.valid += o.valid;
    ++ended[static_cast<std::size_t>(o.reason)];
    if (o.found && (!result.found || betterThan(o.evaluation, result.evaluation, options.metrics))) {
      result.found = true;
      result.mapping = o.mapping;
      result.evaluation = o.evaluation;
    }
  }
  result.message = "threads ended by: search-size " + std::to_string(ended[0]) + ", victory-condition " +
                   std::to_string(ended[1]) + ", timeout " + std::to_string(ended[2]) + ", max-evaluations " +
                   std::to_string(ended[3]);
  if (ended[4] > 0) {
    result.interrupted = true;
    result.message += ", interrupted " + std::to_string(ended[4]);
  }
  if (!result.found) result.message = "no valid mapping found; " + result.message;
  result.time_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
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
