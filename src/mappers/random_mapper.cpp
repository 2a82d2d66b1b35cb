#include "mappers/random_mapper.hpp"

#include <algorithm>
#include <chrono>
#include <memory>
#include <thread>

#include "mappers/mapspace.hpp"
#include "model/evaluator.hpp"

namespace cosa {

namespace {

// One sample of a batch.
struct Slot {
  bool drawn = false;  // the tiling draw succeeded (then it was evaluated)
  Mapping mapping;
  Evaluation evaluation;
};

}  // namespace

SearchResult randomMapper(const Architecture& arch, const Workload& workload, const Constraints& constraints,
                          const EnergyTable& energy, const RandomMapperOptions& options) {
  return randomMapper(ConstrainedMapSpace(arch, workload, constraints), energy, options);
}

SearchResult randomMapper(const ConstrainedMapSpace& constrained, const EnergyTable& energy,
                          const RandomMapperOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  const Architecture& arch = constrained.arch();
  const Workload& workload = constrained.workload();
  SearchResult result;
  const MapSpace space(constrained);
  auto finish = [&](std::string message) {
    result.message = std::move(message);
    result.time_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return result;
  };
  if (!space.error().empty()) return finish("no mapping satisfies the constraints: " + space.error());

  const int threads = std::max(1, options.threads);
  std::vector<std::unique_ptr<Evaluator>> evaluators;
  for (int t = 0; t < threads; ++t) evaluators.push_back(std::make_unique<Evaluator>(arch, workload, energy));
  // Small batches with one thread (no wasted work); larger ones amortise starting the threads.
  const std::int64_t batch = threads == 1 ? 1 : 64 * threads;
  std::vector<Slot> slots(static_cast<std::size_t>(batch));

  auto work = [&](int t, std::int64_t first, std::int64_t count) {
    for (std::int64_t i = t; i < count; i += threads) {
      Slot& slot = slots[static_cast<std::size_t>(i)];
      Rng rng = makeRng(options.seed, static_cast<std::uint64_t>(first + i));
      slot.drawn = space.sample(rng, slot.mapping);
      if (slot.drawn) evaluators[static_cast<std::size_t>(t)]->evaluate(slot.mapping, slot.evaluation);
    }
  };

  std::int64_t next = 0;
  while (next < options.max_samples) {
    if (options.stop != nullptr && options.stop->load(std::memory_order_relaxed)) {
      result.interrupted = true;
      return finish("interrupted: " + std::to_string(result.valid) + " valid of " +
                    std::to_string(result.samples) + " samples");
    }
    const std::int64_t count = std::min(batch, options.max_samples - next);
    if (threads == 1) {
      work(0, next, count);
    } else {
      std::vector<std::thread> pool;
      for (int t = 0; t < threads; ++t) pool.emplace_back(work, t, next, count);
      for (std::thread& thread : pool) thread.join();
    }
    // Merge in sample order: the first strictly better valid mapping wins.
    for (std::int64_t i = 0; i < count; ++i) {
      const Slot& slot = slots[static_cast<std::size_t>(i)];
      ++result.samples;
      if (!slot.drawn) continue;
      ++result.evaluations;
      if (options.observer) options.observer(slot.mapping, slot.evaluation);
      if (!slot.evaluation.valid) continue;
      ++result.valid;
      if (!result.found || betterThan(slot.evaluation, result.evaluation, options.metrics)) {
        result.found = true;
        result.mapping = slot.mapping;
        result.evaluation = slot.evaluation;
      }
      if (result.valid >= options.valid_target)
        return finish("valid target reached: " + std::to_string(result.valid) + " valid mappings");
    }
    next += count;
  }
  return finish("max samples reached: " + std::to_string(result.valid) + " valid of " +
                std::to_string(result.samples) + " samples");
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
