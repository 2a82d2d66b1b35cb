#include "mappers/constrained_mapspace.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

namespace cosa {

ConstrainedMapSpace::ConstrainedMapSpace(const Architecture& arch, const Workload& workload,
                                         const Constraints& constraints)
    : arch_(&arch),
      workload_(&workload),
      num_levels_(arch.numLevels()),
      num_dims_(workload.numDims()),
      num_ds_(workload.numDataSpaces()) {
  for (int l = 0; l < num_levels_; ++l) {
    fanout_.push_back(arch.fanout(l));
    fanout_x_.push_back(arch.fanoutX(l));
    fanout_y_.push_back(fanout_x_.back() > 0 ? fanout_.back() / fanout_x_.back() : 0);
    capacity_.push_back(arch.capacityWords(l));
  }
  readConstraints(constraints);
  checkFeasibility();
}

void ConstrainedMapSpace::readConstraints(const Constraints& constraints) {
  const std::size_t slots = static_cast<std::size_t>(num_levels_) * static_cast<std::size_t>(num_dims_);
  temporal_.assign(slots, std::nullopt);
  spatial_.assign(slots, std::nullopt);
  temporal_order_.assign(num_levels_, {});
  spatial_order_.assign(num_levels_, {});
  split_.assign(num_levels_, std::nullopt);
  auto checkDim = [&](int dim) {
    if (dim < 0 || dim >= num_dims_)
      throw std::invalid_argument(
          fmt::format("a constraint names dimension {}, which does not exist ({} has {} dimensions)", dim,
                      workload_->name.empty() ? "the workload" : workload_->name, num_dims_));
  };
  for (const LevelConstraint& c : constraints.items) {
    if (c.level < 0 || c.level >= num_levels_)
      throw std::invalid_argument(
          fmt::format("a constraint names level {}, which does not exist (the architecture has {} levels)",
                      c.level, num_levels_));
    if (c.kind == ConstraintKind::Bypass) {
      for (const std::vector<int>* list : {&c.keep, &c.bypass})
        for (int ds : *list)
          if (ds < 0 || ds >= num_ds_)
            throw std::invalid_argument(
                fmt::format("a keep/bypass constraint names data space {}, which does not exist", ds));
      continue;
    }
    const bool spatial = c.kind == ConstraintKind::Spatial;
    for (const auto& [dim, factor] : c.factors) {
      checkDim(dim);
      if (factor < 1)
        throw std::invalid_argument(
            fmt::format("a constraint fixes the factor {}={} at {}; factors are at least 1",
                        workload_->dimensions[dim], factor, arch_->levels[c.level].name));
      (spatial ? spatial_ : temporal_)[at(c.level, dim, num_dims_)] = factor;
      fixed_factors_.push_back({c.level, spatial, dim, factor});
      if (spatial && factor > 1 && fanout_[c.level] <= 1)
        reasons_.push_back(
            fmt::format("the spatial factor {}={} fixed at {} by the constraints (the level has no "
                        "spatial fan-out)",
                        workload_->dimensions[dim], factor, arch_->levels[c.level].name));
    }
    std::vector<int>& order = (spatial ? spatial_order_ : temporal_order_)[c.level];
    for (int d : c.permutation) {
      checkDim(d);
      if (std::find(order.begin(), order.end(), d) == order.end()) order.push_back(d);
    }
    if (spatial && c.split) split_[c.level] = *c.split;
  }

  keep_.assign(static_cast<std::size_t>(num_levels_) * static_cast<std::size_t>(num_ds_), KeepChoice::Open);
  for (int l = 0; l < num_levels_; ++l)
    for (int ds = 0; ds < num_ds_; ++ds) {
      const std::optional<bool> fixed = constraints.keeps(l, ds);
      KeepChoice& keep = keep_[at(l, ds, num_ds_)];
      if (l + 1 == num_levels_) {
        // The outermost level is the backing store: nothing can come from above it.
        if (fixed == false)
          throw std::invalid_argument(
              fmt::format("the outermost level {} must keep every data space, but the constraints "
                          "bypass {} there",
                          arch_->levels.back().name, workload_->data_spaces[ds].name));
        keep = KeepChoice::Keep;
      } else if (fixed) {
        keep = *fixed ? KeepChoice::Keep : KeepChoice::Bypass;
      }
    }
}

void ConstrainedMapSpace::checkFeasibility() {
  for (int d = 0; d < num_dims_; ++d) {
    const std::int64_t bound = workload_->bounds[d];
    std::int64_t remaining = bound;
    bool divides = true, open = false;
    for (int l = 0; l < num_levels_; ++l) {
      const std::size_t i = at(l, d, num_dims_);
      open = open || !temporal_[i] || (fanout_[l] > 1 && !spatial_[i]);
      for (const std::optional<std::int64_t>& fixed : {temporal_[i], spatial_[i]}) {
        if (!fixed) continue;
        if (remaining % *fixed != 0) {
          divides = false;
          continue;
        }
        remaining /= *fixed;
      }
    }
    if (!divides)
      reasons_.push_back(fmt::format("the fixed factors of dimension {} do not divide its bound {}",
                                     workload_->dimensions[d], bound));
    else if (remaining > 1 && !open)
      reasons_.push_back(fmt::format("every factor of dimension {} is fixed, but their product is not {}",
                                     workload_->dimensions[d], bound));
  }
  for (int l = 0; l < num_levels_; ++l) {
    if (fanout_[l] <= 1) continue;  // a factor > 1 there is reported above
    std::int64_t used = 1;
    for (int d = 0; d < num_dims_; ++d) used *= spatial_[at(l, d, num_dims_)].value_or(1);
    if (used > fanout_[l])
      reasons_.push_back(
          fmt::format("the spatial factors fixed at {} by the constraints use {} children, "
                      "beyond its fan-out of {}",
                      arch_->levels[l].name, used, fanout_[l]));
  }
}

ConstrainedMapSpace::Axis ConstrainedMapSpace::forcedAxis(int level, int dim) const {
  const std::vector<int>& order = spatial_order_[level];
  const std::optional<int> split = split_[level];
  if (!split) return Axis::Free;
  const auto it = std::find(order.begin(), order.end(), dim);
  if (it != order.end()) return it - order.begin() < *split ? Axis::X : Axis::Y;
  return *split <= static_cast<int>(order.size()) ? Axis::Y : Axis::Free;
}

std::vector<std::pair<int, int>> ConstrainedMapSpace::openKeeps() const {
  std::vector<std::pair<int, int>> open;
  for (int l = 0; l < num_levels_; ++l)
    for (int ds = 0; ds < num_ds_; ++ds)
      if (!keepFixed(l, ds)) open.emplace_back(l, ds);
  return open;
}

FrozenParts ConstrainedMapSpace::frozenParts() const {
  FrozenParts frozen{std::vector<bool>(num_levels_, false),
                     std::vector<std::vector<bool>>(num_levels_, std::vector<bool>(num_dims_, false)),
                     std::vector<std::vector<bool>>(num_levels_, std::vector<bool>(num_dims_, false)),
                     std::vector<std::vector<bool>>(num_levels_, std::vector<bool>(num_ds_, true))};
  for (int l = 0; l < num_levels_; ++l) {
    // A spatial permutation freezes the level's temporal order too: polishing has always read it so,
    // and the scheduler's results are tuned with it.
    frozen.permutation[l] = !temporal_order_[l].empty() || !spatial_order_[l].empty();
    for (int d = 0; d < num_dims_; ++d) {
      frozen.temporal[l][d] = temporal_[at(l, d, num_dims_)].has_value();
      frozen.spatial[l][d] = spatial_[at(l, d, num_dims_)].has_value();
    }
    for (int ds = 0; ds < num_ds_; ++ds) frozen.keep[l][ds] = keepFixed(l, ds);
  }
  return frozen;
}

}  // namespace cosa
