#include "mappers/mapspace.hpp"

#include <algorithm>
#include <limits>

#include "mappers/factorization.hpp"

namespace cosa {

namespace {

std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

bool contains(const std::vector<int>& v, int x) { return std::find(v.begin(), v.end(), x) != v.end(); }

}  // namespace

std::uint64_t uniformBelow(Rng& rng, std::uint64_t n) {
  if (n <= 1) return 0;
  // Reject the top partial block of the 64-bit range so that every residue is equally likely.
  const std::uint64_t limit =
      std::numeric_limits<std::uint64_t>::max() - std::numeric_limits<std::uint64_t>::max() % n;
  std::uint64_t x = rng();
  while (x >= limit) x = rng();
  return x % n;
}

Rng makeRng(std::uint64_t seed, std::uint64_t index) {
  // Mixing seed and index through splitmix64 keeps neighbouring streams uncorrelated.
  return Rng(splitmix64(splitmix64(seed) ^ splitmix64(index + 0x632be59bd9b4e019ULL)));
}

MapSpace::MapSpace(const Architecture& arch, const Workload& workload, const Constraints& constraints)
    : MapSpace(ConstrainedMapSpace(arch, workload, constraints)) {}

MapSpace::MapSpace(const ConstrainedMapSpace& space)
    : num_levels_(space.numLevels()), num_dims_(space.numDims()), num_ds_(space.numDataSpaces()) {
  const Workload& workload = space.workload();
  error_ = space.infeasibility();
  base_ = trivialMapping(num_levels_, num_dims_, num_ds_);
  const std::size_t slots = static_cast<std::size_t>(num_levels_ * num_dims_);
  temporal_open_.assign(slots, 1);
  spatial_open_.assign(slots, 0);
  forced_axis_.assign(slots, kFree);
  base_axis_.assign(slots, kFree);
  base_used_x_.assign(num_levels_, 1);
  base_used_y_.assign(num_levels_, 1);
  fixed_order_.assign(num_levels_, {});
  fixed_spatial_order_.assign(num_levels_, {});
  fixed_split_.assign(num_levels_, -1);
  for (int l = 0; l < num_levels_; ++l) {
    fanout_x_.push_back(space.fanoutX(l));
    fanout_y_.push_back(space.fanoutY(l));
    if (space.fanout(l) > 1)
      for (int d = 0; d < num_dims_; ++d) spatial_open_[static_cast<std::size_t>(l * num_dims_ + d)] = 1;
    for (int ds = 0; ds < num_ds_; ++ds) base_.levels[l].keep[ds] = space.keepsByDefault(l, ds);
  }
  placeFixedParts(space);

  std::vector<std::int64_t> remaining = workload.bounds;
  for (int l = 0; l < num_levels_; ++l)
    for (int d = 0; d < num_dims_; ++d) {
      const std::int64_t fixed = base_.levels[l].temporal[d] * base_.levels[l].spatial[d];
      if (remaining[d] % fixed == 0) remaining[d] /= fixed;  // else infeasible, and said so
    }
  for (int d = 0; d < num_dims_; ++d)
    for (const PrimePower& pp : primeFactors(remaining[d]))
      for (int i = 0; i < pp.exponent; ++i) primes_.push_back({d, pp.prime});

  // Canonical temporal orders: the fixed permutation innermost, then ascending dimensions.
  for (int l = 0; l < num_levels_; ++l) {
    std::vector<int> order = fixed_order_[l];
    for (int d = 0; d < num_dims_; ++d)
      if (!contains(order, d)) order.push_back(d);
    base_.levels[l].temporal_order = order;
  }
}

void MapSpace::placeFixedParts(const ConstrainedMapSpace& space) {
  for (int l = 0; l < num_levels_; ++l) {
    LevelMapping& lm = base_.levels[l];
    for (int d = 0; d < num_dims_; ++d) {
      const std::size_t at = static_cast<std::size_t>(l * num_dims_ + d);
      if (const auto factor = space.fixedTemporal(l, d)) {
        lm.temporal[d] = *factor;
        temporal_open_[at] = 0;
      }
      if (const auto factor = space.fixedSpatial(l, d)) {
        lm.spatial[d] = *factor;
        spatial_open_[at] = 0;
      }
    }
    fixed_order_[l] = space.fixedPermutation(l);
    fixed_spatial_order_[l] = space.fixedSpatialPermutation(l);
    fixed_split_[l] = space.fixedSplit(l).value_or(-1);
  }

  // X/Y axes forced by a fixed spatial permutation and split. Without a split Timeloop chooses one:
  // sampling takes the largest that the fixed spatial factors fit (all listed dimensions on X when
  // they fit there), so the listed X loops stay ahead of the Y loops.
  for (int l = 0; l < num_levels_; ++l) {
    const std::vector<int>& listed = fixed_spatial_order_[l];
    const bool split_free = fixed_split_[l] < 0 && !listed.empty();
    std::string overflow;
    for (int split = static_cast<int>(listed.size()); split >= 0; --split) {
      for (int d = 0; d < num_dims_; ++d) {
        const ConstrainedMapSpace::Axis forced = space.forcedAxis(l, d);
        signed char axis = forced == ConstrainedMapSpace::Axis::X   ? kX
                           : forced == ConstrainedMapSpace::Axis::Y ? kY
                                                                    : kFree;
        if (split_free) {
          const auto it = std::find(listed.begin(), listed.end(), d);
          if (it != listed.end())
            axis = it - listed.begin() < split ? kX : kY;
          else if (split < static_cast<int>(listed.size()))
            axis = kY;
        }
        forced_axis_[static_cast<std::size_t>(l * num_dims_ + d)] = axis;
      }
      const std::string why = placeFixedSpatialFactors(l);
      if (why.empty()) {
        overflow.clear();
        break;
      }
      if (overflow.empty()) overflow = why;
      if (!split_free) break;
    }
    if (!overflow.empty() && error_.empty())
      error_ =
          "the fixed spatial factors exceed the fan-out of level " + space.arch().levels[l].name + overflow;
  }
}

std::string MapSpace::placeFixedSpatialFactors(int l) {
  // Fixed spatial factors take their share of the fan-out first.
  base_used_x_[l] = base_used_y_[l] = 1;
  std::string overflow;
  for (int d = 0; d < num_dims_; ++d) {
    const std::size_t at = static_cast<std::size_t>(l * num_dims_ + d);
    const std::int64_t f = base_.levels[l].spatial[d];
    signed char axis = forced_axis_[at];
    if (axis == kFree && f > 1) axis = base_used_x_[l] * f <= fanout_x_[l] ? kX : kY;
    base_axis_[at] = axis;
    if (f == 1) continue;
    std::int64_t& used = axis == kX ? base_used_x_[l] : base_used_y_[l];
    used *= f;
    if (used > (axis == kX ? fanout_x_[l] : fanout_y_[l]) && overflow.empty())
      overflow = axis == kX ? " along X" : " along Y";
  }
  return overflow;
}

bool MapSpace::sampleTiling(Rng& rng, Mapping& out, TilingSampler sampler) const {
  out = base_;
  if (!error_.empty()) return false;
  std::vector<signed char> axis = base_axis_;
  std::vector<std::int64_t> used_x = base_used_x_, used_y = base_used_y_;
  if (sampler == TilingSampler::Timeloop) {
    placeUniformly(rng, out, axis, used_x, used_y);
    setSpatialOrders(out, axis);
    return true;
  }

  // Place the primes in random order so that no dimension gets first pick of the fan-out.
  std::vector<Prime> primes = primes_;
  for (std::size_t i = primes.size(); i > 1; --i) std::swap(primes[i - 1], primes[uniformBelow(rng, i)]);

  // A slot is (level, spatial?); each slot with room is equally likely.
  std::vector<std::pair<int, bool>> slots;
  slots.reserve(static_cast<std::size_t>(2 * num_levels_));
  for (const Prime& p : primes) {
    slots.clear();
    for (int l = 0; l < num_levels_; ++l) {
      const std::size_t at = static_cast<std::size_t>(l * num_dims_ + p.dim);
      if (temporal_open_[at]) slots.push_back({l, false});
      if (!spatial_open_[at]) continue;
      const bool x_room = used_x[l] * p.prime <= fanout_x_[l];
      const bool y_room = used_y[l] * p.prime <= fanout_y_[l];
      const bool room = axis[at] == kX ? x_room : axis[at] == kY ? y_room : x_room || y_room;
      if (room) slots.push_back({l, true});
    }
    if (slots.empty()) return false;
    const auto [level, spatial] = slots[uniformBelow(rng, slots.size())];
    LevelMapping& lm = out.levels[level];
    if (!spatial) {
      lm.temporal[p.dim] *= p.prime;
      continue;
    }
    signed char& a = axis[static_cast<std::size_t>(level * num_dims_ + p.dim)];
    if (a == kFree) {
      // A dimension's spatial factor sits on one axis: pick one with room.
      const bool x_room = used_x[level] * p.prime <= fanout_x_[level];
      const bool y_room = used_y[level] * p.prime <= fanout_y_[level];
      a = x_room && y_room ? (uniformBelow(rng, 2) == 0 ? kX : kY) : x_room ? kX : kY;
    }
    (a == kX ? used_x[level] : used_y[level]) *= p.prime;
    lm.spatial[p.dim] *= p.prime;
  }

  setSpatialOrders(out, axis);
  return true;
}

void MapSpace::placeUniformly(Rng& rng, Mapping& out, std::vector<signed char>& axis,
                              std::vector<std::int64_t>& used_x, std::vector<std::int64_t>& used_y) const {
  // Group the free primes as (dimension, prime, exponent).
  std::vector<std::pair<Prime, int>> powers;
  for (const Prime& p : primes_) {
    if (!powers.empty() && powers.back().first.dim == p.dim && powers.back().first.prime == p.prime)
      ++powers.back().second;
    else
      powers.push_back({p, 1});
  }
  std::vector<std::pair<int, bool>> slots;
  std::vector<std::uint64_t> cut;
  for (const auto& [p, exponent] : powers) {
    slots.clear();
    for (int l = 0; l < num_levels_; ++l) {
      const std::size_t at = static_cast<std::size_t>(l * num_dims_ + p.dim);
      if (temporal_open_[at]) slots.push_back({l, false});
      if (spatial_open_[at]) slots.push_back({l, true});
    }
    if (slots.empty()) continue;  // cannot happen: the outermost temporal slot is always open
    // A uniform composition of `exponent` into slots.size() parts: choose the positions of the
    // slots.size() - 1 bars among exponent + slots.size() - 1 places (partial Fisher-Yates).
    const std::size_t places = static_cast<std::size_t>(exponent) + slots.size() - 1;
    cut.resize(places);
    for (std::size_t i = 0; i < places; ++i) cut[i] = i;
    for (std::size_t i = 0; i + 1 < slots.size(); ++i)
      std::swap(cut[i], cut[i + uniformBelow(rng, places - i)]);
    std::sort(cut.begin(), cut.begin() + static_cast<std::ptrdiff_t>(slots.size() - 1));
    std::uint64_t previous = 0;
    for (std::size_t s = 0; s < slots.size(); ++s) {
      const std::uint64_t end = s + 1 < slots.size() ? cut[s] : places;
      const std::uint64_t count = end - previous - (s > 0 ? 1 : 0);
      previous = end;
      if (count == 0) continue;
      std::int64_t factor = 1;
      for (std::uint64_t k = 0; k < count; ++k) factor *= p.prime;
      const auto [level, spatial] = slots[s];
      LevelMapping& lm = out.levels[level];
      if (!spatial) {
        lm.temporal[p.dim] *= factor;
        continue;
      }
      signed char& a = axis[static_cast<std::size_t>(level * num_dims_ + p.dim)];
      if (a == kFree) {
        // An axis with room if there is one; else X, and the model will reject the fan-out.
        const bool x_room = used_x[level] * factor <= fanout_x_[level];
        const bool y_room = used_y[level] * factor <= fanout_y_[level];
        a = x_room && y_room ? (uniformBelow(rng, 2) == 0 ? kX : kY) : y_room ? kY : kX;
      }
      (a == kX ? used_x[level] : used_y[level]) *= factor;
      lm.spatial[p.dim] *= factor;
    }
  }
}

void MapSpace::setSpatialOrders(Mapping& out, const std::vector<signed char>& axis) const {
  // Spatial orders: the fixed permutation, then X dimensions, then Y; the split counts the X part.
  for (int l = 0; l < num_levels_; ++l) {
    LevelMapping& lm = out.levels[l];
    std::vector<int> order = fixed_spatial_order_[l];
    int x_count = 0;
    for (int d : order)
      if (axis[static_cast<std::size_t>(l * num_dims_ + d)] != kY) ++x_count;
    for (int pass = 0; pass < 2; ++pass)
      for (int d = 0; d < num_dims_; ++d) {
        if (contains(fixed_spatial_order_[l], d)) continue;
        const bool on_y = axis[static_cast<std::size_t>(l * num_dims_ + d)] == kY;
        if (on_y != (pass == 1)) continue;
        order.push_back(d);
        if (!on_y) ++x_count;
      }
    lm.spatial_order = order;
    const bool has_y = fanout_y_[l] > 1 || fixed_split_[l] >= 0;
    lm.spatial_split = has_y ? x_count : -1;
  }
}

void MapSpace::sampleOrders(Rng& rng, Mapping& out) const {
  for (int l = 0; l < num_levels_; ++l) {
    std::vector<int>& order = out.levels[l].temporal_order;
    order = fixed_order_[l];
    const std::size_t fixed = order.size();
    for (int d = 0; d < num_dims_; ++d)
      if (!contains(fixed_order_[l], d)) order.push_back(d);
    for (std::size_t i = order.size(); i > fixed + 1; --i)
      std::swap(order[i - 1], order[fixed + uniformBelow(rng, i - fixed)]);
  }
}

bool MapSpace::sample(Rng& rng, Mapping& out) const {
  if (!sampleTiling(rng, out)) return false;
  sampleOrders(rng, out);
  return true;
}

}  // namespace cosa
