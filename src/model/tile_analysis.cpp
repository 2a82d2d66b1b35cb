#include "model/tile_analysis.hpp"

#include <cstdlib>

namespace cosa {

std::int64_t subtractedDelta(std::span<const std::int64_t> extents, std::span<const std::int64_t> translation,
                             std::int64_t tile_size) {
  int moved_axis = -1;
  int moved_count = 0;
  for (std::size_t a = 0; a < extents.size(); ++a) {
    const std::int64_t shift = std::llabs(translation[a]);
    if (shift == 0) continue;
    if (shift >= extents[a]) return tile_size;  // disjoint along this axis: nothing in common
    moved_axis = static_cast<int>(a);
    ++moved_count;
  }
  if (moved_count == 0) return 0;         // same tile
  if (moved_count > 1) return tile_size;  // not a hyper-rectangle: Timeloop keeps the whole tile
  return tile_size / extents[moved_axis] * std::llabs(translation[moved_axis]);
}

std::int64_t FillWalk::fills(std::int64_t tile_size, std::span<const TemporalStep> steps) {
  start(tile_size);
  for (const TemporalStep& step : steps)
    add(step.trips, step.translation == steps.front().translation, step.subtracted_delta);
  return total();
}

}  // namespace cosa
