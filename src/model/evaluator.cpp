#include "model/evaluator.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdlib>
#include <limits>
#include <stdexcept>

namespace cosa {

namespace {
constexpr int kMaxAxes = kMaxDataSpaceAxes;

std::int64_t ceilDiv(std::int64_t a, std::int64_t b) { return (a + b - 1) / b; }
}  // namespace

Evaluator::Evaluator(Architecture arch, Workload workload)
    : Evaluator(arch, std::move(workload), builtinEnergyTable(arch)) {}

Evaluator::Evaluator(Architecture arch, Workload workload, EnergyTable energy)
    : arch_(std::move(arch)), workload_(std::move(workload)), energy_(std::move(energy)) {
  // Every count below stays under countBound(); the readers reject workloads beyond the limit.
  if (!(workload_.countBound() <= kMaxWorkloadCount))
    throw std::invalid_argument(fmt::format("workload {} is too large for 64-bit counts", workload_.name));
  num_levels_ = arch_.numLevels();
  num_dims_ = workload_.numDims();
  num_ds_ = workload_.numDataSpaces();
  macs_ = workload_.macs();
  if (num_levels_ == 0) throw std::invalid_argument("architecture has no storage levels");
  if (static_cast<int>(energy_.levels.size()) != num_levels_)
    throw std::invalid_argument("energy table does not match the architecture's levels");
  axis_moves_begin_.reserve(static_cast<std::size_t>(num_ds_ * (num_dims_ + 1)));
  for (int ds = 0; ds < num_ds_; ++ds) {
    const DataSpace& space = workload_.data_spaces[ds];
    if (static_cast<int>(space.axes.size()) > kMaxAxes)
      throw std::invalid_argument(fmt::format("data space {} has more than {} axes", space.name, kMaxAxes));
    DataSpaceInfo info;
    info.num_axes = static_cast<int>(space.axes.size());
    info.read_write = space.read_write;
    info.one_term_axes = true;
    info.terms_begin = static_cast<int>(terms_.size());
    info.axes_begin = static_cast<int>(axis_terms_end_.size());
    // Net coefficient of every dimension on every axis (a dimension may appear twice on an axis).
    std::vector<std::int64_t> dim_to_axis(static_cast<std::size_t>(num_dims_ * info.num_axes), 0);
    for (int a = 0; a < info.num_axes; ++a) {
      int axis_terms = 0;
      for (const ProjectionTerm& term : space.axes[a]) {
        if (term.coefficient == 0) continue;
        terms_.push_back({a, term.dim, term.coefficient});
        ++axis_terms;
        dim_to_axis[static_cast<std::size_t>(term.dim * info.num_axes + a)] += term.coefficient;
      }
      if (axis_terms > 1) info.one_term_axes = false;
      axis_terms_end_.push_back(static_cast<int>(terms_.size()));
      AxisPair pair;
      if (axis_terms >= 1)
        pair.d0 = terms_[terms_.size() - axis_terms].dim,
        pair.c0 = terms_[terms_.size() - axis_terms].coefficient;
      if (axis_terms == 2) pair.d1 = terms_.back().dim, pair.c1 = terms_.back().coefficient;
      axis_pairs_.push_back(pair);
    }
    info.two_term_axes = true;
    for (int a = 0, begin = info.terms_begin; a < info.num_axes;
         begin = axis_terms_end_[info.axes_begin + a++])
      if (axis_terms_end_[info.axes_begin + a] - begin > 2) info.two_term_axes = false;
    info.terms_end = static_cast<int>(terms_.size());
    for (int d = 0; d < num_dims_; ++d) {
      axis_moves_begin_.push_back(static_cast<int>(axis_moves_.size()));
      for (int a = 0; a < info.num_axes; ++a)
        if (const std::int64_t c = dim_to_axis[static_cast<std::size_t>(d * info.num_axes + a)]; c != 0)
          axis_moves_.push_back({a, c});
      const int moves = static_cast<int>(axis_moves_.size()) - axis_moves_begin_.back();
      feeds_.push_back(moves == 0   ? DimFeed{kIrrelevant, 0}
                       : moves == 1 ? DimFeed{axis_moves_.back().axis, axis_moves_.back().coefficient}
                                    : DimFeed{kSeveralAxes, 0});
    }
    axis_moves_begin_.push_back(static_cast<int>(axis_moves_.size()));
    info.monotone = true;
    for (int d = 0; d < num_dims_; ++d) {
      const DimFeed& feed = feeds_[static_cast<std::size_t>(ds * num_dims_ + d)];
      if (feed.axis == kSeveralAxes || (feed.axis >= 0 && feed.coefficient < 0)) info.monotone = false;
    }
    ds_info_.push_back(info);
  }
  for (int ds = 0; ds < num_ds_; ++ds) {
    std::int64_t unused[kMaxAxes];
    ds_size_.push_back(axisExtents(ds, workload_.bounds.data(), unused));
  }
  for (int l = 0; l < num_levels_; ++l) {
    const StorageLevel& spec = arch_.levels[l];
    LevelLimits limits;
    if (const std::optional<std::int64_t> capacity = arch_.capacityWords(l)) limits.capacity = *capacity;
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
  const auto cells = static_cast<std::size_t>(num_ds_ * num_levels_);
  keep_.resize(cells);
  tiles_.resize(cells);
  axis_extents_.resize(cells * kMaxAxes);
  fills_raw_.resize(num_levels_);
  distinct_.resize(num_levels_);
  partition_.resize(num_levels_);
  content_.resize(num_levels_);
}

// Per-axis extents into `out` of the data space's tile spanned by per-dimension `extents`;
// returns the tile size (their product).
std::int64_t Evaluator::axisExtents(int ds, const std::int64_t* extents, std::int64_t* out) const {
  const DataSpaceInfo& info = ds_info_[ds];
  if (info.two_term_axes) {
    const AxisPair* pair = axis_pairs_.data() + info.axes_begin;
    std::int64_t size = 1;
    for (int a = 0; a < info.num_axes; ++a) {
      const AxisPair& p = pair[a];
      out[a] = 1 + p.c0 * (extents[p.d0] - 1) + p.c1 * (extents[p.d1] - 1);
      size *= out[a];
    }
    return size;
  }
  const FlatTerm* term = terms_.data() + info.terms_begin;
  const int* axis_end = axis_terms_end_.data() + info.axes_begin;
  std::int64_t size = 1;
  for (int a = 0; a < info.num_axes; ++a) {
    std::int64_t extent = 1;
    for (const FlatTerm* end = terms_.data() + axis_end[a]; term != end; ++term)
      extent += term->coefficient * (extents[term->dim] - 1);
    out[a] = extent;
    size *= extent;
  }
  return size;
}

// Size of the data space's tile spanning all spatial siblings: per-dimension extents times the
// parent's spatial factors.
std::int64_t Evaluator::siblingsTile(int ds, const std::int64_t* extents, const std::int64_t* spatial) const {
  const DataSpaceInfo& info = ds_info_[ds];
  if (info.two_term_axes) {
    const AxisPair* pair = axis_pairs_.data() + info.axes_begin;
    std::int64_t size = 1;
    for (int a = 0; a < info.num_axes; ++a) {
      const AxisPair& p = pair[a];
      size *= 1 + p.c0 * (extents[p.d0] * spatial[p.d0] - 1) + p.c1 * (extents[p.d1] * spatial[p.d1] - 1);
    }
    return size;
  }
  const FlatTerm* term = terms_.data() + info.terms_begin;
  const int* axis_end = axis_terms_end_.data() + info.axes_begin;
  std::int64_t size = 1;
  for (int a = 0; a < info.num_axes; ++a) {
    std::int64_t extent = 1;
    for (const FlatTerm* end = terms_.data() + axis_end[a]; term != end; ++term)
      extent += term->coefficient * (extents[term->dim] * spatial[term->dim] - 1);
    size *= extent;
  }
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
    const std::int64_t* temporal = lm.temporal.data();
    const std::int64_t* spatial = lm.spatial.data();
    for (int d : lm.temporal_order)
      if (temporal[d] > 1) loops_.push_back({d, temporal[d], below[d] * spatial[d]});
  }
  loops_above_[num_levels_ - 1] = static_cast<int>(loops_.size());
}

// The fast validity check; it also leaves behind what evaluate() needs: extents, instances,
// fan-outs, the temporal product and the tiles (sizes and axis extents) where data is kept.
// It checks exactly what describeFailure checks, without the messages.
bool Evaluator::prepare(const Mapping& mapping) {
  if (static_cast<int>(mapping.levels.size()) != num_levels_) return false;
  std::int64_t temporal_product = 1;
  bool residuals = false;
  for (int l = 0; l < num_levels_; ++l) {
    const LevelMapping& level = mapping.levels[l];
    residuals = residuals || !level.temporal_residual.empty() || !level.spatial_residual.empty();
    if (static_cast<int>(level.temporal.size()) != num_dims_ ||
        static_cast<int>(level.spatial.size()) != num_dims_ || static_cast<int>(level.keep.size()) != num_ds_)
      return false;
    const std::int64_t* temporal = level.temporal.data();
    const std::int64_t* spatial = level.spatial.data();
    std::int64_t* ext = &extents_[static_cast<std::size_t>(l * num_dims_)];
    std::int64_t used = 1;
    for (int d = 0; d < num_dims_; ++d) {
      const std::int64_t t = temporal[d], s = spatial[d];
      if (t < 1 || s < 1) return false;
      ext[d] = (l == 0 ? 1 : ext[d - num_dims_]) * (t * s);
      used *= s;
      temporal_product *= t;
    }
    fanout_used_[l] = used;
    for (int ds = 0; ds < num_ds_; ++ds) keep_[at(ds, l)] = level.keep[ds];
  }
  temporal_product_ = temporal_product;
  imperfect_ = residuals && mapping.hasResiduals();
  if (imperfect_) {
    if (!residualsValid(mapping)) return false;
  } else {
    const std::int64_t* total = &extents_[static_cast<std::size_t>((num_levels_ - 1) * num_dims_)];
    for (int d = 0; d < num_dims_; ++d)
      if (total[d] != workload_.bounds[d]) return false;
  }
  std::int64_t above = 1;
  for (int l = num_levels_ - 1; l >= 0; --l) {
    instances_[l] = above;
    above *= fanout_used_[l];
  }
  if (instances_[0] * fanout_used_[0] > arch_.arithmetic.instances) return false;
  for (int l = 0; l < num_levels_; ++l) {
    const LevelLimits& limits = limits_[l];
    // Tiles only where kept: the capacity needs no others, and analyseDataSpace computes the
    // few others it needs itself.
    std::int64_t used = 0;
    const std::int64_t* ext = &extents_[static_cast<std::size_t>(l * num_dims_)];
    for (int ds = 0; ds < num_ds_; ++ds) {
      const std::size_t cell = at(ds, l);
      if (keep_[cell]) used += tiles_[cell] = axisExtents(ds, ext, &axis_extents_[cell * kMaxAxes]);
    }
    if (limits.capacity >= 0 && used > limits.capacity) return false;
    if (instances_[l] > limits.instances) return false;
  }
  for (int l = 0; l < num_levels_; ++l) {
    const LevelMapping& level = mapping.levels[l];
    const LevelLimits& limits = limits_[l];
    const std::int64_t used = fanout_used_[l];
    if (used > limits.fanout) return false;
    std::int64_t used_x = 1;
    if (used > 1) {
      const int split = level.spatial_split < 0 ? num_dims_ : level.spatial_split;
      const int n = std::min(static_cast<int>(level.spatial_order.size()), split);
      for (int i = 0; i < n; ++i) used_x *= level.spatial[level.spatial_order[i]];
    }
    // used / used_x > fanout_y without dividing (used_x >= 1, both positive).
    if (used_x > limits.fanout_x || used >= (limits.fanout_y + 1) * used_x) return false;
  }
  return true;
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
    // Saturates rather than overflowing the conversion (a bandwidth of almost nothing).
    const double cycles = std::ceil(compute / throttle);
    level.cycles =
        cycles < 0x1p63 ? static_cast<std::int64_t>(cycles) : std::numeric_limits<std::int64_t>::max();
    out.cycles = std::max(out.cycles, level.cycles);

    const LevelEnergy& energy = energy_.levels[l];
    const std::int64_t block = limits_[l].block;
    // Vector accesses; the common block of one word needs no division.
    auto vectors = [block](std::int64_t words) { return block == 1 ? words : ceilDiv(words, block); };
    level.energy_total_pJ = 0;
    for (DataSpaceStats& s : level.data_spaces) {
      if (!s.kept) continue;
      // Charged per vector access; a cluster's access is shared by the instances in use.
      const double cluster_energy = energy.read_pJ * static_cast<double>(vectors(s.reads)) +
                                    energy.update_pJ * static_cast<double>(vectors(s.updates)) +
                                    energy.fill_pJ * static_cast<double>(vectors(s.fills));
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
  out.arithmetic_energy_pJ = energy_.mac_pJ * static_cast<double>(out.computes);
  out.energy_pJ = out.arithmetic_energy_pJ + storage_energy;
  out.utilization = static_cast<double>(out.computes) /
                    (static_cast<double>(arch_.arithmetic.instances) * static_cast<double>(out.cycles));
}

void Evaluator::evaluate(const Mapping& mapping, Evaluation& out) { evaluate(mapping, out, false); }

Evaluation Evaluator::evaluateByWalk(const Mapping& mapping) {
  Evaluation out;
  evaluate(mapping, out, true);
  return out;
}

void Evaluator::evaluate(const Mapping& mapping, Evaluation& out, bool walk) {
  out.macs = macs_;
  out.computes = macs_;
  if (!prepare(mapping)) {
    out.error = describeFailure(mapping);
    out.valid = false;
    out.levels.clear();
    out.cycles = out.compute_cycles = 0;
    out.energy_pJ = out.arithmetic_energy_pJ = out.utilization = 0;
    return;
  }
  out.error.clear();
  out.valid = true;
  out.levels.resize(num_levels_);
  for (int l = 0; l < num_levels_; ++l) {
    // Reused storage usually holds the right name already: compare rather than copy.
    if (out.levels[l].name != arch_.levels[l].name) out.levels[l].name = arch_.levels[l].name;
    out.levels[l].data_spaces.resize(num_ds_);
  }
  std::int64_t spatial = 1;
  for (int l = 0; l < num_levels_; ++l) spatial *= fanout_used_[l];
  out.utilized_mac_instances = spatial;
  if (imperfect_ || walk) {
    evaluateWalk(mapping, out);
    return;
  }
  out.compute_cycles = temporal_product_;
  collectLoops(mapping);
  for (int ds = 0; ds < num_ds_; ++ds) analyseDataSpace(ds, mapping, temporal_product_, out);
  computeCyclesAndEnergy(out);
}

Evaluation Evaluator::evaluate(const Mapping& mapping) {
  Evaluation out;
  evaluate(mapping, out);
  return out;
}

}  // namespace cosa
