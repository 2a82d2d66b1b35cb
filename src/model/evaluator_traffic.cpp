// Evaluator: the words each level is filled with and hands down, per data space (the walk over the loops
// above a level, multicast and reduction among spatial children).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdlib>
#include <limits>
#include <stdexcept>

#include "model/evaluator.hpp"

namespace cosa {

namespace {
constexpr int kMaxAxes = kMaxDataSpaceAxes;
}  // namespace

// Spatial children whose tiles differ in this data space; children with identical tiles share
// one multicast (read-only data) or are reduced together (read-write data).
std::int64_t Evaluator::distinctChildren(int ds, const Mapping& mapping, int level) {
  if (fanout_used_[level] == 1) return 1;
  const DataSpaceInfo& info = ds_info_[ds];
  const std::int64_t* spatial = mapping.levels[level].spatial.data();
  const FlatTerm* terms = terms_.data();
  std::int64_t distinct = 1;
  if (info.one_term_axes) {  // the common case: each axis's spatial factor multiplies
    for (int i = info.terms_begin; i < info.terms_end; ++i) distinct *= spatial[terms[i].dim];
    return distinct;
  }
  const int* axis_end = axis_terms_end_.data() + info.axes_begin;
  for (int a = 0, begin = info.terms_begin; a < info.num_axes; begin = axis_end[a++]) {
    const int end = axis_end[a];
    if (end - begin == 1) {
      distinct *= spatial[terms[begin].dim];
      continue;
    }
    int spatial_terms = 0;
    std::int64_t single = 1;
    for (int i = begin; i < end; ++i)
      if (spatial[terms[i].dim] > 1) {
        ++spatial_terms;
        single = spatial[terms[i].dim];
      }
    if (spatial_terms <= 1) {
      distinct *= single;
      continue;
    }
    // Several spatial dimensions feed one axis (e.g. P and R): count distinct offsets. The
    // buffers are members so that this allocates only while they grow to the largest fan-out.
    offsets_.assign(1, 0);
    for (int i = begin; i < end; ++i) {
      const std::int64_t n = spatial[terms[i].dim];
      if (n <= 1) continue;
      const std::int64_t step =
          terms[i].coefficient *
          (level == 0 ? 1 : extents_[static_cast<std::size_t>((level - 1) * num_dims_ + terms[i].dim)]);
      next_offsets_.clear();
      for (std::int64_t o : offsets_)
        for (std::int64_t k = 0; k < n; ++k) next_offsets_.push_back(o + k * step);
      std::sort(next_offsets_.begin(), next_offsets_.end());
      next_offsets_.erase(std::unique(next_offsets_.begin(), next_offsets_.end()), next_offsets_.end());
      offsets_.swap(next_offsets_);
    }
    distinct *= static_cast<std::int64_t>(offsets_.size());
  }
  return distinct;
}

// Words filled into one instance of `level` (its tile and axis extents already in tiles_ and
// axis_extents_), walking the loops of the levels above it.
//
// An iteration of a loop moves the tile forward along its dimension and resets every loop inside
// it (among those above this level): its translation is its forward move plus the sum `reset` of
// the inner loops' backward moves. A loop's dimension feeds only a few axes (usually one), so
// instead of rebuilding each translation and rescanning it (as subtractedDelta does), the few
// facts the walk needs about `reset` are kept up to date axis by axis: how many axes moved, which
// one when only one did, how many moved a whole extent or more (disjoint tiles), and on how many
// it differs from the innermost loop's translation.
std::int64_t Evaluator::fillsPerInstance(int ds, int level) {
  const int num_axes = ds_info_[ds].num_axes;
  const bool monotone = ds_info_[ds].monotone;
  const std::size_t cell = at(ds, level);
  const std::int64_t* extent = &axis_extents_[cell * kMaxAxes];
  const std::int64_t size = tiles_[cell];
  const DimFeed* feeds = &feeds_[static_cast<std::size_t>(ds * num_dims_)];
  const AxisMove* moves = axis_moves_.data();
  const int* moves_begin = &axis_moves_begin_[static_cast<std::size_t>(ds * (num_dims_ + 1))];
  const Loop* loop = loops_.data() + loops_above_[level];
  const Loop* const loops_end = loops_.data() + loops_.size();
  if (loop == loops_end) return size;  // never moves: filled once

  // Words in a slice of the tile one step thick along axis a: size / extent[a] (exact where the
  // subtraction needs it), as a product to avoid the division; needed only a few times per walk.
  auto cross = [extent, num_axes](int a) {
    std::int64_t product = 1;
    for (int b = 0; b < num_axes; ++b)
      if (b != a) product *= extent[b];
    return product;
  };
  auto isDisjoint = [extent](std::int64_t shift, int axis) {
    return shift != 0 && std::llabs(shift) >= extent[axis];
  };

  std::int64_t reset[kMaxAxes] = {};
  std::int64_t innermost[kMaxAxes] = {};  // the innermost loop's translation: its forward move
  int moved = 0;                          // axes where reset != 0
  int moved_xor = 0;                      // xor of those axes: the axis itself when only one moved
  int disjoint = 0;                       // axes where |reset| >= extent
  int differs = 0;                        // axes where reset != innermost
  for (int m = moves_begin[loop->dim]; m < moves_begin[loop->dim + 1]; ++m) {
    innermost[moves[m].axis] = moves[m].coefficient * loop->stride;
    ++differs;
  }
  // The translation of a loop that does not move the tile is `reset` itself: cache what the walk
  // needs of it, recomputed only when reset has changed (Timeloop's subtraction, see
  // subtractedDelta).
  std::int64_t reset_delta = 0;
  bool reset_same = differs == 0;
  bool reset_changed = false;

  FillWalk walk;
  walk.start(size);
  for (; loop != loops_end; ++loop) {
    const DimFeed feed = feeds[loop->dim];
    if (feed.axis == kIrrelevant) {
      if (reset_changed) {
        reset_changed = false;
        reset_delta = moved == 0                    ? 0
                      : moved == 1 && disjoint == 0 ? cross(moved_xor) * std::llabs(reset[moved_xor])
                                                    : size;
      }
      walk.add(loop->trips, reset_same, reset_delta);
      continue;
    }
    if (feed.axis >= 0) {
      // One axis moves: the translation and the new reset differ from reset on axis a only, so
      // count the other axes once and add axis a's value.
      const int a = feed.axis;
      const std::int64_t step = feed.coefficient * loop->stride;
      const std::int64_t r = reset[a];
      const std::int64_t in = innermost[a];
      const int other_moved = moved - (r != 0);
      const int other_xor = moved_xor ^ (r != 0 ? a : 0);
      const int other_disjoint = disjoint - isDisjoint(r, a);
      const int other_differs = differs - (r != in);
      const std::int64_t t = r + step;  // the translation on axis a
      std::int64_t delta = size;
      if (other_moved == 0) {
        if (t == 0)
          delta = 0;
        else if (!isDisjoint(t, a))
          delta = cross(a) * std::llabs(t);
      } else if (other_moved == 1 && t == 0 && other_disjoint == 0) {
        delta = cross(other_xor) * std::llabs(reset[other_xor]);
      }
      walk.add(loop->trips, other_differs == 0 && t == in, delta);
      // Later (outer) loops also undo this one.
      const std::int64_t n = r - step;
      reset[a] = n;
      moved = other_moved + (n != 0);
      moved_xor = other_xor ^ (n != 0 ? a : 0);
      disjoint = other_disjoint + isDisjoint(n, a);
      differs = other_differs + (n != in);
      if (monotone && moved >= 3) {
        // Every step moves one axis forward (strides and coefficients are positive), so reset
        // only ever grows: with three axes moved, every later translation moves two or more
        // axes, keeps nothing (Timeloop subtracts only along one axis) and differs from the
        // innermost one (which moves one axis).
        for (++loop; loop != loops_end; ++loop) walk.add(loop->trips, false, size);
        return walk.total();
      }
    } else {
      // Several axes move: adjust the counts axis by axis.
      const AxisMove* begin = moves + moves_begin[loop->dim];
      const AxisMove* end = moves + moves_begin[loop->dim + 1];
      int t_moved = moved, t_xor = moved_xor, t_disjoint = disjoint, t_differs = differs;
      for (const AxisMove* m = begin; m != end; ++m) {
        const int a = m->axis;
        const std::int64_t r = reset[a];
        const std::int64_t t = r + m->coefficient * loop->stride;
        t_moved += (t != 0) - (r != 0);
        t_xor ^= (t != 0 ? a : 0) ^ (r != 0 ? a : 0);
        t_disjoint += isDisjoint(t, a) - isDisjoint(r, a);
        t_differs += (t != innermost[a]) - (r != innermost[a]);
      }
      std::int64_t delta = size;
      if (t_moved == 0) {
        delta = 0;
      } else if (t_moved == 1 && t_disjoint == 0) {
        std::int64_t shift = reset[t_xor];
        for (const AxisMove* m = begin; m != end; ++m)
          if (m->axis == t_xor) shift += m->coefficient * loop->stride;
        delta = cross(t_xor) * std::llabs(shift);
      }
      walk.add(loop->trips, t_differs == 0, delta);
      for (const AxisMove* m = begin; m != end; ++m) {
        const int a = m->axis;
        const std::int64_t r = reset[a];
        const std::int64_t n = r - m->coefficient * loop->stride;
        moved += (n != 0) - (r != 0);
        moved_xor ^= (n != 0 ? a : 0) ^ (r != 0 ? a : 0);
        disjoint += isDisjoint(n, a) - isDisjoint(r, a);
        differs += (n != innermost[a]) - (r != innermost[a]);
        reset[a] = n;
      }
    }
    reset_changed = true;
    reset_same = differs == 0;
  }
  return walk.total();
}

void Evaluator::analyseDataSpace(int ds, const Mapping& mapping, std::int64_t temporal_iterations,
                                 Evaluation& out) {
  const bool read_write = ds_info_[ds].read_write;
  const std::int64_t* size = &tiles_[at(ds, 0)];  // where kept, from prepare
  const char* keep = &keep_[at(ds, 0)];
  int outermost_kept = -1;
  for (int l = 0; l < num_levels_; ++l)
    if (keep[l]) outermost_kept = l;
  // Fills matter only where the data space is kept below its outermost level: a bypassed level's
  // accesses are its child's, passed on, and the outermost level is never filled.
  for (int l = 0; l < num_levels_; ++l) {
    distinct_[l] = fanout_used_[l] == 1 ? 1 : distinctChildren(ds, mapping, l);
    fills_raw_[l] = keep[l] && l < outermost_kept ? fillsPerInstance(ds, l) : 0;
  }
  // Partition: each instance's share of its parent's partition, in proportion to its tile's share
  // of the tile spanning all its siblings (Timeloop's integer arithmetic). Without siblings the
  // share is the whole tile: the partition passes down unchanged.
  int innermost_kept = num_levels_;
  for (int l = num_levels_ - 1; l >= 0; --l)
    if (keep[l]) innermost_kept = l;
  partition_[num_levels_ - 1] = ds_size_[ds];  // the outermost tile spans the whole data space
  for (int l = num_levels_ - 2; l >= innermost_kept; --l) {
    if (fanout_used_[l + 1] == 1) {
      partition_[l] = partition_[l + 1];
      continue;
    }
    const std::int64_t* ext = &extents_[static_cast<std::size_t>(l * num_dims_)];
    std::int64_t unused[kMaxAxes];
    const std::int64_t tile = keep[l] ? size[l] : axisExtents(ds, ext, unused);
    // Both factors are up to a data space's size: multiply in 128 bits (the quotient fits again).
    partition_[l] = static_cast<std::int64_t>(static_cast<__int128>(partition_[l + 1]) * tile /
                                              siblingsTile(ds, ext, mapping.levels[l + 1].spatial.data()));
  }
  // Accesses arriving at each level from below; a bypassed level passes them on to its parent,
  // which sees them through its own fan-out as well.
  content_[0] = temporal_iterations * distinct_[0];
  for (int l = 1; l < num_levels_; ++l) content_[l] = fills_raw_[l - 1] * distinct_[l];
  for (int l = 0; l + 1 < num_levels_ && l < outermost_kept; ++l)
    if (!keep[l]) content_[l + 1] = content_[l] * distinct_[l + 1];

  for (int l = 0; l < num_levels_; ++l) {
    DataSpaceStats& s = out.levels[l].data_spaces[ds];
    if (!keep[l]) {
      s = DataSpaceStats{};
      continue;
    }
    // Every field, energy and bandwidth included (computeCyclesAndEnergy fills those in).
    const std::int64_t fills = l == outermost_kept ? 0 : fills_raw_[l];
    const std::int64_t content = content_[l];
    s.kept = true;
    s.partition_size = partition_[l];
    s.utilized_capacity = size[l];
    s.utilized_instances = instances_[l];
    s.utilized_clusters = std::min(instances_[l], limits_[l].clusters);
    s.fills = fills;
    if (read_write) {
      s.updates = content;
      s.reads = content - partition_[l];  // the first update of each word needs no read
      s.temporal_reductions = s.reads;
      s.address_generations = content + fills;
    } else {
      s.reads = content;
      s.updates = 0;
      s.temporal_reductions = 0;
      s.address_generations = content + fills;
    }
  }
}

}  // namespace cosa
