#pragma once
// Timeloop's tile analysis (commit 019f107) in closed form.
//
// Timeloop walks the loop nest and, at every storage level, subtracts the previous tile from the
// current one to count the words that must be filled. Two of its behaviours shape the counts and
// are reproduced here exactly:
//  - Temporal extrapolation: every loop simulates only its first two iterations; the second one's
//    delta stands for all later ones. So a tile is only ever compared with a tile one step away.
//  - Reset on stride change: when the tile moves in a different direction than it did last time,
//    Timeloop does not subtract at all and counts the whole tile (and forgets the direction).
// Subtraction itself is that of axis-aligned hyper-rectangles: exact when the tiles differ along
// one axis only, the whole tile otherwise.

#include <cstdint>
#include <span>
#include <vector>

namespace cosa {

// One temporal loop above a storage level, innermost first, as seen by one data space.
struct TemporalStep {
  std::int64_t trips = 1;               // loop bound (>= 2)
  int translation = 0;                  // id of the tile translation when this loop advances
                                        // (equal ids <=> equal translation vectors)
  std::int64_t subtracted_delta = 0;    // words new to the tile after that translation
};

class FillWalk {
 public:
  // Words filled into one instance over the whole run: the first tile plus the delta of every
  // later tile, following Timeloop's extrapolated walk over `steps` (innermost first).
  std::int64_t fills(std::int64_t tile_size, std::span<const TemporalStep> steps);

 private:
  struct Memo {
    bool known = false;
    std::int64_t sum = 0;
    int out_state = 0;
  };
  struct Result {
    std::int64_t sum;
    int out_state;
  };
  Result block(int j, int state);

  std::int64_t tile_size_ = 0;
  std::span<const TemporalStep> steps_;
  std::vector<Memo> memo_;
};

// Words of the data space new to a tile of per-axis `extents` after it moved by `translation`
// (per axis), with Timeloop's hyper-rectangle subtraction.
std::int64_t subtractedDelta(std::span<const std::int64_t> extents, std::span<const std::int64_t> translation,
                             std::int64_t tile_size);

}  // namespace cosa
