#pragma once
// Deterministic generator of realistic, valid mappings for the cost-model benchmarks.
//
// Every mapping starts as "everything temporal at the outermost level" (always valid: the
// outermost level is unbounded) and then moves each prime factor of each dimension, in random
// order, inward to a randomly chosen level (temporal, or spatial where the level fans out). A move
// is kept only if the mapping stays valid, so inner levels fill up until their tiles no longer
// fit and the remaining factors stay outside: the tiles end up biased outward as real mappings
// are. Loop orders are random permutations; the keep pattern is given per level.
//
// Benchmark-only: it uses the Evaluator as its validity oracle and makes no attempt at covering
// the map space uniformly.

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "mapping/mapping.hpp"
#include "model/evaluator.hpp"

namespace cosa::bench {

// keep[level] = names of the data spaces the level keeps (innermost level first).
using KeepPattern = std::vector<std::vector<std::string>>;

inline std::vector<std::int64_t> primeFactors(std::int64_t n) {
  std::vector<std::int64_t> primes;
  for (std::int64_t p = 2; p * p <= n; ++p)
    while (n % p == 0) {
      primes.push_back(p);
      n /= p;
    }
  if (n > 1) primes.push_back(n);
  return primes;
}

class MappingGenerator {
 public:
  MappingGenerator(Evaluator& evaluator, const KeepPattern& keep, std::uint64_t seed)
      : evaluator_(evaluator), rng_(seed) {
    const Architecture& arch = evaluator.arch();
    const Workload& workload = evaluator.workload();
    if (static_cast<int>(keep.size()) != arch.numLevels())
      throw std::invalid_argument("keep pattern does not match the architecture's levels");
    base_ = trivialMapping(arch.numLevels(), workload.numDims(), workload.numDataSpaces());
    for (int l = 0; l < arch.numLevels(); ++l) {
      base_.levels[l].keep.assign(workload.numDataSpaces(), false);
      for (const std::string& name : keep[l]) {
        const int ds = workload.dataSpaceIndex(name);
        if (ds < 0) throw std::invalid_argument("unknown data space " + name);
        base_.levels[l].keep[ds] = true;
      }
      if (arch.fanout(l) > 1) spatial_levels_.push_back(l);
    }
    for (int d = 0; d < workload.numDims(); ++d)
      for (std::int64_t p : primeFactors(workload.bounds[d])) primes_.push_back({d, p});
  }

  // A valid mapping (at worst the all-outermost one, which is always valid).
  Mapping next() {
    const int outer = static_cast<int>(base_.levels.size()) - 1;
    Mapping m = base_;
    for (int d = 0; d < static_cast<int>(m.levels[outer].temporal.size()); ++d)
      m.levels[outer].temporal[d] = evaluator_.workload().bounds[d];
    for (LevelMapping& level : m.levels) {
      std::shuffle(level.temporal_order.begin(), level.temporal_order.end(), rng_);
      std::shuffle(level.spatial_order.begin(), level.spatial_order.end(), rng_);
    }
    std::shuffle(primes_.begin(), primes_.end(), rng_);
    for (const auto& [dim, prime] : primes_) {
      // A few factors stay outermost on purpose; the rest try a spatial slot first when drawn,
      // then temporal slots from a random level outward, keeping the first move that fits.
      const double draw = coin_(rng_);
      if (draw < 0.1) continue;
      if (draw < 0.45 && !spatial_levels_.empty() &&
          tryMove(m, dim, prime, spatial_levels_[pick(spatial_levels_.size())], true))
        continue;
      for (int level = static_cast<int>(pick(outer)); level < outer; ++level)
        if (tryMove(m, dim, prime, level, false)) break;
    }
    return m;
  }

  // A near miss, as a random mapper sees them: a valid mapping with outermost factors moved
  // inward, unchecked, until it breaks (a capacity or fan-out limit). May be valid if no move
  // breaks it; callers filter.
  Mapping nextInvalid() {
    const int outer = static_cast<int>(base_.levels.size()) - 1;
    Mapping m = next();
    for (int attempt = 0; attempt < 32 && evaluator_.checkValidity(m).empty(); ++attempt) {
      const Prime& p = primes_[pick(primes_.size())];
      if (m.levels[outer].temporal[p.dim] % p.value != 0) continue;
      const bool spatial = coin_(rng_) < 0.3 && !spatial_levels_.empty();
      const int level =
          spatial ? spatial_levels_[pick(spatial_levels_.size())] : static_cast<int>(pick(outer));
      m.levels[outer].temporal[p.dim] /= p.value;
      (spatial ? m.levels[level].spatial[p.dim] : m.levels[level].temporal[p.dim]) *= p.value;
    }
    return m;
  }

 private:
  struct Prime {
    int dim;
    std::int64_t value;
  };
  // Moves `prime` of `dim` from the outermost level's temporal factor to `level`; undone unless
  // the mapping stays valid.
  bool tryMove(Mapping& m, int dim, std::int64_t prime, int level, bool spatial) {
    std::int64_t& outermost = m.levels.back().temporal[dim];
    std::int64_t& factor = spatial ? m.levels[level].spatial[dim] : m.levels[level].temporal[dim];
    outermost /= prime;
    factor *= prime;
    if (evaluator_.checkValidity(m).empty()) return true;
    factor /= prime;
    outermost *= prime;
    return false;
  }
  std::size_t pick(std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_); }

  Evaluator& evaluator_;
  std::mt19937_64 rng_;
  std::uniform_real_distribution<double> coin_{0.0, 1.0};
  Mapping base_;
  std::vector<int> spatial_levels_;
  std::vector<Prime> primes_;
};

}  // namespace cosa::bench
