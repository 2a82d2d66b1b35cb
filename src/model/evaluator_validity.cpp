// Evaluator: which mappings are valid, and Timeloop's wording of why one is not.
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

// The reason a mapping is invalid (Timeloop's wording), or empty when it is valid.
std::string Evaluator::describeFailure(const Mapping& mapping) {
  if (static_cast<int>(mapping.levels.size()) != num_levels_)
    return fmt::format("mapping has {} levels but the architecture has {}", mapping.levels.size(),
                       num_levels_);
  // Shapes and factors level by level, accumulating the extents (products of the factors at and
  // below each level) on the way.
  for (int l = 0; l < num_levels_; ++l) {
    const LevelMapping& level = mapping.levels[l];
    if (static_cast<int>(level.temporal.size()) != num_dims_ ||
        static_cast<int>(level.spatial.size()) != num_dims_ || static_cast<int>(level.keep.size()) != num_ds_)
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
  }
  const bool residuals = mapping.hasResiduals();
  if (residuals) {
    if (std::string why = describeResidualFailure(mapping); !why.empty()) return why;
  }
  const std::int64_t* total = &extents_[static_cast<std::size_t>((num_levels_ - 1) * num_dims_)];
  for (int d = 0; d < num_dims_ && !residuals; ++d)
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
    std::int64_t used = 0;
    for (int ds = 0; ds < num_ds_; ++ds) {
      std::int64_t unused[kMaxAxes];
      if (mapping.levels[l].keep[ds])
        used += axisExtents(ds, &extents_[static_cast<std::size_t>(l * num_dims_)], unused);
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

// Residual vectors of the right size, every residual in [1, factor], and Timeloop's residual
// product equal to every bound.
bool Evaluator::residualsValid(const Mapping& mapping) const {
  for (const LevelMapping& level : mapping.levels) {
    for (const auto* residuals : {&level.temporal_residual, &level.spatial_residual}) {
      if (residuals->empty()) continue;
      if (static_cast<int>(residuals->size()) != num_dims_) return false;
      const std::vector<std::int64_t>& factors =
          residuals == &level.temporal_residual ? level.temporal : level.spatial;
      for (int d = 0; d < num_dims_; ++d)
        if ((*residuals)[d] < 1 || (*residuals)[d] > factors[d]) return false;
    }
  }
  for (int d = 0; d < num_dims_; ++d) {
    bool overflow = false;
    if (mapping.residualProduct(d, &overflow) != workload_.bounds[d] || overflow) return false;
  }
  return true;
}

std::string Evaluator::describeResidualFailure(const Mapping& mapping) const {
  for (int l = 0; l < num_levels_; ++l) {
    const LevelMapping& level = mapping.levels[l];
    for (const bool temporal : {true, false}) {
      const std::vector<std::int64_t>& residuals =
          temporal ? level.temporal_residual : level.spatial_residual;
      const std::vector<std::int64_t>& factors = temporal ? level.temporal : level.spatial;
      if (residuals.empty()) continue;
      if (static_cast<int>(residuals.size()) != num_dims_)
        return fmt::format("mapping of level {} does not match the workload's dimensions",
                           arch_.levels[l].name);
      for (int d = 0; d < num_dims_; ++d)
        if (residuals[d] < 1 || residuals[d] > factors[d])
          return fmt::format("level {}: residual {} of the {} factor {}{} must be between 1 and {}",
                             arch_.levels[l].name, residuals[d], temporal ? "temporal" : "spatial",
                             workload_.dimensions[d], factors[d], factors[d]);
    }
  }
  for (int d = 0; d < num_dims_; ++d) {
    bool overflow = false;
    const std::int64_t product = mapping.residualProduct(d, &overflow);
    if (overflow)
      return fmt::format(
          "product of all factors of dimension {} overflows, so it is not equal to the dimension size of the "
          "workload {}.",
          workload_.dimensions[d], workload_.bounds[d]);
    if (product != workload_.bounds[d])
      return fmt::format(
          "product of all factors of dimension {} is {}, which is not equal to the dimension size of the "
          "workload {}.",
          workload_.dimensions[d], product, workload_.bounds[d]);
  }
  return {};
}

std::string Evaluator::checkValidity(const Mapping& mapping) {
  return prepare(mapping) ? std::string() : describeFailure(mapping);
}

}  // namespace cosa
