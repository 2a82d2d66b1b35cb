#pragma once
// A mapping assigns, at every storage level, temporal and spatial loop factors to each dimension,
// a loop order, and which data spaces the level keeps. Factors are per dimension; orders list
// dimension indices innermost first (Timeloop's permutation convention).

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

  bool operator==(const LevelMapping&) const = default;
};

struct Mapping {
  std::vector<LevelMapping> levels;  // innermost first, one per storage level

  bool operator==(const Mapping&) const = default;
};

// A mapping with every factor 1, natural loop orders, and every level keeping everything.
Mapping trivialMapping(int num_levels, int num_dims, int num_data_spaces);

}  // namespace cosa
