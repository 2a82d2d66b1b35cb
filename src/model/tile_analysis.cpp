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
  if (moved_count == 0) return 0;              // same tile
  if (moved_count > 1) return tile_size;       // not a hyper-rectangle: Timeloop keeps the whole tile
  return tile_size / extents[moved_axis] * std::llabs(translation[moved_axis]);
}

// States: 0 = no remembered direction; k + 1 = the last translation had id k.
FillWalk::Result FillWalk::block(int j, int state) {
  if (j == 0) return {0, state};
  const std::size_t stride = steps_.size() + 2;
  Memo& memo = memo_[static_cast<std::size_t>(j) * stride + static_cast<std::size_t>(state)];
  if (memo.known) return {memo.sum, memo.out_state};

  const TemporalStep& step = steps_[j - 1];
  const Result first = block(j - 1, state);
  std::int64_t delta = 0;
  int after = 0;
  if (first.out_state == 0 || first.out_state == step.translation + 1) {
    delta = step.subtracted_delta;
    after = step.translation + 1;
  } else {
    delta = tile_size_;
    after = 0;
  }
  const Result second = block(j - 1, after);
  memo = {true, first.sum + (step.trips - 1) * (delta + second.sum), second.out_state};
  return {memo.sum, memo.out_state};
}

std::int64_t FillWalk::fills(std::int64_t tile_size, std::span<const TemporalStep> steps) {
  tile_size_ = tile_size;
  steps_ = steps;
  const std::size_t stride = steps.size() + 2;
  memo_.assign((steps.size() + 1) * stride, Memo{});
  // The first tile is filled whole and leaves no direction behind.
  return tile_size + block(static_cast<int>(steps.size()), 0).sum;
}

}  // namespace cosa
