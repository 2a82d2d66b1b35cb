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

namespace cosa {

// One temporal loop above a storage level, innermost first, as seen by one data space.
struct TemporalStep {
  std::int64_t trips = 1;             // loop bound (>= 2)
  int translation = 0;                // id of the tile translation when this loop advances
                                      // (equal ids <=> equal translation vectors; the walk only
                                      // ever compares a step's id with the innermost step's)
  std::int64_t subtracted_delta = 0;  // words new to the tile after that translation
};

// Words filled into one instance over the whole run: the first tile plus the delta of every later
// tile, following Timeloop's extrapolated walk over the temporal loops (innermost first).
//
// Closed form of that walk. Call it "block j" for loop j with every loop inside it. The last move
// of any block is the innermost loop's, so after a block the walk remembers either no direction
// or the innermost loop's translation; and the direction remembered on entering a block matters
// only to the block's first move, the innermost loop's, which subtracts iff nothing or the
// innermost translation is remembered. So each block has two outcomes (by entry state) and the
// walk is one pass over the loops, O(loops), with no allocation.
class FillWalk {
 public:
  std::int64_t fills(std::int64_t tile_size, std::span<const TemporalStep> steps);

  // The same walk fed one loop at a time, innermost first: start(), add() per loop, total().
  // `same_as_innermost`: the loop translates the tile exactly as the first loop added does.
  void start(std::int64_t tile_size) {
    tile_size_ = tile_size;
    steps_ = 0;
  }
  void add(std::int64_t trips, bool same_as_innermost, std::int64_t subtracted_delta);  // inline: hot
  std::int64_t total() const { return tile_size_ + (steps_ == 0 ? 0 : block_[kCompatible].sum); }

 private:
  // Entry states of a block: nothing or the innermost translation remembered, or another one.
  enum Entry { kCompatible = 0, kOther = 1 };
  struct Block {
    std::int64_t sum = 0;           // words filled after the block's first tile
    bool leaves_innermost = false;  // remembers the innermost translation afterwards (else none)
  };

  std::int64_t tile_size_ = 0;
  int steps_ = 0;
  Block block_[2];  // the outermost block added so far, per entry state
};

inline void FillWalk::add(std::int64_t trips, bool same_as_innermost, std::int64_t subtracted_delta) {
  const std::int64_t later = trips - 1;  // iterations after the first, all like the second
  if (steps_++ == 0) {
    // The innermost loop alone: it subtracts unless another direction is remembered on entry.
    block_[kCompatible] = {later * subtracted_delta, true};
    block_[kOther] = {later * tile_size_, false};
    return;
  }
  const Block c = block_[kCompatible], o = block_[kOther];
  if (same_as_innermost) {
    // Advancing subtracts whatever is remembered; the inner block is entered compatibly again.
    const std::int64_t again = later * (subtracted_delta + c.sum);
    block_[kCompatible] = {c.sum + again, c.leaves_innermost};
    block_[kOther] = {o.sum + again, c.leaves_innermost};
    return;
  }
  // Another direction: it subtracts only if nothing is remembered after this loop's first
  // iteration, and then the inner block is entered with this loop's direction remembered;
  // otherwise it counts the whole tile and the inner block is entered with nothing remembered.
  auto next = [&](const Block& first) {
    const Block& again = first.leaves_innermost ? c : o;
    const std::int64_t delta = first.leaves_innermost ? tile_size_ : subtracted_delta;
    return Block{first.sum + later * (delta + again.sum), again.leaves_innermost};
  };
  const Block from_c = next(c), from_o = next(o);
  block_[kCompatible] = from_c;
  block_[kOther] = from_o;
}

// Words of the data space new to a tile of per-axis `extents` after it moved by `translation`
// (per axis), with Timeloop's hyper-rectangle subtraction.
std::int64_t subtractedDelta(std::span<const std::int64_t> extents, std::span<const std::int64_t> translation,
                             std::int64_t tile_size);

}  // namespace cosa
