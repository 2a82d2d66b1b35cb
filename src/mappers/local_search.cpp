#include "mappers/local_search.hpp"

#include <algorithm>

namespace cosa {

namespace {

std::int64_t smallestPrime(std::int64_t factor) {
  std::int64_t p = 2;
  while (factor % p != 0) ++p;
  return p;
}

// Polishing's state: the best mapping so far and the evaluations spent.
class Polish {
 public:
  Polish(Evaluator& evaluator, const Mapping& start, const MappingScore& score, std::int64_t max_evaluations,
         const FactorSpace& space)
      : evaluator_(evaluator),
        score_(score),
        max_evaluations_(max_evaluations),
        space_(space),
        result_{start, evaluator.evaluate(start), 1, 0} {}

  LocalSearchResult run() {
    if (!result_.evaluation.valid) return result_;
    best_ = score_(result_.evaluation);
    bool improved = true;
    while (improved && !spent()) {
      improved = movePrimes();
      // Exchanges cost a quadratic number of evaluations: only once single moves have converged.
      if (!improved) improved = exchangePrimes();
      improved = toggleKeeps() || improved;
      improved = bringLoopsInnermost() || improved;
    }
    return result_;
  }

 private:
  bool spent() const { return result_.evaluations >= max_evaluations_; }

  bool tryCandidate(const Mapping& candidate) {
    ++result_.evaluations;
    evaluator_.evaluate(candidate, candidate_evaluation_);
    if (!candidate_evaluation_.valid) return false;
    const double s = score_(candidate_evaluation_);
    if (s >= best_ * (1 - 1e-12)) return false;
    best_ = s;
    result_.mapping = candidate;
    result_.evaluation = candidate_evaluation_;
    ++result_.improvements;
    return true;
  }

  // Move one prime factor between slots (adjacent levels, or temporal <-> spatial). The source is read
  // once per slot: after an improvement the later targets still move from the mapping as it was read
  // (a candidate that no longer divides is rejected by the model), as polishing has always done.
  bool movePrimes() {
    bool improved = false;
    const std::vector<Slot>& slots = space_.slots();
    for (int d = 0; d < space_.numDims() && !spent(); ++d)
      for (std::int64_t p : space_.primesOf(d))
        for (const Slot& from : slots) {
          if (FactorSpace::factorAt(result_.mapping, from, d) % p != 0 || !space_.isOpen(from, d)) continue;
          for (const Slot& to : slots) {
            if (from == to || !space_.isOpen(to, d)) continue;
            Mapping candidate = result_.mapping;
            space_.apply(candidate, PrimeMove{d, p, from, to});
            if (tryCandidate(candidate)) improved = true;
            if (spent()) break;
          }
        }
    return improved;
  }

  // Exchange two prime factors between two slots (keeps both slots' products within a factor of the
  // two primes: the move that trades e.g. a spatial M2 for a spatial Q2 on a full array). Stops at the
  // first improvement.
  bool exchangePrimes() {
    const std::vector<Slot>& slots = space_.slots();
    const int dims = space_.numDims();
    for (std::size_t a = 0; a < slots.size() && !spent(); ++a)
      for (std::size_t b = a + 1; b < slots.size() && !spent(); ++b)
        for (int d = 0; d < dims; ++d) {
          if (!space_.isOpen(slots[a], d) || !space_.isOpen(slots[b], d)) continue;
          for (std::int64_t p : space_.primesOf(d)) {
            if (FactorSpace::factorAt(result_.mapping, slots[a], d) % p != 0) continue;
            for (int e = 0; e < dims; ++e) {
              if (e == d || !space_.isOpen(slots[a], e) || !space_.isOpen(slots[b], e)) continue;
              for (std::int64_t q : space_.primesOf(e)) {
                if (FactorSpace::factorAt(result_.mapping, slots[b], e) % q != 0) continue;
                Mapping candidate = result_.mapping;
                space_.apply(candidate, PrimeMove{d, p, slots[a], slots[b]});
                space_.apply(candidate, PrimeMove{e, q, slots[b], slots[a]});
                if (tryCandidate(candidate)) return true;
              }
            }
          }
        }
    return false;
  }

  // Keep or bypass one data space at one level, where that is open.
  bool toggleKeeps() {
    bool improved = false;
    for (int l = 0; l < space_.numLevels() && !spent(); ++l)
      for (int ds = 0; ds < space_.numDataSpaces(); ++ds) {
        if (!space_.keepOpen(l, ds)) continue;
        Mapping candidate = result_.mapping;
        space_.toggleKeep(candidate, l, ds);
        if (tryCandidate(candidate)) improved = true;
      }
    return improved;
  }

  // Bring one loop innermost at one level.
  bool bringLoopsInnermost() {
    bool improved = false;
    for (int l = 0; l < space_.numLevels() && !spent(); ++l) {
      if (space_.orderFrozen(l)) continue;
      for (int pos = 1; pos < space_.numDims(); ++pos) {
        const LevelMapping& lm = result_.mapping.levels[l];
        if (lm.temporal[lm.temporal_order[pos]] == 1) continue;
        Mapping candidate = result_.mapping;
        FactorSpace::bringInnermost(candidate, l, static_cast<std::size_t>(pos));
        if (tryCandidate(candidate)) improved = true;
      }
    }
    return improved;
  }

  Evaluator& evaluator_;
  const MappingScore& score_;
  const std::int64_t max_evaluations_;
  const FactorSpace& space_;
  LocalSearchResult result_;
  double best_ = 0;
  Evaluation candidate_evaluation_;
};

// A kick: 2-4 random moves (a prime of a random dimension to a random slot, 7 in 10; a keep toggle,
// 1 in 10; a random loop innermost at a random level, 2 in 10). Moves the constraints forbid are
// skipped.
void kick(Rng& rng, const FactorSpace& space, Mapping& candidate) {
  const auto levels = static_cast<std::uint64_t>(space.numLevels());
  const std::vector<Slot>& slots = space.slots();
  const int moves = 2 + static_cast<int>(uniformBelow(rng, 3));
  for (int m = 0; m < moves; ++m) {
    const std::uint64_t kind = uniformBelow(rng, 10);
    if (kind < 7) {
      const int d = static_cast<int>(uniformBelow(rng, static_cast<std::uint64_t>(space.numDims())));
      const Slot from = slots[uniformBelow(rng, slots.size())];
      const Slot to = slots[uniformBelow(rng, slots.size())];
      const std::int64_t f = FactorSpace::factorAt(candidate, from, d);
      if (f == 1) continue;
      const PrimeMove move{d, smallestPrime(f), from, to};
      if (space.allows(candidate, move)) space.apply(candidate, move);
    } else if (kind < 8) {
      const int l = static_cast<int>(uniformBelow(rng, levels));
      const int ds = static_cast<int>(uniformBelow(rng, static_cast<std::uint64_t>(space.numDataSpaces())));
      space.toggleKeep(candidate, l, ds);
    } else {
      const int l = static_cast<int>(uniformBelow(rng, levels));
      if (space.orderFrozen(l)) continue;
      FactorSpace::bringInnermost(candidate, l, uniformBelow(rng, candidate.levels[l].temporal_order.size()));
    }
  }
}

}  // namespace

LocalSearchResult polishMapping(Evaluator& evaluator, const Mapping& start, const MappingScore& score,
                                std::int64_t max_evaluations, const FactorSpace& space) {
  return Polish(evaluator, start, score, max_evaluations, space).run();
}

LocalSearchResult refineMapping(Evaluator& evaluator, const Mapping& start, const MappingScore& score,
                                std::int64_t max_evaluations, const FactorSpace& space, std::uint64_t seed) {
  // Each kick's polish gets a small share of the budget, so many kicks fit.
  const std::int64_t polish_budget = std::max<std::int64_t>(500, max_evaluations / 16);
  LocalSearchResult best = polishMapping(evaluator, start, score, polish_budget, space);
  std::int64_t spent = best.evaluations;
  if (!best.evaluation.valid) return best;
  double best_score = score(best.evaluation);
  Rng rng = makeRng(seed, 0x5eed);
  Evaluation scratch;
  while (spent < max_evaluations) {
    Mapping candidate = best.mapping;
    kick(rng, space, candidate);
    ++spent;
    evaluator.evaluate(candidate, scratch);
    if (!scratch.valid) continue;
    LocalSearchResult polished =
        polishMapping(evaluator, candidate, score, std::min(polish_budget, max_evaluations - spent), space);
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
