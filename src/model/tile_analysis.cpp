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

void FillWalk::add(std::int64_t trips, bool same_as_innermost, std::int64_t subtracted_delta) {
  const std::int64_t later = trips - 1;  // iterations after the first, all like the second
  if (steps_++ == 0) {
    // The innermost loop alone: it subtracts unless another direction is remembered on entry.
    block_[kCompatible] = {later * subtracted_delta, true};
    block_[kOther] = {later * tile_size_, false};
    return;
  }
  const Block inner[2] = {block_[kCompatible], block_[kOther]};
  for (int entry : {kCompatible, kOther}) {
    const Block& first = inner[entry];  // this loop's first iteration
    // Advancing this loop subtracts if no direction is remembered or it is the same one.
    const bool subtracts = !first.leaves_innermost || same_as_innermost;
    const std::int64_t delta = subtracts ? subtracted_delta : tile_size_;
    // Then the inner block runs again, entered with this loop's direction (or none after a reset).
    const Block& again = inner[subtracts && !same_as_innermost ? kOther : kCompatible];
    block_[entry] = {first.sum + later * (delta + again.sum), again.leaves_innermost};
  }
}

std::int64_t FillWalk::fills(std::int64_t tile_size, std::span<const TemporalStep> steps) {
  start(tile_size);
  for (const TemporalStep& step : steps)
    add(step.trips, step.translation == steps.front().translation, step.subtracted_delta);
  return total();
}

}  // namespace cosa
