#pragma once
// The constrained mapspace: what the user's Constraints mean for one (Architecture, Workload), decided
// once, in one place. Every mapper reads it instead of re-reading the Constraints: the search mappers
// and local search through the factor space built on it (FactorSpace), the CoSA MIP (CosaFormulation)
// and the scheduler's repair (frozenParts).
//
// It holds, per level: each data space's keep as fixed keep, fixed bypass or open (the mapper
// decides; the outermost level always keeps everything); the fixed temporal and spatial factors; the
// fixed temporal permutation (innermost first) and spatial permutation and split; the fan-out along X
// and Y; and the capacity rule (Architecture::capacityWords, through fits()). It also says why no
// mapping can satisfy the constraints, when that is visible without a search (infeasibility()).
//
// Fixed factors that do not divide their dimension: the constraints reader drops them with a warning,
// as Timeloop 019f107 does (io/timeloop/constraints_yaml.cpp), so what reaches here from a file divides;
// Constraints built in code may still hold one, and then the mapspace is infeasible and says why.
//
// Constraints that name things that do not exist (a level, a dimension or data space out of range) or
// that bypass a data space at the outermost level (the backing store, where every data space lives)
// are malformed input, not an empty mapspace: the constructor throws std::invalid_argument, the same
// error whichever mapper is asked.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "arch/architecture.hpp"
#include "mapping/constraints.hpp"
#include "workload/workload.hpp"

namespace cosa {

enum class KeepChoice { Open, Keep, Bypass };

// What polishing and repair must leave as the constraints fixed it.
struct FrozenParts {
  std::vector<bool> permutation;            // [level]: loop order fixed
  std::vector<std::vector<bool>> temporal;  // [level][dim]: factor fixed
  std::vector<std::vector<bool>> spatial;   // [level][dim]: factor fixed
  std::vector<std::vector<bool>> keep;      // [level][data space]: keep/bypass fixed (empty: all fixed)
};

// One fixed factor, in the order the constraints list them (the MIP adds its rows in this order).
struct FixedFactor {
  int level = 0;
  bool spatial = false;
  int dim = 0;
  std::int64_t factor = 1;
};

class ConstrainedMapSpace {
 public:
  // Keeps references to `arch` and `workload`: they must outlive this object.
  ConstrainedMapSpace(const Architecture& arch, const Workload& workload, const Constraints& constraints);

  const Architecture& arch() const { return *arch_; }
  const Workload& workload() const { return *workload_; }
  int numLevels() const { return num_levels_; }
  int numDims() const { return num_dims_; }
  int numDataSpaces() const { return num_ds_; }

  // Data placement.
  KeepChoice keepChoice(int level, int ds) const { return keep_[at(level, ds, num_ds_)]; }
  bool keepFixed(int level, int ds) const { return keepChoice(level, ds) != KeepChoice::Open; }
  // The keep of a fixed choice; an open one reads as kept (where mappers that do not search data
  // placement put it).
  bool keepsByDefault(int level, int ds) const { return keepChoice(level, ds) != KeepChoice::Bypass; }
  // Every (level, data space) whose keep is open, level by level.
  std::vector<std::pair<int, int>> openKeeps() const;

  // Factors: nullopt where the constraints leave the factor free.
  std::optional<std::int64_t> fixedTemporal(int level, int dim) const {
    return temporal_[at(level, dim, num_dims_)];
  }
  std::optional<std::int64_t> fixedSpatial(int level, int dim) const {
    return spatial_[at(level, dim, num_dims_)];
  }
  const std::vector<FixedFactor>& fixedFactors() const { return fixed_factors_; }

  // Loop orders: the fixed temporal permutation of a level (innermost first; may list a subset or
  // be empty), the fixed spatial permutation and the X/Y split (nullopt: free).
  const std::vector<int>& fixedPermutation(int level) const { return temporal_order_[level]; }
  const std::vector<int>& fixedSpatialPermutation(int level) const { return spatial_order_[level]; }
  std::optional<int> fixedSplit(int level) const { return split_[level]; }
  // The mesh axis a dimension's spatial loop at `level` must take, from a fixed spatial permutation
  // with a split (Timeloop's rule): the listed dimensions before the split are on X, those after it
  // on Y, and when the split falls within the list every unlisted dimension is on Y too. Without a
  // split Timeloop chooses one, so the axes are free but ordered: along the permutation (then the
  // unlisted dimensions) every X loop comes before every Y loop.
  enum class Axis { Free, X, Y };
  Axis forcedAxis(int level, int dim) const;

  // Fan-out from a level to its children: in total, along X and along Y (the whole fan-out is on X
  // without a mesh).
  std::int64_t fanout(int level) const { return fanout_[level]; }
  std::int64_t fanoutX(int level) const { return fanout_x_[level]; }
  std::int64_t fanoutY(int level) const { return fanout_y_[level]; }

  // The capacity rule: words of one instance of `level` (nullopt: unbounded), and whether tiles using
  // `words` in total (the kept data spaces' tiles) fit there.
  std::optional<std::int64_t> capacityWords(int level) const { return capacity_[level]; }
  bool fits(int level, std::int64_t words) const { return !capacity_[level] || words <= *capacity_[level]; }

  // Why no mapping satisfies the constraints (empty when that is not visible before searching): a
  // fixed factor that does not divide its dimension, fixed factors that fill every slot of a
  // dimension without making its bound, a spatial factor fixed where there is no fan-out, fixed
  // spatial factors beyond a fan-out. The first reason found; reasons() has them all.
  std::string infeasibility() const { return reasons_.empty() ? std::string() : reasons_.front(); }
  const std::vector<std::string>& reasons() const { return reasons_; }

  // What repairing a schedule must leave as the constraints fixed it.
  FrozenParts frozenParts() const;

 private:
  static std::size_t at(int level, int index, int width) {
    return static_cast<std::size_t>(level) * static_cast<std::size_t>(width) +
           static_cast<std::size_t>(index);
  }
  void readConstraints(const Constraints& constraints);
  void checkFeasibility();

  const Architecture* arch_;
  const Workload* workload_;
  int num_levels_ = 0, num_dims_ = 0, num_ds_ = 0;
  std::vector<KeepChoice> keep_;                                 // [level * data spaces + ds]
  std::vector<std::optional<std::int64_t>> temporal_, spatial_;  // [level * dims + dim]
  std::vector<FixedFactor> fixed_factors_;
  std::vector<std::vector<int>> temporal_order_, spatial_order_;  // [level]
  std::vector<std::optional<int>> split_;                         // [level]
  std::vector<std::int64_t> fanout_, fanout_x_, fanout_y_;        // [level]
  std::vector<std::optional<std::int64_t>> capacity_;             // [level]
  std::vector<std::string> reasons_;
};

}  // namespace cosa
