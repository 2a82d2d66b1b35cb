#pragma once
// The factor space: what the search mappers choose, built once from the ConstrainedMapSpace, and the
// operations each of them needs on it. The random and hybrid samplers draw from it, the exhaustive
// mapper enumerates it, local search moves through it; the CoSA MIP reads the ConstrainedMapSpace.
//
// It holds, for one (architecture, workload, constraints):
//  - the slots of every dimension: per level a temporal slot and, where the level fans out, a
//    spatial one (innermost level first, temporal before spatial). A slot whose factor the
//    constraints fix takes no free prime (isOpen); its fixed factor is part of every mapping made here;
//  - the prime factors left to distribute: per dimension and prime of its bound, the exponent the
//    constraints pin in each slot and the exponent still free (primeItems);
//  - the axis rules of mesh levels: which dimensions a fixed spatial permutation and split put on X
//    or on Y, the fan-out of each axis, the X/Y arrangements that fit;
//  - the loop orders the constraints fix, and the keep/bypass choices they leave open.
//
// Operations, by mapper:
//  - draw (random, hybrid): a random tiling with its spatial orders and X/Y split (sampleTiling, two
//    samplers), random temporal orders (sampleOrders);
//  - enumerate (exhaustive): every split of a prime's exponent over the slots (splits, placeSplit,
//    removeSplit), the X/Y arrangements of a level's spatial loops (spatialArrangements), the keep
//    patterns (unplaced);
//  - move (local search): a prime from one slot to another (PrimeMove), a loop brought innermost, a
//    keep toggled, each refused where the constraints fix what it would change.
// Capacity is left to the Evaluator (and to the exhaustive mapper's pruning).
//
// Imperfect factors (Timeloop 019f107's `M16,8`: a loop of 16 whose last iteration covers 8) are not
// implemented; this is where they would go. A slot's factor would then be a (factor, residual) pair
// rather than a product of the dimension's primes: PrimeItem would give way to a per-dimension split
// of (factor, residual) per slot (the dimension's bound met by the residual product), which splits(),
// sampleTiling() and PrimeMove would produce instead of prime exponents, and scaleFactor() would
// write the residual next to the factor. The mappers above would not change.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "arch/architecture.hpp"
#include "mappers/constrained_mapspace.hpp"
#include "mappers/rng.hpp"
#include "mapping/constraints.hpp"
#include "mapping/mapping.hpp"
#include "workload/workload.hpp"

namespace cosa {

// How tilings are drawn. FanoutValid (the default): each prime factor goes to a slot with room,
// so no tiling exceeds a fan-out. Timeloop: as Timeloop's mapspace draws them, each dimension's
// factorization over all slots uniformly at random (independent uniform compositions of each prime's
// exponent), fan-out ignored: most such tilings break a fan-out and the model rejects them. For
// reproducing the paper's Timeloop baseline faithfully.
enum class TilingSampler { FanoutValid, Timeloop };

// Where a factor of a dimension sits: a level's temporal loop or its spatial fan-out.
struct Slot {
  int level = 0;
  bool spatial = false;
  bool operator==(const Slot&) const = default;
};

// One prime of one dimension's bound and how its exponent is shared among the slots.
struct PrimeItem {
  int dim = 0;
  std::int64_t prime = 0;
  std::vector<int> pinned;      // [slot]: exponent a fixed factor puts there (0 in open slots)
  std::vector<int> open_slots;  // the slots (indices into slots()) that take the free exponent
  int free = 0;                 // the exponent left once the fixed factors are placed
};

// A level's spatial loops on its mesh: the order (innermost first) and the split (the first `split`
// loops on X, the rest on Y; -1: all on X).
struct SpatialArrangement {
  std::vector<int> order;
  int split = -1;
};

// Local search's basic move: one copy of `prime` of dimension `dim` from slot `from` to slot `to`.
struct PrimeMove {
  int dim = 0;
  std::int64_t prime = 0;
  Slot from, to;
};

class FactorSpace {
 public:
  // Copies what it needs; `space`'s architecture and workload must outlive this object.
  explicit FactorSpace(const ConstrainedMapSpace& space);
  // Throws std::invalid_argument for malformed constraints (see ConstrainedMapSpace).
  FactorSpace(const Architecture& arch, const Workload& workload, const Constraints& constraints);

  const ConstrainedMapSpace& constrained() const { return constrained_; }
  int numLevels() const { return num_levels_; }
  int numDims() const { return num_dims_; }
  int numDataSpaces() const { return num_ds_; }

  // ---- Slots and primes.
  const std::vector<Slot>& slots() const { return slots_; }
  // The slot takes free primes of `dim` (the constraints do not fix its factor).
  bool isOpen(Slot slot, int dim) const {
    return (slot.spatial ? spatial_open_ : temporal_open_)[at(slot.level, dim)];
  }
  // Every prime of every dimension's bound, dimensions ascending, then primes ascending.
  const std::vector<PrimeItem>& primeItems() const { return items_; }
  // The distinct primes of `dim`'s bound, ascending.
  const std::vector<std::int64_t>& primesOf(int dim) const { return primes_of_[dim]; }
  static std::int64_t& factorAt(Mapping& mapping, Slot slot, int dim);
  static std::int64_t factorAt(const Mapping& mapping, Slot slot, int dim);
  // Multiplies the factor of `dim` at `slot` by prime^exponent (a negative exponent divides): the one
  // place where the operations below change factors.
  static void scaleFactor(Mapping& mapping, Slot slot, int dim, std::int64_t prime, int exponent);

  // ---- Drawing (random, hybrid).
  // Empty when the constraints can be met, else why not: the constrained mapspace's reason, or fixed
  // spatial factors that do not fit the X/Y axes their permutation puts them on. Sampling an
  // unsatisfiable space always fails.
  const std::string& error() const { return error_; }
  // A random tiling: factors, spatial orders and X/Y split, keep pattern (an open keep is kept).
  // Temporal orders are left canonical (fixed permutation innermost, then ascending dimensions). False
  // when some prime factor found no slot with room (only when fixed factors fill every slot).
  bool sampleTiling(Rng& rng, Mapping& out, TilingSampler sampler = TilingSampler::FanoutValid) const;
  // Random temporal loop orders for every level (a fixed permutation stays innermost, in order).
  void sampleOrders(Rng& rng, Mapping& out) const;
  // Both: one random mapping.
  bool sample(Rng& rng, Mapping& out) const;
  // The user's fixed temporal permutation at `level` (innermost first; may be partial or empty).
  const std::vector<int>& fixedPermutation(int level) const { return fixed_order_[level]; }

  // ---- Enumeration (exhaustive).
  // Every split of `item`'s exponent over the slots: its pinned exponents plus each composition of
  // the free exponent over the open slots, the first open slot taking the most first.
  std::vector<std::vector<int>> splits(const PrimeItem& item) const;
  void placeSplit(Mapping& mapping, const PrimeItem& item, const std::vector<int>& split) const;
  void removeSplit(Mapping& mapping, const PrimeItem& item, const std::vector<int>& split) const;
  // The (level, data space) pairs whose keep is open; keep pattern bit i bypasses the i-th.
  const std::vector<std::pair<int, int>>& openKeeps() const { return open_keeps_; }
  // A mapping with every factor 1 and natural orders that keeps what `keep_pattern` keeps.
  Mapping unplaced(std::uint64_t keep_pattern) const;
  // The X/Y arrangements of `level`'s spatial loops (factors in `lm`) that fit its mesh and the
  // constraints. Loops of factor 1 go last. With `collapse`, one order per X/Y assignment of the
  // loops with factor > 1 (the model reads only the X and Y products); without, every order and split.
  std::vector<SpatialArrangement> spatialArrangements(int level, const LevelMapping& lm, bool collapse) const;

  // ---- Moves (local search).
  // The prime divides the factor at `from`, the slots differ and the constraints fix neither.
  bool allows(const Mapping& mapping, const PrimeMove& move) const;
  void apply(Mapping& mapping, const PrimeMove& move) const;
  bool keepOpen(int level, int ds) const { return !constrained_.keepFixed(level, ds); }
  void toggleKeep(Mapping& mapping, int level, int ds) const;
  // Polishing leaves a level's temporal order alone when the constraints fix its temporal or its
  // spatial permutation (the scheduler's results are tuned with that reading).
  bool orderFrozen(int level) const { return order_frozen_[level]; }
  // Moves the loop at `position` of `level`'s temporal order to the innermost place.
  static void bringInnermost(Mapping& mapping, int level, std::size_t position);

 private:
  enum Axis : signed char { kFree = -1, kX = 0, kY = 1 };
  // One free prime factor to place (sampling), with multiplicity.
  struct Prime {
    int dim;
    std::int64_t prime;
  };

  std::size_t at(int level, int dim) const {
    return static_cast<std::size_t>(level) * static_cast<std::size_t>(num_dims_) +
           static_cast<std::size_t>(dim);
  }
  void buildSlotsAndPrimes();
  void buildSamplingBase();
  void placeFixedSpatialAxes(int level);
  std::string placeFixedSpatialFactors(int level);
  bool fitsMesh(int level, const LevelMapping& lm, const SpatialArrangement& arrangement) const;
  void placeUniformly(Rng& rng, Mapping& out, std::vector<signed char>& axis,
                      std::vector<std::int64_t>& used_x, std::vector<std::int64_t>& used_y) const;
  void setSpatialOrders(Mapping& out, const std::vector<signed char>& axis) const;

  ConstrainedMapSpace constrained_;
  int num_levels_ = 0, num_dims_ = 0, num_ds_ = 0;
  std::vector<Slot> slots_;
  std::vector<char> temporal_open_, spatial_open_;  // [level * dims + dim]
  std::vector<PrimeItem> items_;
  std::vector<std::vector<std::int64_t>> primes_of_;  // [dim]
  std::vector<Prime> primes_;                         // the free primes, with multiplicity
  std::vector<std::pair<int, int>> open_keeps_;
  std::vector<std::int64_t> fanout_, fanout_x_, fanout_y_;  // [level]
  std::vector<std::vector<int>> fixed_order_;               // [level]: fixed temporal permutation
  std::vector<std::vector<int>> fixed_spatial_order_;       // [level]: fixed spatial permutation
  std::vector<int> fixed_split_;                            // [level]: fixed spatial split, -1 = none
  std::vector<bool> order_frozen_;                          // [level]
  // The user's spatial order (unlisted dimensions after it) and split; the split is searched when
  // only the order is fixed.
  std::vector<std::optional<SpatialArrangement>> fixed_arrangement_;  // [level]
  std::vector<bool> fixed_arrangement_split_free_;                    // [level]
  // Sampling's starting point: fixed factors placed, keeps, canonical orders; and the axes the fixed
  // spatial factors take.
  std::string error_;
  Mapping base_;
  std::vector<signed char> forced_axis_;                 // [level * dims + dim]: from a fixed split
  std::vector<signed char> base_axis_;                   // [level * dims + dim]: axis of fixed factors
  std::vector<std::int64_t> base_used_x_, base_used_y_;  // [level]: fan-out used by fixed factors
};

}  // namespace cosa
