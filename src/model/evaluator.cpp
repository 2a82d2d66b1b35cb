#include "model/evaluator.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <span>
#include <stdexcept>

namespace cosa {

namespace {
constexpr int kMaxAxes = 16;

std::int64_t ceilDiv(std::int64_t a, std::int64_t b) { return (a + b - 1) / b; }
}  // namespace

Evaluator::Evaluator(Architecture arch, Workload workload)
    : Evaluator(arch, std::move(workload), builtinEnergyTable(arch)) {}

Evaluator::Evaluator(Architecture arch, Workload workload, EnergyTable energy)
    : arch_(std::move(arch)), workload_(std::move(workload)), energy_(std::move(energy)) {
  num_levels_ = arch_.numLevels();
  num_dims_ = workload_.numDims();
  if (num_levels_ == 0) throw std::invalid_argument("architecture has no storage levels");
  if (static_cast<int>(energy_.levels.size()) != num_levels_)
    throw std::invalid_argument("energy table does not match the architecture's levels");
  for (const DataSpace& ds : workload_.data_spaces) {
    if (static_cast<int>(ds.axes.size()) > kMaxAxes)
      throw std::invalid_argument(fmt::format("data space {} has more than {} axes", ds.name, kMaxAxes));
    const int num_axes = static_cast<int>(ds.axes.size());
    std::vector<Axis> axes;
    std::vector<std::int64_t> dim_to_axis(static_cast<std::size_t>(num_dims_ * num_axes), 0);
    for (int a = 0; a < num_axes; ++a) {
      Axis axis;
      for (const ProjectionTerm& term : ds.axes[a]) {
        if (term.coefficient == 0) continue;
        axis.terms.push_back({term.dim, term.coefficient});
        dim_to_axis[static_cast<std::size_t>(term.dim * num_axes + a)] += term.coefficient;
      }
      axes.push_back(std::move(axis));
    }
    axes_.push_back(std::move(axes));
    num_axes_.push_back(num_axes);
    std::vector<FlatTerm> terms;
    for (int a = 0; a < num_axes; ++a)
      for (const AxisTerm& term : axes_.back()[a].terms) terms.push_back({a, term.dim, term.coefficient});
    terms_.push_back(std::move(terms));
    std::vector<AxisMove> moves;
    std::vector<int> moves_begin;
    for (int d = 0; d < num_dims_; ++d) {
      moves_begin.push_back(static_cast<int>(moves.size()));
      for (int a = 0; a < num_axes; ++a)
        if (const std::int64_t c = dim_to_axis[static_cast<std::size_t>(d * num_axes + a)]; c != 0)
          moves.push_back({a, c});
    }
    moves_begin.push_back(static_cast<int>(moves.size()));
    axis_moves_.push_back(std::move(moves));
    axis_moves_begin_.push_back(std::move(moves_begin));
  }
  for (int l = 0; l < num_levels_; ++l) {
    const StorageLevel& spec = arch_.levels[l];
    LevelLimits limits;
    if (spec.entries)
      limits.capacity =
          static_cast<std::int64_t>(static_cast<double>(*spec.entries) * spec.multiple_buffering);
    limits.instances = spec.instances;
    limits.clusters = spec.instances / std::max(1, spec.cluster_size);
    limits.fanout = arch_.fanout(l);
    limits.fanout_x = arch_.fanoutX(l);
    // Architecture::fanoutY divides by fanoutX; a zero X extent leaves no Y (and fails anyway).
    limits.fanout_y = limits.fanout_x > 0 ? limits.fanout / limits.fanout_x : 0;
    limits.block = std::max(1, spec.block_size);
    limits_.push_back(limits);
  }
  extents_.resize(static_cast<std::size_t>(num_levels_ * num_dims_));
  instances_.resize(num_levels_);
  fanout_used_.resize(num_levels_);
  loops_.reserve(static_cast<std::size_t>(num_levels_ * num_dims_));
  loops_above_.resize(num_levels_);
  const auto cells = static_cast<std::size_t>(workload_.numDataSpaces() * num_levels_);
  keep_.resize(cells);
  tiles_.resize(cells);
  axis_extents_.resize(cells * kMaxAxes);
  fills_raw_.resize(num_levels_);
  distinct_.resize(num_levels_);
  partition_.resize(num_levels_);
  content_.resize(num_levels_);
  siblings_.resize(num_dims_);
}

// Per-axis extents into `out` of the data space's tile spanned by per-dimension `extents`;
// returns the tile size (their product).
std::int64_t Evaluator::axisExtents(int ds, const std::int64_t* extents, std::int64_t* out) const {
  const int num_axes = num_axes_[ds];
  std::fill_n(out, num_axes, 1);
  for (const FlatTerm& term : terms_[ds]) out[term.axis] += term.coefficient * (extents[term.dim] - 1);
  std::int64_t size = 1;
  for (int a = 0; a < num_axes; ++a) size *= out[a];
  return size;
}

// The temporal loops of every level, innermost first. A loop of level k moves the tiles of every
// level below k by its stride: the extent of its dimension below k times k's spatial factor
// (spatial loops sit inside temporal ones).
void Evaluator::collectLoops(const Mapping& mapping) {
  loops_.clear();
  loops_above_[0] = 0;
  for (int k = 1; k < num_levels_; ++k) {
    loops_above_[k - 1] = static_cast<int>(loops_.size());
    const LevelMapping& lm = mapping.levels[k];
    const std::int64_t* below = &extents_[static_cast<std::size_t>((k - 1) * num_dims_)];
    for (int d : lm.temporal_order)
      if (lm.temporal[d] > 1) loops_.push_back({d, lm.temporal[d], below[d] * lm.spatial[d]});
  }
  loops_above_[num_levels_ - 1] = static_cast<int>(loops_.size());
}

std::string Evaluator::checkValidity(const Mapping& mapping) {
  if (static_cast<int>(mapping.levels.size()) != num_levels_)
    return fmt::format("mapping has {} levels but the architecture has {}", mapping.levels.size(),
                       num_levels_);
  // Shapes and factors level by level, accumulating the extents (products of the factors at and
  // below each level) on the way.
  const int num_ds = workload_.numDataSpaces();
  for (int l = 0; l < num_levels_; ++l) {
    const LevelMapping& level = mapping.levels[l];
    if (static_cast<int>(level.temporal.size()) != num_dims_ ||
        static_cast<int>(level.spatial.size()) != num_dims_ || static_cast<int>(level.keep.size()) != num_ds)
      return fmt::format("mapping of level {} does not match the workload's dimensions or data spaces",
                         arch_.levels[l].name);
    std::int64_t* ext = &extents_[static_cast<std::size_t>(l * num_dims_)];
    std::int64_t used = 1;
    for (int d = 0; d < num_dims_; ++d) {
      if (level.temporal[d] < 1 || level.spatial[d] < 1)
        return fmt::format("level {}: factor of dimension {} must be >= 1", arch_.levels[l].name,
                           workload_.dimensions[d]);
      ext[d] = (l == 0 ? 1 : ext[d - num_dims_]) * (level.temporal[d] * level.spatial[d]);
      used *= level.spatial[d];
    }
    fanout_used_[l] = used;
    for (int ds = 0; ds < num_ds; ++ds) keep_[static_cast<std::size_t>(l * num_ds + ds)] = level.keep[ds];
  }
  const std::int64_t* total = &extents_[static_cast<std::size_t>((num_levels_ - 1) * num_dims_)];
  for (int d = 0; d < num_dims_; ++d)
    if (total[d] != workload_.bounds[d])
      return fmt::format(
          "product of all factors of dimension {} is {}, which is not equal to the dimension size of the "
          "workload {}.",
          workload_.dimensions[d], total[d], workload_.bounds[d]);
  std::int64_t above = 1;
  for (int l = num_levels_ - 1; l >= 0; --l) {
    instances_[l] = above;
    above *= fanout_used_[l];
  }

  // Timeloop's checks: the arithmetic level, then storage innermost first; capacity before instances.
  const std::int64_t mac_instances = instances_[0] * fanout_used_[0];
  if (mac_instances > arch_.arithmetic.instances)
    return fmt::format(
        "couldn't map level {}: mapped max Arithmetic instances {} exceeds hardware instances {}",
        arch_.arithmetic.name, mac_instances, arch_.arithmetic.instances);
  for (int l = 0; l < num_levels_; ++l) {
    const LevelLimits& limits = limits_[l];
    // Every data space's tile at this level (evaluate reuses them), and the capacity they take.
    std::int64_t used = 0;
    for (int ds = 0; ds < num_ds; ++ds) {
      const std::size_t at = static_cast<std::size_t>(ds * num_levels_ + l);
      tiles_[at] =
          axisExtents(ds, &extents_[static_cast<std::size_t>(l * num_dims_)], &axis_extents_[at * kMaxAxes]);
      if (keep_[static_cast<std::size_t>(l * num_ds + ds)]) used += tiles_[at];
    }
    if (limits.capacity >= 0) {
      if (used > limits.capacity)
        return fmt::format("couldn't map level {}: mapped tile size {} exceeds buffer capacity {}",
                           arch_.levels[l].name, used, limits.capacity);
    }
    if (instances_[l] > limits.instances)
      return fmt::format("couldn't map level {}: mapped instances {} exceeds available hardware instances {}",
                         arch_.levels[l].name, instances_[l], limits.instances);
  }
  // Stricter than Timeloop: each level reaches only its own children.
  for (int l = 0; l < num_levels_; ++l) {
    const LevelMapping& level = mapping.levels[l];
    const LevelLimits& limits = limits_[l];
    const std::int64_t used = fanout_used_[l];
    if (used > limits.fanout)
      return fmt::format(
          "couldn't map level {}: spatial factors use a fan-out of {}, but each instance has {} children",
          arch_.levels[l].name, used, limits.fanout);
    std::int64_t used_x = 1;
    const int split = level.spatial_split < 0 ? num_dims_ : level.spatial_split;
    for (int i = 0; i < static_cast<int>(level.spatial_order.size()) && i < split; ++i)
      used_x *= level.spatial[level.spatial_order[i]];
    const std::int64_t used_y = used / used_x;
    if (used_x > limits.fanout_x || used_y > limits.fanout_y)
      return fmt::format(
          "couldn't map level {}: spatial factors use {}x{} (X x Y) children, but the mesh is {}x{}",
          arch_.levels[l].name, used_x, used_y, limits.fanout_x, limits.fanout_y);
  }
  return {};
}

// Spatial children whose tiles differ in this data space; children with identical tiles share
// one multicast (read-only data) or are reduced together (read-write data).
std::int64_t Evaluator::distinctChildren(int ds, const Mapping& mapping, int level) {
  if (fanout_used_[level] == 1) return 1;
  const LevelMapping& lm = mapping.levels[level];
  std::int64_t distinct = 1;
  for (const Axis& axis : axes_[ds]) {
    int spatial_terms = 0;
    std::int64_t single = 1;
    for (const AxisTerm& term : axis.terms)
      if (lm.spatial[term.dim] > 1) {
        ++spatial_terms;
        single = lm.spatial[term.dim];
      }
    if (spatial_terms <= 1) {
      distinct *= single;
      continue;
    }
    // Several spatial dimensions feed one axis (e.g. P and R): count distinct offsets. The
    // buffers are members so that this allocates only while they grow to the largest fan-out.
    offsets_.assign(1, 0);
    for (const AxisTerm& term : axis.terms) {
      const std::int64_t n = lm.spatial[term.dim];
      if (n <= 1) continue;
      const std::int64_t step =
          term.coefficient *
          (level == 0 ? 1 : extents_[static_cast<std::size_t>((level - 1) * num_dims_ + term.dim)]);
      next_offsets_.clear();
      for (std::int64_t o : offsets_)
        for (std::int64_t i = 0; i < n; ++i) next_offsets_.push_back(o + i * step);
      std::sort(next_offsets_.begin(), next_offsets_.end());
      next_offsets_.erase(std::unique(next_offsets_.begin(), next_offsets_.end()), next_offsets_.end());
      offsets_.swap(next_offsets_);
    }
    distinct *= static_cast<std::int64_t>(offsets_.size());
  }
  return distinct;
}

// Words filled into one instance of `level` (tiles and axis extents already in tiles_ and
// axis_extents_), walking the loops of the levels above it.
//
// An iteration of a loop moves the tile forward along its dimension and resets every loop inside
// it (among those above this level): its translation is its forward move plus the sum `reset` of
// the inner loops' backward moves. A loop's dimension feeds only a few axes, so instead of
// rebuilding each translation and rescanning it (as subtractedDelta does), the few facts the walk
// needs about `reset` are kept up to date axis by axis: how many axes moved, which one when only
// one did, how many moved a whole extent or more (disjoint tiles), and on how many it differs
// from the innermost loop's translation.
std::int64_t Evaluator::fillsPerInstance(int ds, int level) {
  const int num_axes = num_axes_[ds];
  const std::size_t at = static_cast<std::size_t>(ds * num_levels_ + level);
  const std::int64_t* extent = &axis_extents_[at * kMaxAxes];
  const AxisMove* moves = axis_moves_[ds].data();
  const int* moves_begin = axis_moves_begin_[ds].data();
  const std::int64_t size = tiles_[at];

  std::int64_t reset[kMaxAxes];
  std::int64_t innermost[kMaxAxes];  // the innermost loop's translation
  std::fill_n(reset, num_axes, 0);
  std::fill_n(innermost, num_axes, 0);
  int moved = 0;      // axes where reset != 0
  int moved_xor = 0;  // xor of those axes: the axis itself when only one moved
  int disjoint = 0;   // axes where |reset| >= extent
  int differs = 0;    // axes where reset != innermost
  auto isDisjoint = [extent](std::int64_t shift, int axis) {
    return shift != 0 && std::llabs(shift) >= extent[axis];
  };

  walk_.start(size);
  const int first = loops_above_[level];
  for (int i = first; i < static_cast<int>(loops_.size()); ++i) {
    const Loop& loop = loops_[i];
    const AxisMove* begin = moves + moves_begin[loop.dim];
    const AxisMove* end = moves + moves_begin[loop.dim + 1];
    if (i == first) {  // reset is 0: the translation is the forward move
      for (const AxisMove* m = begin; m != end; ++m) {
        innermost[m->axis] = m->coefficient * loop.stride;
        differs += innermost[m->axis] != 0;
      }
    }
    // This loop's translation: reset plus the forward move on the loop's axes.
    int t_moved = moved, t_xor = moved_xor, t_disjoint = disjoint, t_differs = differs;
    for (const AxisMove* m = begin; m != end; ++m) {
      const int a = m->axis;
      const std::int64_t r = reset[a];
      const std::int64_t t = r + m->coefficient * loop.stride;
      t_moved += (t != 0) - (r != 0);
      t_xor ^= (t != 0 ? a : 0) ^ (r != 0 ? a : 0);
      t_disjoint += isDisjoint(t, a) - isDisjoint(r, a);
      t_differs += (t != innermost[a]) - (r != innermost[a]);
    }
    // Timeloop's hyper-rectangle subtraction (see subtractedDelta).
    std::int64_t delta = size;
    if (t_moved == 0) {
      delta = 0;
    } else if (t_moved == 1 && t_disjoint == 0) {
      std::int64_t shift = reset[t_xor];
      for (const AxisMove* m = begin; m != end; ++m)
        if (m->axis == t_xor) shift += m->coefficient * loop.stride;
      delta = size / extent[t_xor] * std::llabs(shift);
    }
    walk_.add(loop.trips, t_differs == 0, delta);
    // Later (outer) loops also undo this one.
    for (const AxisMove* m = begin; m != end; ++m) {
      const int a = m->axis;
      const std::int64_t r = reset[a];
      const std::int64_t n = r - m->coefficient * loop.stride;
      moved += (n != 0) - (r != 0);
      moved_xor ^= (n != 0 ? a : 0) ^ (r != 0 ? a : 0);
      disjoint += isDisjoint(n, a) - isDisjoint(r, a);
      differs += (n != innermost[a]) - (r != innermost[a]);
      reset[a] = n;
    }
  }
  return walk_.total();
}

void Evaluator::analyseDataSpace(int ds, const Mapping& mapping, std::int64_t temporal_iterations,
                                 Evaluation& out) {
  const bool read_write = workload_.data_spaces[ds].read_write;
  const std::int64_t* size = &tiles_[static_cast<std::size_t>(ds * num_levels_)];  // from checkValidity
  const int num_ds = workload_.numDataSpaces();
  auto kept = [&](int l) { return keep_[static_cast<std::size_t>(l * num_ds + ds)] != 0; };
  int outermost_kept = -1;
  for (int l = 0; l < num_levels_; ++l)
    if (kept(l)) outermost_kept = l;
  // Fills matter only where the data space is kept below its outermost level: a bypassed level's
  // accesses are its child's, passed on, and the outermost level is never filled.
  for (int l = 0; l < num_levels_; ++l) {
    distinct_[l] = distinctChildren(ds, mapping, l);
    fills_raw_[l] = kept(l) && l < outermost_kept ? fillsPerInstance(ds, l) : 0;
  }
  // Partition: each instance's share of its parent's partition, in proportion to its tile's share
  // of the tile spanning all its siblings (Timeloop's integer arithmetic).
  partition_[num_levels_ - 1] = size[num_levels_ - 1];
  for (int l = num_levels_ - 2; l >= 0; --l) {
    std::int64_t denominator = size[l];
    if (fanout_used_[l + 1] > 1) {
      const std::int64_t* ext = &extents_[static_cast<std::size_t>(l * num_dims_)];
      for (int d = 0; d < num_dims_; ++d) siblings_[d] = ext[d] * mapping.levels[l + 1].spatial[d];
      std::int64_t unused[kMaxAxes];
      denominator = axisExtents(ds, siblings_.data(), unused);
    }
    partition_[l] = partition_[l + 1] * size[l] / denominator;
  }
  // Accesses arriving at each level from below; a bypassed level passes them on to its parent,
  // which sees them through its own fan-out as well.
  content_[0] = temporal_iterations * distinct_[0];
  for (int l = 1; l < num_levels_; ++l) content_[l] = fills_raw_[l - 1] * distinct_[l];
  for (int l = 0; l + 1 < num_levels_ && l < outermost_kept; ++l)
    if (!kept(l)) content_[l + 1] = content_[l] * distinct_[l + 1];

  for (int l = 0; l < num_levels_; ++l) {
    DataSpaceStats& s = out.levels[l].data_spaces[ds];
    s = DataSpaceStats{};
    if (!kept(l)) continue;
    s.kept = true;
    s.partition_size = partition_[l];
    s.utilized_capacity = size[l];
    s.utilized_instances = instances_[l];
    s.utilized_clusters = std::min(instances_[l], limits_[l].clusters);
    s.fills = l == outermost_kept ? 0 : fills_raw_[l];
    if (read_write) {
      s.updates = content_[l];
      s.reads = content_[l] - partition_[l];  // the first update of each word needs no read
      s.temporal_reductions = s.reads;
      s.address_generations = s.updates + s.fills;
    } else {
      s.reads = content_[l];
      s.address_generations = s.reads + s.fills;
    }
  }
}

void Evaluator::computeCyclesAndEnergy(Evaluation& out) const {
  const double compute = static_cast<double>(out.compute_cycles);
  out.cycles = out.compute_cycles;
  double storage_energy = 0;
  for (int l = 0; l < num_levels_; ++l) {
    const StorageLevel& spec = arch_.levels[l];
    LevelStats& level = out.levels[l];
    // Bandwidth demand at full speed, summed over data spaces in order (as Timeloop does).
    double read_demand = 0, write_demand = 0;
    for (const DataSpaceStats& s : level.data_spaces) {
      if (!s.kept) continue;
      read_demand += static_cast<double>(s.reads) / compute;
      write_demand += static_cast<double>(s.fills + s.updates) / compute;
    }
    double throttle = 1.0;
    if (spec.read_bandwidth && read_demand > *spec.read_bandwidth)
      throttle = std::min(throttle, *spec.read_bandwidth / read_demand);
    if (spec.write_bandwidth && write_demand > *spec.write_bandwidth)
      throttle = std::min(throttle, *spec.write_bandwidth / write_demand);
    level.bandwidth_throttling = throttle;
    level.cycles = static_cast<std::int64_t>(std::ceil(compute / throttle));
    out.cycles = std::max(out.cycles, level.cycles);

    const LevelEnergy& energy = energy_.levels[l];
    const std::int64_t block = limits_[l].block;
    level.energy_total_pJ = 0;
    for (DataSpaceStats& s : level.data_spaces) {
      if (!s.kept) continue;
      // Charged per vector access; a cluster's access is shared by the instances in use.
      const double cluster_energy = energy.read_pJ * static_cast<double>(ceilDiv(s.reads, block)) +
                                    energy.update_pJ * static_cast<double>(ceilDiv(s.updates, block)) +
                                    energy.fill_pJ * static_cast<double>(ceilDiv(s.fills, block));
      const double sharing = s.utilized_clusters > 0 ? static_cast<double>(s.utilized_instances) /
                                                           static_cast<double>(s.utilized_clusters)
                                                     : 1.0;
      s.energy_per_instance_pJ = cluster_energy / sharing;
      s.energy_total_pJ = s.energy_per_instance_pJ * static_cast<double>(s.utilized_instances);
      const std::int64_t accesses = s.reads + s.updates + s.fills;
      s.energy_per_access_pJ = accesses > 0 ? s.energy_per_instance_pJ / static_cast<double>(accesses) : 0;
      s.read_bandwidth = static_cast<double>(s.reads) / compute * throttle;
      s.write_bandwidth = static_cast<double>(s.fills + s.updates) / compute * throttle;
      level.energy_total_pJ += s.energy_total_pJ;
    }
    storage_energy += level.energy_total_pJ;
  }
  out.arithmetic_energy_pJ = energy_.mac_pJ * static_cast<double>(out.macs);
  out.energy_pJ = out.arithmetic_energy_pJ + storage_energy;
  out.utilization = static_cast<double>(out.macs) /
                    (static_cast<double>(arch_.arithmetic.instances) * static_cast<double>(out.cycles));
}

void Evaluator::evaluate(const Mapping& mapping, Evaluation& out) {
  out.error = checkValidity(mapping);
  out.valid = out.error.empty();
  out.macs = workload_.macs();
  if (!out.valid) {
    out.levels.clear();
    out.cycles = out.compute_cycles = 0;
    out.energy_pJ = out.arithmetic_energy_pJ = out.utilization = 0;
    return;
  }
  out.levels.resize(num_levels_);
  for (int l = 0; l < num_levels_; ++l) {
    // Reused storage usually holds the right name already: compare rather than copy.
    if (out.levels[l].name != arch_.levels[l].name) out.levels[l].name = arch_.levels[l].name;
    out.levels[l].data_spaces.resize(workload_.numDataSpaces());
  }
  std::int64_t temporal = 1, spatial = 1;
  for (const LevelMapping& lm : mapping.levels)
    for (int d = 0; d < num_dims_; ++d) {
      temporal *= lm.temporal[d];
      spatial *= lm.spatial[d];
    }
  out.compute_cycles = temporal;
  out.utilized_mac_instances = spatial;
  collectLoops(mapping);
  for (int ds = 0; ds < workload_.numDataSpaces(); ++ds) analyseDataSpace(ds, mapping, temporal, out);
  computeCyclesAndEnergy(out);
}

Evaluation Evaluator::evaluate(const Mapping& mapping) {
  Evaluation out;
  evaluate(mapping, out);
  return out;
}

}  // namespace cosa
