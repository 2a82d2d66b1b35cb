// Drawing from the factor space (the random and hybrid mappers). Unlike Timeloop's mapspace, a tiling
// drawn by the FanoutValid sampler never exceeds a level's fan-out or its X/Y mesh: Timeloop's random
// tilings almost all fail on fan-out (NOTES.md), which wastes the budget.
#include <algorithm>

#include "mappers/factor_space.hpp"

namespace cosa {

namespace {

bool contains(const std::vector<int>& v, int x) { return std::find(v.begin(), v.end(), x) != v.end(); }

}  // namespace

bool FactorSpace::sampleTiling(Rng& rng, Mapping& out, TilingSampler sampler) const {
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

  // Each slot with room is equally likely.
  std::vector<Slot> slots;
  slots.reserve(slots_.size());
  for (const Prime& p : primes) {
    slots.clear();
    for (int l = 0; l < num_levels_; ++l) {
      const std::size_t i = at(l, p.dim);
      if (temporal_open_[i]) slots.push_back({l, false});
      if (!spatial_open_[i]) continue;
      const bool x_room = used_x[l] * p.prime <= fanout_x_[l];
      const bool y_room = used_y[l] * p.prime <= fanout_y_[l];
      const bool room = axis[i] == kX ? x_room : axis[i] == kY ? y_room : x_room || y_room;
      if (room) slots.push_back({l, true});
    }
    if (slots.empty()) return false;
    const Slot slot = slots[uniformBelow(rng, slots.size())];
    scaleFactor(out, slot, p.dim, p.prime, 1);
    if (!slot.spatial) continue;
    const int level = slot.level;
    signed char& a = axis[at(level, p.dim)];
    if (a == kFree) {
      // A dimension's spatial factor sits on one axis: pick one with room.
      const bool x_room = used_x[level] * p.prime <= fanout_x_[level];
      const bool y_room = used_y[level] * p.prime <= fanout_y_[level];
      a = x_room && y_room ? (uniformBelow(rng, 2) == 0 ? kX : kY) : x_room ? kX : kY;
    }
    (a == kX ? used_x[level] : used_y[level]) *= p.prime;
  }

  setSpatialOrders(out, axis);
  return true;
}

void FactorSpace::placeUniformly(Rng& rng, Mapping& out, std::vector<signed char>& axis,
                                 std::vector<std::int64_t>& used_x, std::vector<std::int64_t>& used_y) const {
  std::vector<std::uint64_t> cut;
  for (const PrimeItem& item : items_) {
    if (item.free <= 0) continue;
    const std::size_t parts = item.open_slots.size();
    if (parts == 0) continue;  // cannot happen: the constrained mapspace reports it infeasible
    // A uniform composition of the exponent into `parts` parts: choose the positions of the parts - 1
    // bars among exponent + parts - 1 places (partial Fisher-Yates).
    const std::size_t places = static_cast<std::size_t>(item.free) + parts - 1;
    cut.resize(places);
    for (std::size_t i = 0; i < places; ++i) cut[i] = i;
    for (std::size_t i = 0; i + 1 < parts; ++i) std::swap(cut[i], cut[i + uniformBelow(rng, places - i)]);
    std::sort(cut.begin(), cut.begin() + static_cast<std::ptrdiff_t>(parts - 1));
    std::uint64_t previous = 0;
    for (std::size_t s = 0; s < parts; ++s) {
      const std::uint64_t end = s + 1 < parts ? cut[s] : places;
      const int count = static_cast<int>(end - previous - (s > 0 ? 1 : 0));
      previous = end;
      if (count == 0) continue;
      const Slot slot = slots_[static_cast<std::size_t>(item.open_slots[s])];
      scaleFactor(out, slot, item.dim, item.prime, count);
      if (!slot.spatial) continue;
      std::int64_t added = 1;
      for (int k = 0; k < count; ++k) added *= item.prime;
      const int level = slot.level;
      signed char& a = axis[at(level, item.dim)];
      if (a == kFree) {
        // An axis with room if there is one; else X, and the model will reject the fan-out.
        const bool x_room = used_x[level] * added <= fanout_x_[level];
        const bool y_room = used_y[level] * added <= fanout_y_[level];
        a = x_room && y_room ? (uniformBelow(rng, 2) == 0 ? kX : kY) : y_room ? kY : kX;
      }
      (a == kX ? used_x[level] : used_y[level]) *= added;
    }
  }
}

void FactorSpace::setSpatialOrders(Mapping& out, const std::vector<signed char>& axis) const {
  // Spatial orders: the fixed permutation, then X dimensions, then Y; the split counts the X part.
  for (int l = 0; l < num_levels_; ++l) {
    LevelMapping& lm = out.levels[l];
    std::vector<int> order = fixed_spatial_order_[l];
    int x_count = 0;
    for (int d : order)
      if (axis[at(l, d)] != kY) ++x_count;
    for (int pass = 0; pass < 2; ++pass)
      for (int d = 0; d < num_dims_; ++d) {
        if (contains(fixed_spatial_order_[l], d)) continue;
        const bool on_y = axis[at(l, d)] == kY;
        if (on_y != (pass == 1)) continue;
        order.push_back(d);
        if (!on_y) ++x_count;
      }
    lm.spatial_order = order;
    const bool has_y = fanout_y_[l] > 1 || fixed_split_[l] >= 0;
    lm.spatial_split = has_y ? x_count : -1;
  }
}

void FactorSpace::sampleOrders(Rng& rng, Mapping& out) const {
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

bool FactorSpace::sample(Rng& rng, Mapping& out) const {
  if (!sampleTiling(rng, out)) return false;
  sampleOrders(rng, out);
  return true;
}

}  // namespace cosa
