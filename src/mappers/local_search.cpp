#include "mappers/local_search.hpp"

#include <algorithm>

#include "mappers/factorization.hpp"
#include "mappers/mapspace.hpp"

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
    // Exchange two prime factors between two slots (keeps both slots' products within a factor of
    // the two primes: the move that trades e.g. a spatial M2 for a spatial Q2 on a full array).
    // Only once single moves have converged: it costs a quadratic number of evaluations.
    if (!improved)
      for (std::size_t a = 0; a < slots.size() && !improved && result.evaluations < max_evaluations; ++a)
        for (std::size_t b = a + 1; b < slots.size() && !improved && result.evaluations < max_evaluations;
             ++b)
          for (int d = 0; d < dims && !improved; ++d) {
            if (isFrozen(slots[a], d) || isFrozen(slots[b], d)) continue;
            for (std::int64_t p : primes[d]) {
              if (factorAt(result.mapping, slots[a], d) % p != 0) continue;
              for (int e = 0; e < dims && !improved; ++e) {
                if (e == d || isFrozen(slots[a], e) || isFrozen(slots[b], e)) continue;
                for (std::int64_t q : primes[e]) {
                  if (factorAt(result.mapping, slots[b], e) % q != 0) continue;
                  Mapping candidate = result.mapping;
                  factorAt(candidate, slots[a], d) /= p;
                  factorAt(candidate, slots[b], d) *= p;
                  factorAt(candidate, slots[b], e) /= q;
                  factorAt(candidate, slots[a], e) *= q;
                  if (tryCandidate(candidate)) {
                    improved = true;
                    break;
                  }
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

LocalSearchResult refineMapping(Evaluator& evaluator, const Mapping& start, const MappingScore& score,
                                std::int64_t max_evaluations, const FrozenParts& frozen, std::uint64_t seed) {
  // Each kick's polish gets a small share of the budget, so many kicks fit.
  const std::int64_t polish_budget = std::max<std::int64_t>(500, max_evaluations / 16);
  LocalSearchResult best = polishMapping(evaluator, start, score, polish_budget, frozen);
  std::int64_t spent = best.evaluations;
  if (!best.evaluation.valid) return best;
  double best_score = score(best.evaluation);
  const int levels = static_cast<int>(start.levels.size());
  const int dims = evaluator.workload().numDims();
  auto isFrozen = [](const std::vector<std::vector<bool>>& table, int l, int i) {
    return !table.empty() && table[l][i];
  };
  std::vector<Slot> slots;
  for (int l = 0; l < levels; ++l) {
    slots.push_back({l, false});
    if (evaluator.arch().fanout(l) > 1) slots.push_back({l, true});
  }
  Rng rng = makeRng(seed, 0x5eed);
  Evaluation scratch;
  for (std::uint64_t kick = 0; spent < max_evaluations; ++kick) {
    Mapping candidate = best.mapping;
    const int moves = 2 + static_cast<int>(uniformBelow(rng, 3));
    for (int m = 0; m < moves; ++m) {
      const std::uint64_t kind = uniformBelow(rng, 10);
      if (kind < 7) {  // a prime factor of a random dimension to a random slot
        const int d = static_cast<int>(uniformBelow(rng, static_cast<std::uint64_t>(dims)));
        const Slot from = slots[uniformBelow(rng, slots.size())];
        const Slot to = slots[uniformBelow(rng, slots.size())];
        std::int64_t& f = factorAt(candidate, from, d);
        if (f == 1 || isFrozen(from.spatial ? frozen.spatial : frozen.temporal, from.level, d) ||
            isFrozen(to.spatial ? frozen.spatial : frozen.temporal, to.level, d))
          continue;
        std::int64_t p = 2;
        while (f % p != 0) ++p;
        f /= p;
        factorAt(candidate, to, d) *= p;
      } else if (kind < 8 && !frozen.keep.empty()) {  // keep or bypass
        const int l = static_cast<int>(uniformBelow(rng, static_cast<std::uint64_t>(levels)));
        const int ds = static_cast<int>(uniformBelow(rng, frozen.keep[l].size()));
        if (!frozen.keep[l][ds]) candidate.levels[l].keep[ds] = !candidate.levels[l].keep[ds];
      } else {  // a random loop innermost at a random level
        const int l = static_cast<int>(uniformBelow(rng, static_cast<std::uint64_t>(levels)));
        if (!frozen.permutation.empty() && frozen.permutation[l]) continue;
        auto& order = candidate.levels[l].temporal_order;
        const std::size_t pos = uniformBelow(rng, order.size());
        const int dim = order[pos];
        order.erase(order.begin() + static_cast<std::ptrdiff_t>(pos));
        order.insert(order.begin(), dim);
      }
    }
    ++spent;
    evaluator.evaluate(candidate, scratch);
    if (!scratch.valid) continue;
    LocalSearchResult polished =
        polishMapping(evaluator, candidate, score, std::min(polish_budget, max_evaluations - spent), frozen);
    spent += polished.evaluations;
    const double s = score(polished.evaluation);
    if (polished.evaluation.valid && s < best_score * (1 - 1e-12)) {
      best_score = s;
      best.mapping = std::move(polished.mapping);
      best.evaluation = std::move(polished.evaluation);
      ++best.improvements;
    }
  }
  best.evaluations = spent;
  return best;
}

}  // namespace cosa
