#include "mappers/cosa_formulation.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "mappers/cosa_formulation_terms.hpp"
#include "mappers/factorization.hpp"

namespace cosa {

using solver::Term;
using solver::VarType;

CosaFormulation::CosaFormulation(const Architecture& arch, const Workload& workload,
                                 const Constraints& constraints, ScheduleObjective objective,
                                 const FormulationOptions& options)
    : CosaFormulation(ConstrainedMapSpace(arch, workload, constraints), objective, options) {}

CosaFormulation::CosaFormulation(const ConstrainedMapSpace& space, ScheduleObjective objective,
                                 const FormulationOptions& options)
    : arch_(space.arch()),
      workload_(space.workload()),
      capacity_model_(options.capacity),
      energy_(options.energy ? *options.energy : builtinEnergyTable(space.arch())),
      reference_energy_per_mac_(options.reference_energy_per_mac) {
  const Architecture& arch = arch_;
  const Workload& workload = workload_;
  const int levels = arch.numLevels();
  const int num_ds = workload.numDataSpaces();
  keep_.assign(levels, std::vector<bool>(num_ds, true));
  keep_var_.assign(levels, std::vector<int>(num_ds, -1));
  for (int l = 0; l < levels; ++l)
    for (int ds = 0; ds < num_ds; ++ds) {
      if (space.keepFixed(l, ds)) {
        keep_[l][ds] = space.keepsByDefault(l, ds);
        continue;
      }
      // Left open by the mapspace: the optimiser decides, as Timeloop's mapper does.
      keep_var_[l][ds] =
          model_.addVariable(fmt::format("keep_{}_{}", arch.levels[l].name, workload.data_spaces[ds].name), 0,
                             1, VarType::Binary);
    }
  big_m_ = 64;
  for (int d = 0; d < workload.numDims(); ++d)
    big_m_ += 2 * std::log2(static_cast<double>(workload.bounds[d]));
  permutation_constraint_.assign(levels, {});
  fixed_unit_.assign(levels, std::vector<bool>(workload.numDims(), false));
  capacity_words_.assign(levels, std::nullopt);
  for (int l = 0; l < levels; ++l) {
    permutation_constraint_[l] = space.fixedPermutation(l);
    spatial_permutation_constraint_.push_back(space.fixedSpatialPermutation(l));
    forced_axis_.emplace_back();
    for (int d = 0; d < workload.numDims(); ++d) {
      forced_axis_[l].push_back(space.forcedAxis(l, d));
      fixed_unit_[l][d] = space.fixedTemporal(l, d) == 1;
    }
    capacity_words_[l] = space.capacityWords(l);
  }

  addFactorVariables();
  addFixedFactorRows(space.fixedFactors());
  addSpatialOrderRows(space);
  addFanoutRows();
  addCapacityRows();
  addTrafficAndObjective(objective);
}

std::pair<std::vector<Term>, double> CosaFormulation::keepExpr(int level, int ds) const {
  if (keep_var_[level][ds] >= 0) return {{{keep_var_[level][ds], 1.0}}, 0.0};
  return {{}, keep_[level][ds] ? 1.0 : 0.0};
}

std::vector<Term> CosaFormulation::logSpatialAbove(int level) const {
  std::vector<Term> terms;
  for (const FactorVar& f : factors_) {
    const double lp = std::log2(static_cast<double>(f.prime));
    for (int k = level + 1; k < arch_.numLevels(); ++k)
      for (int var : {f.spatial[k], f.spatial_y[k]})
        if (var >= 0) terms.push_back({var, lp});
  }
  return terms;
}

std::vector<Term> CosaFormulation::logTemporalAbove(int level) const {
  std::vector<Term> terms;
  for (const FactorVar& f : factors_)
    for (int k = level + 1; k < arch_.numLevels(); ++k)
      terms.push_back({f.temporal[k], std::log2(static_cast<double>(f.prime))});
  return terms;
}

void CosaFormulation::addFactorVariables() {
  const int levels = arch_.numLevels();
  on_y_.assign(levels, std::vector<int>(workload_.numDims(), -1));
  for (int d = 0; d < workload_.numDims(); ++d) {
    for (const PrimePower& pp : primeFactors(workload_.bounds[d])) {
      FactorVar f{d, pp.prime, pp.exponent, {}, {}, {}};
      std::vector<Term> all;
      for (int l = 0; l < levels; ++l) {
        const std::string base =
            fmt::format("{}_{}_{}", workload_.dimensions[d], pp.prime, arch_.levels[l].name);
        f.temporal.push_back(model_.addVariable("t_" + base, 0, pp.exponent, VarType::Integer));
        all.push_back({f.temporal.back(), 1});
        f.spatial.push_back(-1);
        f.spatial_y.push_back(-1);
        if (arch_.fanout(l) > 1) {
          f.spatial.back() = model_.addVariable("s_" + base, 0, pp.exponent, VarType::Integer);
          all.push_back({f.spatial.back(), 1});
        }
        if (meshed(l)) {
          // A dimension's spatial loop sits on one axis of the mesh: X or Y, never both.
          // A fixed spatial permutation and split may force the axis.
          if (on_y_[l][d] < 0) {
            const ConstrainedMapSpace::Axis forced = forced_axis_[l][d];
            on_y_[l][d] =
                model_.addVariable(fmt::format("on_y_{}_{}", workload_.dimensions[d], arch_.levels[l].name),
                                   forced == ConstrainedMapSpace::Axis::Y ? 1 : 0,
                                   forced == ConstrainedMapSpace::Axis::X ? 0 : 1, VarType::Binary);
          }
          f.spatial_y.back() = model_.addVariable("sy_" + base, 0, pp.exponent, VarType::Integer);
          all.push_back({f.spatial_y.back(), 1});
          model_.addLessEqual("axis_x_" + base, {{f.spatial.back(), 1}, {on_y_[l][d], double(pp.exponent)}},
                              pp.exponent);
          model_.addLessEqual("axis_y_" + base,
                              {{f.spatial_y.back(), 1}, {on_y_[l][d], -double(pp.exponent)}}, 0);
        }
      }
      model_.addEqual(fmt::format("product_{}_{}", workload_.dimensions[d], pp.prime), all, pp.exponent);
      factors_.push_back(std::move(f));
    }
  }
}

void CosaFormulation::addFixedFactorRows(const std::vector<FixedFactor>& fixed_factors) {
  // The user's fixed factors: pin the exponent of every prime at that level and kind.
  for (const FixedFactor& c : fixed_factors) {
    const int dim = c.dim;
    const std::int64_t factor = c.factor;
    std::int64_t rest = factor;
    for (const FactorVar& f : factors_) {
      if (f.dim != dim) continue;
      int exponent = 0;
      while (rest % f.prime == 0) {
        rest /= f.prime;
        ++exponent;
      }
      const int var = c.spatial ? f.spatial[c.level] : f.temporal[c.level];
      const std::string name = fmt::format("fixed_{}_{}_{}", workload_.dimensions[dim], f.prime, c.level);
      const std::string what = fmt::format("the {} factor {}={} fixed at {} by the constraints",
                                           c.spatial ? "spatial" : "temporal", workload_.dimensions[dim],
                                           factor, arch_.levels[c.level].name);
      if (var < 0) {
        // Impossible: the level has no fan-out.
        if (exponent > 0)
          group(what + " (the level has no spatial fan-out)", model_.addEqual(name + "_no_fanout", {}, 1));
        continue;
      }
      std::vector<Term> placed{{var, 1}};
      if (c.spatial && f.spatial_y[c.level] >= 0) placed.push_back({f.spatial_y[c.level], 1});
      group(what, model_.addEqual(name, placed, exponent));
    }
    if (rest != 1)
      group(fmt::format("the factor {}={} fixed at {} by the constraints (it does not divide the bound {})",
                        workload_.dimensions[dim], factor, arch_.levels[c.level].name, workload_.bounds[dim]),
            model_.addEqual(fmt::format("fixed_{}_does_not_divide", workload_.dimensions[dim]), {}, 1));
  }
}

void CosaFormulation::addFanoutRows() {
  for (int l = 0; l < arch_.numLevels(); ++l) {
    if (arch_.fanout(l) <= 1) continue;
    std::vector<Term> used, used_y;
    for (const FactorVar& f : factors_) {
      used.push_back({f.spatial[l], std::log2(static_cast<double>(f.prime))});
      if (f.spatial_y[l] >= 0) used_y.push_back({f.spatial_y[l], std::log2(static_cast<double>(f.prime))});
    }
    const std::int64_t fanout_x = meshed(l) ? arch_.fanoutX(l) : arch_.fanout(l);
    group(fmt::format("the spatial fan-out of {} ({}{})", arch_.levels[l].name, fanout_x,
                      meshed(l) ? " along X" : ""),
          model_.addLessEqual(fmt::format("fanout_{}", arch_.levels[l].name), used,
                              std::log2(static_cast<double>(fanout_x)) + kLogSlack));
    if (meshed(l))
      group(fmt::format("the spatial fan-out of {} ({} along Y)", arch_.levels[l].name, arch_.fanoutY(l)),
            model_.addLessEqual(fmt::format("fanout_y_{}", arch_.levels[l].name), used_y,
                                std::log2(static_cast<double>(arch_.fanoutY(l))) + kLogSlack));
  }
}

std::vector<Term> CosaFormulation::logExtent(int dim, int level) const {
  std::vector<Term> terms;
  for (const FactorVar& f : factors_) {
    if (f.dim != dim) continue;
    const double lp = std::log2(static_cast<double>(f.prime));
    for (int l = 0; l <= level; ++l) {
      terms.push_back({f.temporal[l], lp});
      if (f.spatial[l] >= 0) terms.push_back({f.spatial[l], lp});
      if (f.spatial_y[l] >= 0) terms.push_back({f.spatial_y[l], lp});
    }
  }
  return terms;
}

void CosaFormulation::group(const std::string& description, int row) {
  for (RowGroup& g : row_groups_)
    if (g.description == description) {
      g.rows.push_back(row);
      return;
    }
  row_groups_.push_back({description, {row}});
}

void CosaFormulation::addSpatialOrderRows(const ConstrainedMapSpace& space) {
  // A fixed spatial permutation without a split leaves the split to the mapper, so the X loops must
  // come first along the permutation: "on Y" never decreases along it, and the unlisted dimensions
  // (which follow it) are on Y once its last dimension is. Dimensions without a variable (bound 1)
  // have no loop and are skipped.
  for (int l = 0; l < arch_.numLevels(); ++l) {
    const std::vector<int>& listed = spatial_permutation_constraint_[l];
    if (!meshed(l) || listed.empty() || space.fixedSplit(l)) continue;
    int previous = -1;
    auto onYNoEarlierThan = [&](int d) {  // on_y[previous] <= on_y[d]
      model_.addLessEqual(fmt::format("spatial_order_{}_{}", arch_.levels[l].name, workload_.dimensions[d]),
                          {{previous, 1}, {on_y_[l][d], -1}}, 0);
    };
    for (int d : listed) {
      if (on_y_[l][d] < 0) continue;
      if (previous >= 0) onYNoEarlierThan(d);
      previous = on_y_[l][d];
    }
    if (previous < 0) continue;
    for (int d = 0; d < workload_.numDims(); ++d)
      if (on_y_[l][d] >= 0 && std::find(listed.begin(), listed.end(), d) == listed.end()) onYNoEarlierThan(d);
  }
}

Mapping CosaFormulation::decode(const std::vector<double>& values) const {
  const int levels = arch_.numLevels();
  const int dims = workload_.numDims();
  Mapping mapping = trivialMapping(levels, dims, workload_.numDataSpaces());
  auto count = [&](int var) { return var < 0 ? 0 : static_cast<int>(std::llround(values[var])); };
  for (const FactorVar& f : factors_)
    for (int l = 0; l < levels; ++l) {
      for (int i = 0; i < count(f.temporal[l]); ++i) mapping.levels[l].temporal[f.dim] *= f.prime;
      for (int i = 0; i < count(f.spatial[l]) + count(f.spatial_y[l]); ++i)
        mapping.levels[l].spatial[f.dim] *= f.prime;
    }
  for (int l = 0; l < levels; ++l) {
    LevelMapping& lm = mapping.levels[l];
    lm.keep = keep_[l];
    for (int ds = 0; ds < workload_.numDataSpaces(); ++ds)
      if (!keepFixed(l, ds)) lm.keep[ds] = values[keep_var_[l][ds]] > 0.5;
    int stationary_ds = -1;
    for (int ds = 0; ds < workload_.numDataSpaces(); ++ds)
      if (stationary_[l][ds] >= 0 && values[stationary_[l][ds]] > 0.5) stationary_ds = ds;
    // Innermost: user-fixed order, then dims irrelevant to the stationary data space, larger first.
    std::vector<int> order = permutation_constraint_[l];
    std::vector<int> rest;
    for (int d = 0; d < dims; ++d)
      if (std::find(order.begin(), order.end(), d) == order.end()) rest.push_back(d);
    std::stable_sort(rest.begin(), rest.end(), [&](int a, int b) {
      const bool ia = stationary_ds >= 0 && !workload_.isRelevant(stationary_ds, a);
      const bool ib = stationary_ds >= 0 && !workload_.isRelevant(stationary_ds, b);
      if (ia != ib) return ia;
      return lm.temporal[a] > lm.temporal[b];
    });
    order.insert(order.end(), rest.begin(), rest.end());
    lm.temporal_order = order;
    // Spatial loops: the user's fixed permutation first, then, on a mesh, the X dimensions and
    // `split` after them; otherwise all on X.
    auto onY = [&](int d) { return on_y_[l][d] >= 0 && values[on_y_[l][d]] > 0.5 && lm.spatial[d] > 1; };
    const std::vector<int>& fixed_spatial = spatial_permutation_constraint_[l];
    std::vector<int> spatial_order = fixed_spatial;
    std::vector<int> free_spatial;
    for (int d = 0; d < dims; ++d)
      if (std::find(fixed_spatial.begin(), fixed_spatial.end(), d) == fixed_spatial.end())
        free_spatial.push_back(d);
    std::stable_sort(free_spatial.begin(), free_spatial.end(), [&](int a, int b) {
      if (onY(a) != onY(b)) return !onY(a);
      return lm.spatial[a] > lm.spatial[b];
    });
    spatial_order.insert(spatial_order.end(), free_spatial.begin(), free_spatial.end());
    lm.spatial_order = spatial_order;
    if (meshed(l) && fixed_spatial.empty()) {
      lm.spatial_split = 0;
      for (int d : spatial_order)
        if (!onY(d) && lm.spatial[d] > 1) ++lm.spatial_split;
    } else if (meshed(l)) {
      // The forced axes keep every X loop ahead of the first Y loop; the split is where Y begins.
      const auto first_y = std::find_if(spatial_order.begin(), spatial_order.end(), [&](int d) {
        return (on_y_[l][d] >= 0 && values[on_y_[l][d]] > 0.5) ||
               forced_axis_[l][d] == ConstrainedMapSpace::Axis::Y;
      });
      lm.spatial_split = static_cast<int>(first_y - spatial_order.begin());
    }
  }
  return mapping;
}

}  // namespace cosa
