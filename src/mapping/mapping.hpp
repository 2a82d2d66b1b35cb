#pragma once
// A mapping assigns, at every storage level, temporal and spatial loop factors to each dimension,
// a loop order, and which data spaces the level keeps. Factors are per dimension; orders list
// dimension indices innermost first (Timeloop's permutation convention).
//
// A loop may be imperfect (Timeloop's residual factor `M16,8`): its bound is the factor, and its
// last iteration (in mixed-radix order over the dimension's loops) covers only `residual` of it.
// Per dimension, from the outermost level in (temporal before spatial within a level),
// prod = prod * factor + residual - 1 starting from 0; prod + 1 is the dimension's bound. A perfect
// loop has residual = factor; residual vectors left empty mean exactly that, so every perfect
// mapping reads, compares and evaluates as it always did.

#include <cstdint>
#include <string>
#include <vector>

namespace cosa {

struct LevelMapping {
  std::vector<std::int64_t> temporal;  // factor per dimension
  std::vector<int> temporal_order;     // dimension indices, innermost first (every dimension once)
  std::vector<std::int64_t> spatial;   // factor per dimension: fan-out from this level to its children
  std::vector<int> spatial_order;      // dimension indices, innermost first (every dimension once)
  int spatial_split = -1;              // the first `spatial_split` dims of spatial_order go to X,
                                       // the rest to Y; -1 = all on X
  std::vector<bool> keep;              // per data space
  // Residual per dimension, 1 <= residual <= factor; empty = every residual equals its factor
  // (see normalizeResiduals).
  std::vector<std::int64_t> temporal_residual;
  std::vector<std::int64_t> spatial_residual;

  std::int64_t temporalResidual(int d) const {
    return temporal_residual.empty() ? temporal[d] : temporal_residual[d];
  }
  std::int64_t spatialResidual(int d) const {
    return spatial_residual.empty() ? spatial[d] : spatial_residual[d];
  }
  bool hasResiduals() const;  // some residual differs from its factor
  // Clears a residual vector whose every residual equals its factor (the canonical form).
  void normalizeResiduals();

  bool operator==(const LevelMapping&) const = default;
};

struct Mapping {
  std::vector<LevelMapping> levels;  // innermost first, one per storage level

  bool hasResiduals() const;
  // Per dimension, Timeloop's residual product (prod * factor + residual - 1 from the outermost
  // loop in, plus 1): what must equal the bound. The plain product for a perfect mapping. Sets
  // *overflow (when given) if it does not fit in 64 bits.
  std::int64_t residualProduct(int dim, bool* overflow = nullptr) const;

  bool operator==(const Mapping&) const = default;
};

// A mapping with every factor 1, natural loop orders, and every level keeping everything.
Mapping trivialMapping(int num_levels, int num_dims, int num_data_spaces);

}  // namespace cosa
