#include "mapping/mapping.hpp"

#include <numeric>

namespace cosa {

Mapping trivialMapping(int num_levels, int num_dims, int num_data_spaces) {
  LevelMapping level;
  level.temporal.assign(num_dims, 1);
  level.spatial.assign(num_dims, 1);
  level.temporal_order.resize(num_dims);
  std::iota(level.temporal_order.begin(), level.temporal_order.end(), 0);
  level.spatial_order = level.temporal_order;
  level.keep.assign(num_data_spaces, true);
  return Mapping{std::vector<LevelMapping>(num_levels, level)};
}

}  // namespace cosa
