// The factor space: its construction from the constrained mapspace, the exhaustive mapper's
// enumeration and local search's moves. Drawing is in factor_space_sampling.cpp.
#include "mappers/factor_space.hpp"

#include <algorithm>

#include "mappers/factorization.hpp"

namespace cosa {

namespace {

bool contains(const std::vector<int>& v, int x) { return std::find(v.begin(), v.end(), x) != v.end(); }

// Every vector of `parts` non-negative exponents summing to `total`, the first part largest first.
void compositions(int total, int parts, std::vector<int>& prefix, std::vector<std::vector<int>>& out) {
  if (parts == 1) {
    prefix.push_back(total);
    out.push_back(prefix);
    prefix.pop_back();
    return;
  }
  for (int first = total; first >= 0; --first) {
    prefix.push_back(first);
    compositions(total - first, parts - 1, prefix, out);
    prefix.pop_back();
  }
}

std::int64_t power(std::int64_t base, int exponent) {
  std::int64_t p = 1;
  for (int i = 0; i < exponent; ++i) p *= base;
  return p;
}

}  // namespace

FactorSpace::FactorSpace(const Architecture& arch, const Workload& workload, const Constraints& constraints)
    : FactorSpace(ConstrainedMapSpace(arch, workload, constraints)) {}

FactorSpace::FactorSpace(const ConstrainedMapSpace& space)
    : constrained_(space),
      num_levels_(space.numLevels()),
      num_dims_(space.numDims()),
      num_ds_(space.numDataSpaces()),
      open_keeps_(space.openKeeps()) {
  for (int l = 0; l < num_levels_; ++l) {
    fanout_.push_back(space.fanout(l));
    fanout_x_.push_back(space.fanoutX(l));
    fanout_y_.push_back(space.fanoutY(l));
    fixed_order_.push_back(space.fixedPermutation(l));
    fixed_spatial_order_.push_back(space.fixedSpatialPermutation(l));
    fixed_split_.push_back(space.fixedSplit(l).value_or(-1));
    order_frozen_.push_back(!fixed_order_.back().empty() || !fixed_spatial_order_.back().empty());
    std::optional<SpatialArrangement> fixed;
    if (!fixed_spatial_order_.back().empty() || space.fixedSplit(l)) {
      fixed = SpatialArrangement{fixed_spatial_order_.back(), fixed_split_.back()};
      for (int d = 0; d < num_dims_; ++d)
        if (!contains(fixed->order, d)) fixed->order.push_back(d);
    }
    fixed_arrangement_.push_back(std::move(fixed));
    fixed_arrangement_split_free_.push_back(!space.fixedSplit(l).has_value());
  }
  buildSlotsAndPrimes();
  buildSamplingBase();
}

void FactorSpace::buildSlotsAndPrimes() {
  const std::size_t cells = static_cast<std::size_t>(num_levels_) * static_cast<std::size_t>(num_dims_);
  temporal_open_.assign(cells, 1);
  spatial_open_.assign(cells, 0);
  for (int l = 0; l < num_levels_; ++l) {
    slots_.push_back({l, false});
    if (fanout_[l] > 1) slots_.push_back({l, true});
    for (int d = 0; d < num_dims_; ++d) {
      if (constrained_.fixedTemporal(l, d)) temporal_open_[at(l, d)] = 0;
      if (fanout_[l] > 1 && !constrained_.fixedSpatial(l, d)) spatial_open_[at(l, d)] = 1;
    }
  }
  const Workload& workload = constrained_.workload();
  primes_of_.assign(num_dims_, {});
  for (int d = 0; d < num_dims_; ++d) {
    for (const PrimePower& pp : primeFactors(workload.bounds[d])) {
      PrimeItem item{d, pp.prime, std::vector<int>(slots_.size(), 0), {}, pp.exponent};
      for (std::size_t s = 0; s < slots_.size(); ++s) {
        const Slot slot = slots_[s];
        const std::optional<std::int64_t> fixed = slot.spatial ? constrained_.fixedSpatial(slot.level, d)
                                                               : constrained_.fixedTemporal(slot.level, d);
        if (!fixed) {
          item.open_slots.push_back(static_cast<int>(s));
          continue;
        }
        for (std::int64_t f = *fixed; f > 0 && f % pp.prime == 0; f /= pp.prime) ++item.pinned[s];
        item.free -= item.pinned[s];
      }
      // Negative only when the fixed factors do not divide the bound: infeasible, and said so.
      for (int i = 0; i < item.free; ++i) primes_.push_back({d, pp.prime});
      primes_of_[d].push_back(pp.prime);
      items_.push_back(std::move(item));
    }
  }
}

void FactorSpace::buildSamplingBase() {
  error_ = constrained_.infeasibility();
  base_ = trivialMapping(num_levels_, num_dims_, num_ds_);
  const std::size_t cells = static_cast<std::size_t>(num_levels_) * static_cast<std::size_t>(num_dims_);
  forced_axis_.assign(cells, kFree);
  base_axis_.assign(cells, kFree);
  base_used_x_.assign(num_levels_, 1);
  base_used_y_.assign(num_levels_, 1);
  for (int l = 0; l < num_levels_; ++l) {
    LevelMapping& lm = base_.levels[l];
    for (int ds = 0; ds < num_ds_; ++ds) lm.keep[ds] = constrained_.keepsByDefault(l, ds);
    for (int d = 0; d < num_dims_; ++d) {
      lm.temporal[d] = constrained_.fixedTemporal(l, d).value_or(1);
      lm.spatial[d] = constrained_.fixedSpatial(l, d).value_or(1);
    }
  }
  for (int l = 0; l < num_levels_; ++l) placeFixedSpatialAxes(l);
  // Canonical temporal orders: the fixed permutation innermost, then ascending dimensions.
  for (int l = 0; l < num_levels_; ++l) {
    std::vector<int> order = fixed_order_[l];
    for (int d = 0; d < num_dims_; ++d)
      if (!contains(order, d)) order.push_back(d);
    base_.levels[l].temporal_order = order;
  }
}

void FactorSpace::placeFixedSpatialAxes(int l) {
  // X/Y axes forced by a fixed spatial permutation and split. Without a split Timeloop chooses one:
  // sampling takes the largest that the fixed spatial factors fit (all listed dimensions on X when
  // they fit there), so the listed X loops stay ahead of the Y loops.
  const std::vector<int>& listed = fixed_spatial_order_[l];
  const bool split_free = fixed_split_[l] < 0 && !listed.empty();
  std::string overflow;
  for (int split = static_cast<int>(listed.size()); split >= 0; --split) {
    for (int d = 0; d < num_dims_; ++d) {
      const ConstrainedMapSpace::Axis forced = constrained_.forcedAxis(l, d);
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
      forced_axis_[at(l, d)] = axis;
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
    error_ = "the fixed spatial factors exceed the fan-out of level " + constrained_.arch().levels[l].name +
             overflow;
}

std::string FactorSpace::placeFixedSpatialFactors(int l) {
  // Fixed spatial factors take their share of the fan-out first.
  base_used_x_[l] = base_used_y_[l] = 1;
  std::string overflow;
  for (int d = 0; d < num_dims_; ++d) {
    const std::int64_t f = base_.levels[l].spatial[d];
    signed char axis = forced_axis_[at(l, d)];
    if (axis == kFree && f > 1) axis = base_used_x_[l] * f <= fanout_x_[l] ? kX : kY;
    base_axis_[at(l, d)] = axis;
    if (f == 1) continue;
    std::int64_t& used = axis == kX ? base_used_x_[l] : base_used_y_[l];
    used *= f;
    if (used > (axis == kX ? fanout_x_[l] : fanout_y_[l]) && overflow.empty())
      overflow = axis == kX ? " along X" : " along Y";
  }
  return overflow;
}

std::int64_t& FactorSpace::factorAt(Mapping& mapping, Slot slot, int dim) {
  LevelMapping& lm = mapping.levels[slot.level];
  return slot.spatial ? lm.spatial[dim] : lm.temporal[dim];
}

std::int64_t FactorSpace::factorAt(const Mapping& mapping, Slot slot, int dim) {
  const LevelMapping& lm = mapping.levels[slot.level];
  return slot.spatial ? lm.spatial[dim] : lm.temporal[dim];
}

void FactorSpace::scaleFactor(Mapping& mapping, Slot slot, int dim, std::int64_t prime, int exponent) {
  std::int64_t& factor = factorAt(mapping, slot, dim);
  if (exponent >= 0)
    factor *= power(prime, exponent);
  else
    factor /= power(prime, -exponent);
}

std::vector<std::vector<int>> FactorSpace::splits(const PrimeItem& item) const {
  std::vector<std::vector<int>> out;
  if (item.open_slots.empty()) return {item.pinned};
  std::vector<std::vector<int>> parts;
  std::vector<int> prefix;
  compositions(item.free, static_cast<int>(item.open_slots.size()), prefix, parts);
  for (const std::vector<int>& part : parts) {
    std::vector<int> split = item.pinned;
    for (std::size_t i = 0; i < item.open_slots.size(); ++i)
      split[static_cast<std::size_t>(item.open_slots[i])] = part[i];
    out.push_back(std::move(split));
  }
  return out;
}

void FactorSpace::placeSplit(Mapping& mapping, const PrimeItem& item, const std::vector<int>& split) const {
  for (std::size_t s = 0; s < split.size(); ++s)
    if (split[s] != 0) scaleFactor(mapping, slots_[s], item.dim, item.prime, split[s]);
}

void FactorSpace::removeSplit(Mapping& mapping, const PrimeItem& item, const std::vector<int>& split) const {
  for (std::size_t s = 0; s < split.size(); ++s)
    if (split[s] != 0) scaleFactor(mapping, slots_[s], item.dim, item.prime, -split[s]);
}

Mapping FactorSpace::unplaced(std::uint64_t keep_pattern) const {
  Mapping mapping = trivialMapping(num_levels_, num_dims_, num_ds_);
  for (int l = 0; l < num_levels_; ++l)
    for (int ds = 0; ds < num_ds_; ++ds) mapping.levels[l].keep[ds] = constrained_.keepsByDefault(l, ds);
  for (std::size_t i = 0; i < open_keeps_.size(); ++i)
    mapping.levels[open_keeps_[i].first].keep[open_keeps_[i].second] = ((keep_pattern >> i) & 1) == 0;
  return mapping;
}

bool FactorSpace::fitsMesh(int level, const LevelMapping& lm, const SpatialArrangement& arrangement) const {
  std::int64_t used = 1, used_x = 1;
  for (std::int64_t f : lm.spatial) used *= f;
  const int split = arrangement.split < 0 ? num_dims_ : arrangement.split;
  for (int i = 0; i < static_cast<int>(arrangement.order.size()) && i < split; ++i)
    used_x *= lm.spatial[arrangement.order[i]];
  return used <= fanout_[level] && used_x <= fanout_x_[level] && used / used_x <= fanout_y_[level];
}

std::vector<SpatialArrangement> FactorSpace::spatialArrangements(int level, const LevelMapping& lm,
                                                                 bool collapse) const {
  std::vector<SpatialArrangement> arrangements;
  std::vector<int> non_unit, unit;
  for (int d = 0; d < num_dims_; ++d) (lm.spatial[d] > 1 ? non_unit : unit).push_back(d);
  auto add = [&](std::vector<int> order, int split) {
    order.insert(order.end(), unit.begin(), unit.end());
    SpatialArrangement arrangement{std::move(order), split};
    if (fitsMesh(level, lm, arrangement)) arrangements.push_back(std::move(arrangement));
  };
  const std::optional<SpatialArrangement>& fixed = fixed_arrangement_[level];
  if (fixed && fixed_arrangement_split_free_[level]) {
    // The order is the user's, the split is searched (Timeloop chooses it when none is given).
    SpatialArrangement arrangement = *fixed;
    for (int split = num_dims_; split >= 0; --split) {
      arrangement.split = split == num_dims_ ? -1 : split;
      if (fitsMesh(level, lm, arrangement)) arrangements.push_back(arrangement);
      if (fanout_y_[level] <= 1) break;  // no mesh: everything is on X
    }
  } else if (fixed) {
    if (fitsMesh(level, lm, *fixed)) arrangements.push_back(*fixed);
  } else if (non_unit.empty()) {
    add({}, -1);
  } else if (collapse) {
    // Each subset of the non-unit loops on X (all of them first), the rest on Y.
    const int k = static_cast<int>(non_unit.size());
    for (int mask = (1 << k) - 1; mask >= 0; --mask) {
      std::vector<int> x, y;
      for (int i = 0; i < k; ++i) (mask >> i & 1 ? x : y).push_back(non_unit[i]);
      const int split = y.empty() ? -1 : static_cast<int>(x.size());
      x.insert(x.end(), y.begin(), y.end());
      add(std::move(x), split);
    }
  } else {
    std::vector<int> order = non_unit;
    do
      for (int split = 0; split <= static_cast<int>(order.size()); ++split)
        add(order, split == static_cast<int>(order.size()) ? -1 : split);
    while (std::next_permutation(order.begin(), order.end()));
  }
  return arrangements;
}

bool FactorSpace::allows(const Mapping& mapping, const PrimeMove& move) const {
  return !(move.from == move.to) && isOpen(move.from, move.dim) && isOpen(move.to, move.dim) &&
         factorAt(mapping, move.from, move.dim) % move.prime == 0;
}

void FactorSpace::apply(Mapping& mapping, const PrimeMove& move) const {
  scaleFactor(mapping, move.from, move.dim, move.prime, -1);
  scaleFactor(mapping, move.to, move.dim, move.prime, 1);
}

void FactorSpace::toggleKeep(Mapping& mapping, int level, int ds) const {
  if (keepOpen(level, ds)) mapping.levels[level].keep[ds] = !mapping.levels[level].keep[ds];
}

void FactorSpace::bringInnermost(Mapping& mapping, int level, std::size_t position) {
  std::vector<int>& order = mapping.levels[level].temporal_order;
  const int dim = order[position];
  order.erase(order.begin() + static_cast<std::ptrdiff_t>(position));
  order.insert(order.begin(), dim);
}

}  // namespace cosa
