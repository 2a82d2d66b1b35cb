#include "mapping/mapping.hpp"

#include <numeric>
#include <utility>

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

bool LevelMapping::hasResiduals() const {
  // A residual vector of the wrong size counts as residuals (the evaluator then rejects it).
  return (!temporal_residual.empty() && temporal_residual != temporal) ||
         (!spatial_residual.empty() && spatial_residual != spatial);
}

void LevelMapping::normalizeResiduals() {
  if (temporal_residual == temporal) temporal_residual.clear();
  if (spatial_residual == spatial) spatial_residual.clear();
}

bool Mapping::hasResiduals() const {
  for (const LevelMapping& level : levels)
    if (level.hasResiduals()) return true;
  return false;
}

std::int64_t Mapping::residualProduct(int dim, bool* overflow) const {
  std::int64_t prod = 0;
  bool over = false;
  for (auto level = levels.rbegin(); level != levels.rend(); ++level) {
    for (const auto& [factor, residual] : {std::pair{level->temporal[dim], level->temporalResidual(dim)},
                                           std::pair{level->spatial[dim], level->spatialResidual(dim)}}) {
      over = over || __builtin_mul_overflow(prod, factor, &prod) ||
             __builtin_add_overflow(prod, residual - 1, &prod);
    }
  }
  over = over || __builtin_add_overflow(prod, 1, &prod);
  if (overflow) *overflow = over;
  return prod;
}

}  // namespace cosa
