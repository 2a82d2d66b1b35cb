#pragma once
// The mapspace the search baselines (random, hybrid) sample: every dimension's prime factors split
// over (level, temporal|spatial) slots, loop orders per level, and the keep pattern of the
// constraints (all read from the ConstrainedMapSpace; an open keep is kept). Unlike Timeloop's mapspace, a
// tiling drawn here never exceeds a level's fan-out or its X/Y mesh: Timeloop's random tilings almost all
// fail on fan-out (NOTES.md), which wastes the budget. Capacity is left to the Evaluator.

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "arch/architecture.hpp"
#include "mappers/constrained_mapspace.hpp"
#include "mapping/constraints.hpp"
#include "mapping/mapping.hpp"
#include "workload/workload.hpp"

namespace cosa {

// Portable random helpers: std::uniform_int_distribution differs between standard libraries, while
// std::mt19937_64's output is fixed by the standard, so a seed gives the same search everywhere.
using Rng = std::mt19937_64;
// Uniform in [0, n), n >= 1 (rejection sampling, no modulo bias).
std::uint64_t uniformBelow(Rng& rng, std::uint64_t n);
// A generator for stream `index` of `seed` (independent streams for threads or samples).
Rng makeRng(std::uint64_t seed, std::uint64_t index);

// How tilings are drawn. FanoutValid (the default): each prime factor goes to a slot with room,
// so no tiling exceeds a fan-out. Timeloop: as Timeloop's mapspace draws them, each dimension's
// factorization over all slots uniformly at random (independent uniform compositions of each prime's
// exponent), fan-out ignored: most such tilings break a fan-out and the model rejects them. For
// reproducing the paper's Timeloop baseline faithfully.
enum class TilingSampler { FanoutValid, Timeloop };

class MapSpace {
 public:
  explicit MapSpace(const ConstrainedMapSpace& space);
  // Throws std::invalid_argument for malformed constraints (see ConstrainedMapSpace).
  MapSpace(const Architecture& arch, const Workload& workload, const Constraints& constraints);

  // Empty when the constraints can be met, else why not: the constrained mapspace's reason, or fixed
  // spatial factors that do not fit the X/Y axes their permutation puts them on. Sampling an
  // unsatisfiable mapspace always fails.
  const std::string& error() const { return error_; }

  // A random tiling: factors, spatial orders and X/Y split, keep pattern. Temporal orders are left
  // canonical (fixed permutation innermost, then ascending dimensions). False when some prime factor
  // found no slot with room (rare: only when fixed factors fill every slot of a dimension).
  bool sampleTiling(Rng& rng, Mapping& out, TilingSampler sampler = TilingSampler::FanoutValid) const;
  // Random temporal loop orders for every level (a fixed permutation stays innermost, in order).
  void sampleOrders(Rng& rng, Mapping& out) const;
  // Both: one random mapping.
  bool sample(Rng& rng, Mapping& out) const;

  // The user's fixed permutation at `level` (innermost first; may be partial or empty).
  const std::vector<int>& fixedPermutation(int level) const { return fixed_order_[level]; }

  int numLevels() const { return num_levels_; }
  int numDims() const { return num_dims_; }

 private:
  enum Axis : signed char { kFree = -1, kX = 0, kY = 1 };
  // A prime factor of a dimension still to be placed (after the fixed factors).
  struct Prime {
    int dim;
    std::int64_t prime;
  };

  void placeFixedParts(const ConstrainedMapSpace& space);
  // Places level l's fixed spatial factors on their axes (forced_axis_, else X while it fits);
  // returns " along X"/" along Y" when they exceed that axis's fan-out, else empty.
  std::string placeFixedSpatialFactors(int l);
  void placeUniformly(Rng& rng, Mapping& out, std::vector<signed char>& axis,
                      std::vector<std::int64_t>& used_x, std::vector<std::int64_t>& used_y) const;
  void setSpatialOrders(Mapping& out, const std::vector<signed char>& axis) const;

  int num_levels_ = 0;
  int num_dims_ = 0;
  int num_ds_ = 0;
  std::string error_;
  std::vector<std::int64_t> fanout_x_, fanout_y_;  // [level]
  // The starting point of every sample: fixed factors placed, keep pattern, fixed orders.
  Mapping base_;
  std::vector<char> temporal_open_, spatial_open_;  // [level * dims + dim]: slot takes free primes
  std::vector<signed char> forced_axis_;            // [level * dims + dim]: from a fixed split
  std::vector<signed char> base_axis_;              // [level * dims + dim]: axis of fixed spatial factors
  std::vector<std::int64_t> base_used_x_, base_used_y_;  // [level]: fan-out used by fixed factors
  std::vector<Prime> primes_;                            // the prime factors left to distribute
  std::vector<std::vector<int>> fixed_order_;            // [level]: fixed temporal permutation
  std::vector<std::vector<int>> fixed_spatial_order_;    // [level]: fixed spatial permutation
  std::vector<int> fixed_split_;                         // [level]: fixed spatial split, -1 = none
};

}  // namespace cosa
