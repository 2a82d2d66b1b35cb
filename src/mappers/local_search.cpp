#include "mappers/local_search.hpp"

#include <algorithm>

#include "mappers/factorization.hpp"

namespace cosa {

namespace {

// Where a factor sits: level and temporal/spatial.
struct Slot {
  int level;
  bool spatial;
};

std::int64_t& factorAt(Mapping& m, Slot slot, int dim) {
  return slot.spatial ? m.levels[slot.level].spatial[dim] : m.levels[slot.level].temporal[dim];
}

}  // namespace

LocalSearchResult polishMapping(Evaluator& evaluator, const Mapping& start, const MappingScore& score,
                                std::int64_t max_evaluations, const FrozenParts& frozen) {
  auto isFrozen = [&](Slot slot, int dim) {
    const auto& table = slot.spatial ? frozen.spatial : frozen.temporal;
    return !table.empty() && table[slot.level][dim];
  };
  LocalSearchResult result{start, evaluator.evaluate(start), 1, 0};
  if (!result.evaluation.valid) return result;
  double best = score(result.evaluation);
  const int levels = static_cast<int>(start.levels.size());
  const int dims = evaluator.workload().numDims();
  std::vector<Slot> slots;
  for (int l = 0; l < levels; ++l) {
    slots.push_back({l, false});
    if (evaluator.arch().fanout(l) > 1) slots.push_back({l, true});
  }
  std::vector<std::vector<std::int64_t>> primes(dims);
  for (int d = 0; d < dims; ++d)
    for (const PrimePower& pp : primeFactors(evaluator.workload().bounds[d])) primes[d].push_back(pp.prime);

  Evaluation candidate_eval;
  auto tryCandidate = [&](const Mapping& candidate) {
    ++result.evaluations;
    evaluator.evaluate(candidate, candidate_eval);
    if (!candidate_eval.valid) return false;
    const double s = score(candidate_eval);
    if (s >= best * (1 - 1e-12)) return false;
    best = s;
    result.mapping = candidate;
    result.evaluation = candidate_eval;
    ++result.improvements;
    return true;
  };

  bool improved = true;
  while (improved && result.evaluations < max_evaluations) {
    improved = false;
    // Move one prime factor between slots (adjacent levels, or temporal <-> spatial).
    for (int d = 0; d < dims && result.evaluations < max_evaluations; ++d) {
      for (std::int64_t p : primes[d]) {
        for (const Slot& from : slots) {
          if (factorAt(result.mapping, from, d) % p != 0 || isFrozen(from, d)) continue;
          for (const Slot& to : slots) {
            if ((from.level == to.level && from.spatial == to.spatial) || isFrozen(to, d)) continue;
            Mapping candidate = result.mapping;
            factorAt(candidate, from, d) /= p;
            factorAt(candidate, to, d) *= p;
            if (tryCandidate(candidate)) improved = true;
            if (result.evaluations >= max_evaluations) break;
          }
        }
      }
    }
    // Keep or bypass one data space at one level, where that is open.
    for (int l = 0; l < levels && !frozen.keep.empty() && result.evaluations < max_evaluations; ++l) {
      for (std::size_t ds = 0; ds < frozen.keep[l].size(); ++ds) {
        if (frozen.keep[l][ds]) continue;
        Mapping candidate = result.mapping;
        candidate.levels[l].keep[ds] = !candidate.levels[l].keep[ds];
        if (tryCandidate(candidate)) improved = true;
      }
    }
    // Bring one loop innermost at one level.
    for (int l = 0; l < levels && result.evaluations < max_evaluations; ++l) {
      if (!frozen.permutation.empty() && frozen.permutation[l]) continue;
      for (int pos = 1; pos < dims; ++pos) {
        const int dim = result.mapping.levels[l].temporal_order[pos];
        if (result.mapping.levels[l].temporal[dim] == 1) continue;
        Mapping candidate = result.mapping;
        auto& order = candidate.levels[l].temporal_order;
        order.erase(order.begin() + pos);
        order.insert(order.begin(), dim);
        if (tryCandidate(candidate)) improved = true;
      }
    }
  }
  return result;
}

}  // namespace cosa
