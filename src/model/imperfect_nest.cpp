#include "model/imperfect_nest.hpp"

#include <algorithm>
#include <set>

#include "model/point_set.hpp"

namespace cosa {

namespace {

enum class Space { Time, X, Y };

struct NestLoop {
  int dim = 0;
  std::int64_t end = 1;
  std::int64_t residual = 1;
  Space space = Space::Time;
  int storage_level = 0;
  bool boundary = false;  // the outermost loop of its storage level
};

// Per data space point sets of one operation-space region.
using Region = std::vector<PointSet>;

// What one instance of a loop remembers between invocations.
struct ElementState {
  Region last;
  std::vector<Offset> last_translation;
  std::vector<std::int64_t> max_size;
  std::vector<AccessMatrix> accesses;
  std::vector<std::int64_t> link_transfers;
  std::map<std::uint64_t, Region> prev_spatial;
};

using Stamp = std::vector<std::uint64_t>;
using Deltas = std::map<std::uint64_t, Region>;

class NestWalk {
 public:
  NestWalk(const Architecture& arch, const Workload& workload, const Mapping& mapping);
  ImperfectNestAnalysis run();

 private:
  Region computeDeltas(int i);
  void temporalWorkingSet(int i, ElementState& state);
  void spatialWorkingSet(int i);
  void fillSpatialDeltas(int i, Deltas& deltas, std::map<std::uint64_t, std::uint64_t>& table,
                         std::uint64_t base, std::int64_t stride, int extrapolation_level);
  void multicast(const Deltas& deltas, std::vector<std::set<std::uint64_t>>& unaccounted,
                 std::vector<AccessMatrix>& out) const;
  void linkTransfers(int i, const Deltas& deltas, std::vector<std::set<std::uint64_t>>& unaccounted,
                     std::vector<std::int64_t>& transfers);
  Region workingSet(int i) const;
  std::vector<Offset> translations(int i);
  bool isLastGlobal(int from, int dim) const;
  Region project(const std::int64_t* low, const std::int64_t* high) const;
  Region emptyRegion() const;
  ElementState& state(int i);
  Stamp allButLast() const { return Stamp(stamp_.begin(), stamp_.end() - 1); }

  const Architecture& arch_;
  const Workload& workload_;
  // Timeloop runs every loop's last iteration separately only in a nest with residuals.
  bool run_last_ = false;
  int num_dims_ = 0;
  int num_ds_ = 0;
  std::vector<NestLoop> loops_;              // innermost first
  std::vector<std::int64_t> spatial_elems_;  // [loop] spatial instances above it
  std::vector<char> master_;
  std::vector<std::int64_t> fanout_, fanout_x_, fanout_y_;
  std::vector<std::int64_t> strides_;                    // [loop][dim]
  std::vector<std::int64_t> mold_high_, mold_residual_;  // [loop][dim], inclusive
  std::vector<std::int64_t> index_;
  std::vector<std::int64_t> transform_;
  std::uint64_t epochs_ = 1;
  Stamp stamp_;
  std::vector<std::map<Stamp, ElementState>> live_;
  std::map<Stamp, double> compute_;
};

NestWalk::NestWalk(const Architecture& arch, const Workload& workload, const Mapping& mapping)
    : arch_(arch),
      workload_(workload),
      run_last_(mapping.hasResiduals()),
      num_dims_(workload.numDims()),
      num_ds_(workload.numDataSpaces()) {
  // The nest as Timeloop builds it: per storage level its spatial loops (where the level has a
  // fan-out), then its temporal loops, each in permutation order; loops of bound 1 are dropped and
  // a storage level without temporal loops gets a trivial one.
  for (int l = 0; l < arch.numLevels(); ++l) {
    const LevelMapping& level = mapping.levels[l];
    if (arch.fanout(l) > 1) {
      const int split = level.spatial_split < 0 ? num_dims_ : level.spatial_split;
      for (int k = 0; k < num_dims_; ++k) {
        const int d = level.spatial_order[k];
        if (level.spatial[d] <= 1) continue;
        loops_.push_back(
            {d, level.spatial[d], level.spatialResidual(d), k < split ? Space::X : Space::Y, l, false});
      }
    }
    bool any = false;
    for (int d : level.temporal_order) {
      if (level.temporal[d] <= 1) continue;
      loops_.push_back({d, level.temporal[d], level.temporalResidual(d), Space::Time, l, false});
      any = true;
    }
    if (!any) loops_.push_back({num_dims_ - 1, 1, 1, Space::Time, l, false});
    loops_.back().boundary = true;
  }
  const int n = static_cast<int>(loops_.size());
  spatial_elems_.assign(n, 1);
  master_.assign(n, 0);
  std::int64_t product = 1;
  bool prev_spatial = false;
  for (int i = n - 1; i >= 0; --i) {
    spatial_elems_[i] = product;
    const bool spatial = loops_[i].space != Space::Time;
    master_[i] = spatial && !prev_spatial;
    if (spatial) product *= loops_[i].end;
    prev_spatial = spatial;
  }
  fanout_.assign(n, 1);
  fanout_x_.assign(n, 1);
  fanout_y_.assign(n, 1);
  for (int i = n - 1; i >= 0; --i) {
    if (loops_[i].space == Space::Time) continue;
    if (!master_[i]) {
      fanout_[i] = 0;
      continue;
    }
    int j = i;
    std::int64_t scale = 1;
    while (loops_[j].space != Space::Time) {
      (loops_[j].space == Space::X ? fanout_x_[i] : fanout_y_[i]) *= loops_[j].end;
      if (j > 0) {
        --j;
      } else {
        scale = loops_[0].end;
        break;
      }
    }
    fanout_[i] = spatial_elems_[j] / spatial_elems_[i] * scale;
  }
  strides_.assign(static_cast<std::size_t>(n * num_dims_), 0);
  mold_high_.assign(strides_.size(), 0);
  mold_residual_.assign(strides_.size(), 0);
  std::vector<std::int64_t> scale(num_dims_, 1), scale_residual(num_dims_, 1);
  for (int i = 0; i < n; ++i) {
    const NestLoop& loop = loops_[i];
    for (int d = 0; d < num_dims_; ++d) strides_[static_cast<std::size_t>(i * num_dims_ + d)] = scale[d];
    scale_residual[loop.dim] += scale[loop.dim] * (loop.residual - 1);
    scale[loop.dim] *= loop.end;
    for (int d = 0; d < num_dims_; ++d) {
      mold_high_[static_cast<std::size_t>(i * num_dims_ + d)] = scale[d] - 1;
      mold_residual_[static_cast<std::size_t>(i * num_dims_ + d)] = scale_residual[d] - 1;
    }
  }
  index_.assign(n, 0);
  transform_.assign(num_dims_, 0);
  live_.resize(n);
}

Region NestWalk::emptyRegion() const {
  Region region;
  for (int ds = 0; ds < num_ds_; ++ds)
    region.emplace_back(static_cast<int>(workload_.data_spaces[ds].axes.size()));
  return region;
}

ElementState& NestWalk::state(int i) {
  auto [it, inserted] = live_[i].try_emplace(allButLast());
  if (inserted) {
    ElementState& s = it->second;
    s.last = emptyRegion();
    s.last_translation.assign(num_ds_, Offset{});
    s.max_size.assign(num_ds_, 0);
    s.accesses.assign(num_ds_, AccessMatrix{});
    s.link_transfers.assign(num_ds_, 0);
  }
  return it->second;
}

// The data-space boxes of the operation-space box [low, high] (inclusive corners).
Region NestWalk::project(const std::int64_t* low, const std::int64_t* high) const {
  Region region;
  for (int ds = 0; ds < num_ds_; ++ds) {
    const DataSpace& space = workload_.data_spaces[ds];
    const int order = static_cast<int>(space.axes.size());
    Box box;
    for (int a = 0; a < order; ++a) {
      std::int64_t lo = 0, hi = 0;
      for (const ProjectionTerm& term : space.axes[a]) {
        if (term.coefficient < 0) {
          lo += high[term.dim] * term.coefficient;
          hi += low[term.dim] * term.coefficient;
        } else {
          lo += low[term.dim] * term.coefficient;
          hi += high[term.dim] * term.coefficient;
        }
      }
      box.lo[a] = lo;
      box.hi[a] = hi + 1;
    }
    region.emplace_back(order, box);
  }
  return region;
}

bool NestWalk::isLastGlobal(int from, int dim) const {
  for (int l = from; l < static_cast<int>(loops_.size()); ++l)
    if (loops_[l].dim == dim && index_[l] + 1 < loops_[l].residual) return false;
  return true;
}

Region NestWalk::workingSet(int i) const {
  std::vector<std::int64_t> low(num_dims_), high(num_dims_);
  for (int d = 0; d < num_dims_; ++d) {
    const std::size_t at = static_cast<std::size_t>(i * num_dims_ + d);
    low[d] = transform_[d];
    high[d] = transform_[d] + (isLastGlobal(i + 1, d) ? mold_residual_[at] : mold_high_[at]);
  }
  return project(low.data(), high.data());
}

std::vector<Offset> NestWalk::translations(int i) {
  const int dim = loops_[i].dim;
  const std::int64_t saved = transform_[dim];
  const Region first = workingSet(i);
  transform_[dim] += strides_[static_cast<std::size_t>(i * num_dims_ + dim)];
  const Region second = workingSet(i);
  transform_[dim] = saved;
  std::vector<Offset> out;
  for (int ds = 0; ds < num_ds_; ++ds) out.push_back(first[ds].translationTo(second[ds]));
  return out;
}

Region NestWalk::computeDeltas(int i) {
  const NestLoop& loop = loops_[i];
  if (loop.boundary) stamp_.push_back(0);
  ElementState& st = state(i);
  if (loop.space != Space::Time)
    spatialWorkingSet(i);
  else
    temporalWorkingSet(i, st);
  Region point_set = workingSet(i);
  if (loop.boundary || master_[i])
    for (int ds = 0; ds < num_ds_; ++ds) st.max_size[ds] = std::max(st.max_size[ds], point_set[ds].size());
  // Subtract the previous working set, unless the tile moved differently from its last move (then
  // the whole working set is new and the direction is forgotten).
  for (int ds = 0; ds < num_ds_; ++ds) {
    PointSet& prev = st.last[ds];
    Offset translation;  // null when there is no previous set
    if (!prev.empty()) translation = prev.translationTo(point_set[ds]);
    Offset& prev_translation = st.last_translation[ds];
    if (prev_translation.order == 0 || translation == prev_translation) {
      PointSet saved = point_set[ds];
      point_set[ds].subtract(prev);
      prev = std::move(saved);
      if (prev_translation.order == 0) prev_translation = translation;
    } else {
      prev = point_set[ds];
      prev_translation = Offset{};
    }
  }
  if (loop.boundary) stamp_.pop_back();
  return point_set;
}

void NestWalk::temporalWorkingSet(int i, ElementState& st) {
  const NestLoop& loop = loops_[i];
  const std::int64_t end = isLastGlobal(i + 1, loop.dim) ? loop.residual : loop.end;
  const std::int64_t iterations = end;
  if (i == 0) {
    const std::uint64_t body = static_cast<std::uint64_t>(iterations) * epochs_;
    compute_[allButLast()] += static_cast<double>(body);
    for (int ds = 0; ds < num_ds_; ++ds) st.accesses[ds][{1, 1}] += static_cast<double>(body);
    return;
  }
  // Iterations #0, #1 standing for the rest, extrapolated; a nest with residuals runs #last
  // separately (then #1 stands for #1 .. #last-1).
  std::vector<std::pair<std::vector<std::int64_t>, std::uint64_t>> deltas;  // sizes, scale
  auto sizes = [this](const Region& region) {
    std::vector<std::int64_t> out(num_ds_);
    for (int ds = 0; ds < num_ds_; ++ds) out[ds] = region[ds].size();
    return out;
  };
  const int dim = loop.dim;
  const std::int64_t scale = strides_[static_cast<std::size_t>(i * num_dims_ + dim)];
  const std::int64_t saved = transform_[dim];
  index_[i] = 0;
  if (iterations >= 1) {
    deltas.emplace_back(sizes(computeDeltas(i - 1)), 1);
    transform_[dim] += scale;
    index_[i] += 1;
  }
  if (iterations >= (run_last_ ? 3 : 2)) {
    const std::uint64_t middle = static_cast<std::uint64_t>(iterations - (run_last_ ? 2 : 1));
    const std::uint64_t saved_epochs = epochs_;
    epochs_ *= middle;
    deltas.emplace_back(sizes(computeDeltas(i - 1)), middle);
    epochs_ = saved_epochs;
    transform_[dim] += scale * static_cast<std::int64_t>(middle);
    index_[i] += static_cast<std::int64_t>(middle);
  }
  if (run_last_ && iterations >= 2) {
    const Region last = computeDeltas(i - 1);
    if (iterations >= 3) {
      deltas.back().second++;
    } else {
      deltas.emplace_back(sizes(last), 1);
      transform_[dim] += scale;
    }
    index_[i] += 1;
  }
  transform_[dim] = saved;
  if (!loops_[i - 1].boundary) return;
  for (int ds = 0; ds < num_ds_; ++ds) {
    std::uint64_t total = 0;
    for (const auto& [delta, times] : deltas) total += static_cast<std::uint64_t>(delta[ds]) * times;
    st.accesses[ds][{1, 1}] += static_cast<double>(total * epochs_);
  }
}

void NestWalk::spatialWorkingSet(int i) {
  Deltas deltas;
  std::map<std::uint64_t, std::uint64_t> table;
  fillSpatialDeltas(i, deltas, table, 0, 0, i);
  ElementState& st = state(i);
  auto allKeys = [&] {
    std::vector<std::set<std::uint64_t>> keys(num_ds_);
    for (const auto& [key, region] : deltas)
      for (int ds = 0; ds < num_ds_; ++ds) keys[ds].insert(key);
    return keys;
  };
  std::vector<std::set<std::uint64_t>> unaccounted = allKeys();
  std::vector<AccessMatrix> without(num_ds_), with(num_ds_);
  multicast(deltas, unaccounted, without);
  std::vector<const AccessMatrix*> chosen(num_ds_);
  for (int ds = 0; ds < num_ds_; ++ds) chosen[ds] = &without[ds];
  // Link transfers (every master spatial level has links): used for a data space when they lower
  // its accesses to the parent.
  unaccounted = allKeys();
  std::vector<std::int64_t> transfers(num_ds_, 0);
  linkTransfers(i, deltas, unaccounted, transfers);
  multicast(deltas, unaccounted, with);
  auto total = [](const AccessMatrix& m) {
    double sum = 0;
    for (const auto& [key, value] : m) sum += value;
    return sum;
  };
  for (int ds = 0; ds < num_ds_; ++ds) {
    if (static_cast<std::uint64_t>(total(with[ds])) < static_cast<std::uint64_t>(total(without[ds]))) {
      st.link_transfers[ds] += transfers[ds];
      chosen[ds] = &with[ds];
    }
  }
  for (int ds = 0; ds < num_ds_; ++ds)
    for (const auto& [key, value] : *chosen[ds]) st.accesses[ds][key] += value;
}

void NestWalk::fillSpatialDeltas(int i, Deltas& deltas, std::map<std::uint64_t, std::uint64_t>& table,
                                 std::uint64_t base, std::int64_t stride, int extrapolation_level) {
  const NestLoop& loop = loops_[i];
  const int dim = loop.dim;
  const std::int64_t end = isLastGlobal(i + 1, dim) ? loop.residual : loop.end;
  base *= static_cast<std::uint64_t>(end);
  if (i == 0) {
    std::vector<std::int64_t> point(num_dims_);
    for (index_[0] = 0; index_[0] < end; ++index_[0]) {
      const std::uint64_t key = base + static_cast<std::uint64_t>(index_[0]);
      std::fill(point.begin(), point.end(), 0);
      for (int l = 0; l < static_cast<int>(loops_.size()); ++l)
        point[loops_[l].dim] += strides_[static_cast<std::size_t>(l * num_dims_ + loops_[l].dim)] * index_[l];
      Region& region = deltas.try_emplace(key, emptyRegion()).first->second;
      for (int ds = 0; ds < num_ds_; ++ds) {
        const DataSpace& space = workload_.data_spaces[ds];
        std::array<std::int64_t, kMaxDataSpaceAxes> p{};
        for (std::size_t a = 0; a < space.axes.size(); ++a)
          for (const ProjectionTerm& term : space.axes[a]) p[a] += point[term.dim] * term.coefficient;
        region[ds].addPoint(p.data());
      }
      stamp_.back() = key;
      compute_[stamp_] += static_cast<double>(epochs_);
    }
    return;
  }
  const std::int64_t scale = strides_[static_cast<std::size_t>(i * num_dims_ + dim)];
  const std::int64_t saved = transform_[dim];
  const bool next_spatial = loops_[i - 1].space != Space::Time;
  index_[i] = 0;
  if (next_spatial) {
    std::int64_t run = 0;
    for (index_[i] = 0; index_[i] < end; ++index_[i], ++run) {
      std::int64_t next_stride = stride * end;
      int next_level = extrapolation_level;
      if (run >= 1) {
        next_stride = 1;
        next_level = i;
      }
      fillSpatialDeltas(i - 1, deltas, table, base + static_cast<std::uint64_t>(index_[i]), next_stride,
                        next_level);
      transform_[dim] += scale;
    }
  } else {
    if (stride == 0) {
      // Only the first element is walked; the rest are its delta, translated.
      if (end > 0) {
        const std::uint64_t key = base;
        table[key] = key;
        stamp_.back() = key;
        Region delta = computeDeltas(i - 1);
        deltas.try_emplace(key, std::move(delta));
        transform_[dim] += scale;
        index_[i] = 1;
      }
      stride = 1;
      extrapolation_level = i;
    } else {
      stride *= end;
      index_[i] = 0;
    }
    if (index_[i] < end) {
      const std::vector<Offset> moves = translations(extrapolation_level);
      for (; index_[i] < end; ++index_[i]) {
        const std::uint64_t key = base + static_cast<std::uint64_t>(index_[i]);
        const std::uint64_t source = table.at(key - static_cast<std::uint64_t>(stride));
        table[key] = key;
        Region copy = deltas.at(source);
        for (int ds = 0; ds < num_ds_; ++ds) copy[ds].translate(moves[ds]);
        deltas.insert_or_assign(key, std::move(copy));
      }
    }
  }
  transform_[dim] = saved;
}

void NestWalk::multicast(const Deltas& deltas, std::vector<std::set<std::uint64_t>>& unaccounted,
                         std::vector<AccessMatrix>& out) const {
  // Timeloop compares every pair of children's deltas; equal deltas (an equivalence) share one
  // access, multicast to the group. Grouping by a canonical key gives the same groups.
  for (int ds = 0; ds < num_ds_; ++ds) {
    std::map<std::vector<std::int64_t>, std::pair<std::int64_t, std::int64_t>>
        groups;  // key -> (members, size)
    for (const auto& [index, region] : deltas) {
      if (!unaccounted[ds].count(index)) continue;
      auto& group = groups[region[ds].key()];
      if (group.first++ == 0) group.second = region[ds].size();
    }
    unaccounted[ds].clear();
    // Per multicast factor: accesses and the number of such groups (the scatter factor).
    std::map<std::int64_t, std::pair<double, std::int64_t>> by_multicast;
    for (const auto& [key, group] : groups) {
      if (group.second == 0) continue;
      auto& entry = by_multicast[group.first];
      entry.first += static_cast<double>(static_cast<std::uint64_t>(group.second) * epochs_);
      entry.second += 1;
    }
    for (const auto& [multicast, entry] : by_multicast) out[ds][{multicast, entry.second}] = entry.first;
  }
}

void NestWalk::linkTransfers(int i, const Deltas& deltas, std::vector<std::set<std::uint64_t>>& unaccounted,
                             std::vector<std::int64_t>& transfers) {
  const int storage = loops_[i].storage_level;
  const std::int64_t h = std::max(arch_.fanoutX(storage), fanout_x_[i]);
  const std::int64_t v = std::max(arch_.fanoutY(storage), fanout_y_[i]);
  ElementState& st = live_[i].at(allButLast());
  const Deltas& prev = st.prev_spatial;
  std::vector<std::vector<char>> reuse(static_cast<std::size_t>(h * v), std::vector<char>(num_ds_, 0));
  auto compare = [&](std::int64_t cur_h, std::int64_t cur_v, std::int64_t prev_h, std::int64_t prev_v) {
    const std::uint64_t cur = static_cast<std::uint64_t>(cur_v * h + cur_h);
    const std::uint64_t other = static_cast<std::uint64_t>(prev_v * h + prev_h);
    auto a = deltas.find(cur);
    if (a == deltas.end()) return;
    auto b = prev.find(other);
    if (b == prev.end()) return;
    for (int ds = 0; ds < num_ds_; ++ds)
      if (!a->second[ds].empty() && a->second[ds] == b->second[ds]) reuse[cur][ds] = 1;
  };
  if (v > 1) {
    for (std::int64_t x = 0; x < h; ++x)
      for (std::int64_t y = 1; y < v; ++y) compare(x, y, x, y - 1);
    for (std::int64_t x = 0; x < h; ++x)
      for (std::int64_t y = 0; y + 1 < v; ++y) compare(x, y, x, y + 1);
  }
  if (h > 1) {
    for (std::int64_t y = 0; y < v; ++y)
      for (std::int64_t x = 1; x < h; ++x) compare(x, y, x - 1, y);
    for (std::int64_t y = 0; y < v; ++y)
      for (std::int64_t x = 0; x + 1 < h; ++x) compare(x, y, x + 1, y);
  }
  for (const auto& [key, region] : deltas)
    for (int ds = 0; ds < num_ds_; ++ds)
      if (key < reuse.size() && reuse[key][ds]) {
        transfers[ds] += static_cast<std::int64_t>(static_cast<std::uint64_t>(region[ds].size()) * epochs_);
        unaccounted[ds].erase(key);
      }
  st.prev_spatial = deltas;
}

ImperfectNestAnalysis NestWalk::run() {
  computeDeltas(static_cast<int>(loops_.size()) - 1);
  ImperfectNestAnalysis out;
  out.tiles.resize(num_ds_);
  bool compute_done = false;
  for (int i = 0; i < static_cast<int>(loops_.size()); ++i) {
    if (loops_[i].space != Space::Time && !master_[i]) continue;
    const auto& states = live_[i];
    const auto count = static_cast<std::int64_t>(states.size());
    for (int ds = 0; ds < num_ds_; ++ds) {
      NestTile tile;
      std::int64_t size = 0, links = 0;
      for (const auto& [stamp, s] : states) {
        for (const auto& [key, value] : s.accesses[ds]) tile.accesses[key] += value;
        size += s.max_size[ds];
        links += s.link_transfers[ds];
      }
      if (count > 0) {
        for (auto& [key, value] : tile.accesses) value /= static_cast<double>(count);
        size /= count;
        links /= count;
      }
      tile.size = size;
      tile.link_transfers = links;
      tile.replication = spatial_elems_[i];
      tile.fanout = fanout_[i];
      tile.storage_boundary = loops_[i].boundary;
      tile.master_spatial = master_[i];
      out.tiles[ds].push_back(std::move(tile));
    }
    if (!compute_done) {
      compute_done = true;
      out.compute_replication = spatial_elems_[i] * fanout_[i];
      double sum = 0;
      for (const auto& [stamp, accesses] : compute_) sum += accesses;
      out.compute_accesses = compute_.empty() ? 0 : sum / static_cast<double>(compute_.size());
    }
  }
  return out;
}

}  // namespace

ImperfectNestAnalysis analyseImperfectNest(const Architecture& arch, const Workload& workload,
                                           const Mapping& mapping) {
  return NestWalk(arch, workload, mapping).run();
}

}  // namespace cosa
