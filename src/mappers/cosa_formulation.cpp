#include "mappers/cosa_formulation.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "mappers/factorization.hpp"

namespace cosa {

using solver::Term;
using solver::VarType;

namespace {

constexpr double kLogSlack = 1e-7;  // absorbs floating error in log2 of exact integer products
// Finite bounds for log-valued helper variables (all real values lie far inside): infinite bounds
// on free columns upset Clp's pricing on some layers.
constexpr double kLogLower = -256.0;
constexpr double kLogUpper = 256.0;

// All ways to split `total` grid units among `parts` data spaces, every part at least one unit.
void compositions(int total, int parts, std::vector<int>& prefix, std::vector<std::vector<int>>& out) {
  if (parts == 1) {
    prefix.push_back(total);
    out.push_back(prefix);
    prefix.pop_back();
    return;
  }
  for (int first = 1; first <= total - (parts - 1); ++first) {
    prefix.push_back(first);
    compositions(total - first, parts - 1, prefix, out);
    prefix.pop_back();
  }
}

std::vector<Term> plus(std::vector<Term> a, const std::vector<Term>& b, double scale = 1.0) {
  for (const Term& t : b) a.push_back({t.var, t.coef * scale});
  return a;
}

}  // namespace

ScheduleObjective parseObjective(const std::string& name) {
  if (name == "latency") return ScheduleObjective::Latency;
  if (name == "energy") return ScheduleObjective::Energy;
  if (name == "edp") return ScheduleObjective::Edp;
  if (name == "cosa-paper") return ScheduleObjective::CosaPaper;
  throw std::invalid_argument("unknown objective '" + name +
                              "' (expected latency, energy, edp or cosa-paper)");
}

std::string toString(ScheduleObjective objective) {
  switch (objective) {
    case ScheduleObjective::Latency:
      return "latency";
    case ScheduleObjective::Energy:
      return "energy";
    case ScheduleObjective::Edp:
      return "edp";
    case ScheduleObjective::CosaPaper:
      return "cosa-paper";
  }
  return "latency";
}

CosaFormulation::CosaFormulation(const Architecture& arch, const Workload& workload,
                                 const Constraints& constraints, ScheduleObjective objective)
    : arch_(arch), workload_(workload) {
  const int levels = arch.numLevels();
  keep_.assign(levels, std::vector<bool>(workload.numDataSpaces(), true));
  for (int l = 0; l + 1 < levels; ++l)
    for (int ds = 0; ds < workload.numDataSpaces(); ++ds)
      keep_[l][ds] = constraints.keeps(l, ds).value_or(true);
  // The outermost level is the backing store: nothing can come from above it.
  for (int ds = 0; ds < workload.numDataSpaces(); ++ds)
    if (constraints.keeps(levels - 1, ds) == false)
      throw std::invalid_argument(
          fmt::format("the outermost level {} must keep every data space, but the constraints "
                      "bypass {} there",
                      arch.levels.back().name, workload.data_spaces[ds].name));
  permutation_constraint_.assign(levels, {});
  for (const LevelConstraint& c : constraints.items)
    if (c.kind == ConstraintKind::Temporal && !c.permutation.empty())
      permutation_constraint_[c.level] = c.permutation;

  addFactorVariables(constraints);
  addFanoutRows();
  addCapacityRows();
  addObjective(objective);
}

void CosaFormulation::addFactorVariables(const Constraints& constraints) {
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
          if (on_y_[l][d] < 0)
            on_y_[l][d] =
                model_.addVariable(fmt::format("on_y_{}_{}", workload_.dimensions[d], arch_.levels[l].name),
                                   0, 1, VarType::Binary);
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
  // The user's fixed factors: pin the exponent of every prime at that level and kind.
  for (const LevelConstraint& c : constraints.items) {
    if (c.kind == ConstraintKind::Bypass) continue;
    for (const auto& [dim, factor] : c.factors) {
      std::int64_t rest = factor;
      for (const FactorVar& f : factors_) {
        if (f.dim != dim) continue;
        int exponent = 0;
        while (rest % f.prime == 0) {
          rest /= f.prime;
          ++exponent;
        }
        const int var = c.kind == ConstraintKind::Temporal ? f.temporal[c.level] : f.spatial[c.level];
        const std::string name = fmt::format("fixed_{}_{}_{}", workload_.dimensions[dim], f.prime, c.level);
        const std::string what = fmt::format("the {} factor {}={} fixed at {} by the constraints",
                                             c.kind == ConstraintKind::Temporal ? "temporal" : "spatial",
                                             workload_.dimensions[dim], factor, arch_.levels[c.level].name);
        if (var < 0) {
          // Impossible: the level has no fan-out.
          if (exponent > 0)
            group(what + " (the level has no spatial fan-out)", model_.addEqual(name + "_no_fanout", {}, 1));
          continue;
        }
        std::vector<Term> placed{{var, 1}};
        if (c.kind == ConstraintKind::Spatial && f.spatial_y[c.level] >= 0)
          placed.push_back({f.spatial_y[c.level], 1});
        group(what, model_.addEqual(name, placed, exponent));
      }
      if (rest != 1)
        group(
            fmt::format("the factor {}={} fixed at {} by the constraints (it does not divide the bound {})",
                        workload_.dimensions[dim], factor, arch_.levels[c.level].name, workload_.bounds[dim]),
            model_.addEqual(fmt::format("fixed_{}_does_not_divide", workload_.dimensions[dim]), {}, 1));
    }
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

std::vector<Term> CosaFormulation::logTileUpperBound(int ds, int level) {
  std::vector<Term> total;
  double constant = 0;
  for (std::size_t a = 0; a < workload_.data_spaces[ds].axes.size(); ++a) {
    std::vector<const ProjectionTerm*> live;
    for (const ProjectionTerm& term : workload_.data_spaces[ds].axes[a])
      if (term.coefficient != 0 && workload_.bounds[term.dim] > 1) live.push_back(&term);
    if (live.empty()) continue;
    if (live.size() == 1) {
      // c*(n-1)+1 <= c*n.
      constant += std::log2(static_cast<double>(live[0]->coefficient));
      total = plus(total, logExtent(live[0]->dim, level));
      continue;
    }
    // Sliding window: 1 + sum c_i (n_i - 1) <= k * max_i c_i n_i, bounded from above by omega.
    const int omega =
        model_.addVariable(fmt::format("window_{}_{}_{}", workload_.data_spaces[ds].name, a, level), 0,
                           kLogUpper, VarType::Continuous);
    for (const ProjectionTerm* term : live) {
      std::vector<Term> row{{omega, 1}};
      row = plus(row, logExtent(term->dim, level), -1.0);
      model_.addGreaterEqual(
          fmt::format("window_{}_{}_{}_{}", workload_.data_spaces[ds].name, a, level,
                      workload_.dimensions[term->dim]),
          row,
          std::log2(static_cast<double>(live.size())) + std::log2(static_cast<double>(term->coefficient)));
    }
    total.push_back({omega, 1});
  }
  if (constant != 0) {
    // Carry constants through a fixed variable so rows stay plain term lists.
    const int one = model_.addVariable(fmt::format("const_{}_{}", ds, level), 1, 1, VarType::Continuous);
    total.push_back({one, constant});
  }
  return total;
}

void CosaFormulation::addCapacityRows() {
  const int levels = arch_.numLevels();
  tile_terms_.assign(levels, std::vector<std::vector<Term>>(workload_.numDataSpaces()));
  for (int l = 0; l < levels; ++l)
    for (int ds = 0; ds < workload_.numDataSpaces(); ++ds) tile_terms_[l][ds] = logTileUpperBound(ds, l);

  for (int l = 0; l < levels; ++l) {
    const StorageLevel& spec = arch_.levels[l];
    if (!spec.entries) continue;
    std::vector<int> kept;
    for (int ds = 0; ds < workload_.numDataSpaces(); ++ds)
      if (keep_[l][ds]) kept.push_back(ds);
    if (kept.empty()) continue;
    // A level of 0 words (a dummy level) holds nothing: half a word keeps the row finite and
    // infeasible for any kept data space.
    const double capacity =
        std::log2(std::max(static_cast<double>(*spec.entries) * spec.multiple_buffering, 0.5)) + kLogSlack;
    std::string kept_names;
    for (int ds : kept) kept_names += (kept_names.empty() ? "" : ", ") + workload_.data_spaces[ds].name;
    const std::string what = fmt::format("the capacity of {} ({} word{}) for the data spaces it keeps ({})",
                                         spec.name, *spec.entries, *spec.entries == 1 ? "" : "s", kept_names);
    if (kept.size() == 1) {
      group(what,
            model_.addLessEqual(fmt::format("capacity_{}", spec.name), tile_terms_[l][kept[0]], capacity));
      continue;
    }
    // Shared capacity: choose one split of the entries among the kept data spaces.
    const int grid = kept.size() == 2 ? 16 : 8;
    std::vector<std::vector<int>> splits;
    std::vector<int> prefix;
    compositions(grid, static_cast<int>(kept.size()), prefix, splits);
    std::vector<int> choice;
    std::vector<Term> one_of;
    for (std::size_t s = 0; s < splits.size(); ++s) {
      choice.push_back(model_.addVariable(fmt::format("split_{}_{}", spec.name, s), 0, 1, VarType::Binary));
      one_of.push_back({choice.back(), 1});
    }
    model_.addEqual(fmt::format("split_{}", spec.name), one_of, 1);
    for (std::size_t i = 0; i < kept.size(); ++i) {
      std::vector<Term> row = tile_terms_[l][kept[i]];
      for (std::size_t s = 0; s < splits.size(); ++s)
        row.push_back({choice[s], -std::log2(static_cast<double>(splits[s][i]) / grid)});
      group(what,
            model_.addLessEqual(fmt::format("capacity_{}_{}", spec.name, workload_.data_spaces[kept[i]].name),
                                row, capacity));
    }
  }
}

void CosaFormulation::addObjective(ScheduleObjective objective) {
  const int levels = arch_.numLevels();
  const int num_ds = workload_.numDataSpaces();

  std::vector<Term> log_compute;
  for (const FactorVar& f : factors_)
    for (int l = 0; l < levels; ++l)
      log_compute.push_back({f.temporal[l], std::log2(static_cast<double>(f.prime))});

  // Stationarity choice per level with children.
  stationary_.assign(levels, std::vector<int>(num_ds, -1));
  for (int l = 1; l < levels; ++l) {
    std::vector<Term> at_most_one;
    for (int ds = 0; ds < num_ds; ++ds) {
      stationary_[l][ds] = model_.addVariable(
          fmt::format("stationary_{}_{}", arch_.levels[l].name, workload_.data_spaces[ds].name), 0, 1,
          VarType::Binary);
      at_most_one.push_back({stationary_[l][ds], 1});
    }
    model_.addLessEqual(fmt::format("stationary_{}", arch_.levels[l].name), at_most_one, 1);
  }

  // Per-word energy weights (log terms of costlier levels count more).
  const std::vector<double> weights = [&] {
    std::vector<double> w(levels, 1.0);
    double max_energy = 0;
    for (int l = 0; l < levels; ++l) {
      const auto& spec = arch_.levels[l];
      const double per_word = spec.technology == "DRAM" ? 100.0 : std::log2(2.0 + spec.entries.value_or(1));
      w[l] = per_word;
      max_energy = std::max(max_energy, per_word);
    }
    for (double& x : w) x /= max_energy;
    return w;
  }();

  const int T = model_.addVariable("log_latency", kLogLower, kLogUpper, VarType::Continuous);
  model_.addGreaterEqual("latency_compute", plus({{T, 1}}, log_compute, -1.0), 0);

  std::vector<Term> traffic_sum;    // weighted log traffic (energy proxy)
  std::vector<Term> traffic_plain;  // unweighted (cosa-paper)
  for (int ds = 0; ds < num_ds; ++ds) {
    const bool rw = workload_.data_spaces[ds].read_write;
    std::vector<int> keepers;
    for (int l = 0; l < levels; ++l)
      if (keep_[l][ds]) keepers.push_back(l);
    for (std::size_t i = 0; i + 1 < keepers.size(); ++i) {
      const int l = keepers[i];
      const int parent = keepers[i + 1];
      // Reuse credited when the level above leaves this data space stationary.
      const int reuse = model_.addVariable(fmt::format("reuse_{}_{}", workload_.data_spaces[ds].name, l), 0,
                                           kLogUpper, VarType::Continuous);
      std::vector<Term> reuse_row{{reuse, 1}};
      for (const FactorVar& f : factors_)
        if (!workload_.isRelevant(ds, f.dim))
          reuse_row.push_back({f.temporal[l + 1], -std::log2(static_cast<double>(f.prime))});
      model_.addLessEqual(fmt::format("reuse_loops_{}_{}", workload_.data_spaces[ds].name, l), reuse_row, 0);
      // Tight big-M: the most reuse possible is the product of all dimensions irrelevant to ds.
      double max_reuse = 0;
      for (int d = 0; d < workload_.numDims(); ++d)
        if (!workload_.isRelevant(ds, d)) max_reuse += std::log2(static_cast<double>(workload_.bounds[d]));
      model_.addLessEqual(fmt::format("reuse_choice_{}_{}", workload_.data_spaces[ds].name, l),
                          {{reuse, 1}, {stationary_[l + 1][ds], -max_reuse}}, 0);
      // log traffic from parent into all children of one parent instance.
      const int traffic = model_.addVariable(fmt::format("traffic_{}_{}", workload_.data_spaces[ds].name, l),
                                             kLogLower, kLogUpper, VarType::Continuous);
      std::vector<Term> row{{traffic, 1}, {reuse, 1}};
      row = plus(row, tile_terms_[l][ds], -1.0);
      for (const FactorVar& f : factors_) {
        const double lp = std::log2(static_cast<double>(f.prime));
        for (int k = l + 1; k < levels; ++k) row.push_back({f.temporal[k], -lp});
        if (workload_.isRelevant(ds, f.dim))
          for (int k = l + 1; k <= parent; ++k)
            for (int var : {f.spatial[k], f.spatial_y[k]})
              if (var >= 0) row.push_back({var, -lp});
      }
      model_.addGreaterEqual(fmt::format("traffic_{}_{}", workload_.data_spaces[ds].name, l), row, 0);
      traffic_sum.push_back({traffic, weights[parent]});
      traffic_plain.push_back({traffic, 1.0});
      // Bandwidth-limited parents bound the latency (several data spaces share a port).
      const StorageLevel& p = arch_.levels[parent];
      const auto bandwidth = rw ? p.write_bandwidth : p.read_bandwidth;
      if (bandwidth) {
        int sharing = 0;
        for (int other = 0; other < num_ds; ++other)
          if (keep_[parent][other] && workload_.data_spaces[other].read_write == rw) ++sharing;
        model_.addGreaterEqual(fmt::format("latency_bandwidth_{}_{}", p.name, workload_.data_spaces[ds].name),
                               {{T, 1}, {traffic, -1}},
                               -std::log2(*bandwidth) + std::log2(static_cast<double>(std::max(1, sharing))));
      }
    }
  }

  std::vector<Term> objective_terms;
  switch (objective) {
    case ScheduleObjective::Latency:
      objective_terms = plus({{T, 1.0}}, traffic_sum, 0.01);
      break;
    case ScheduleObjective::Energy:
      objective_terms = plus({{T, 0.01}}, traffic_sum, 1.0);
      break;
    case ScheduleObjective::Edp:
      objective_terms = plus({{T, 1.0}}, traffic_sum, 1.0);
      break;
    case ScheduleObjective::CosaPaper: {
      // 10 x compute - 0.1 x utilisation (log tile sizes) + 1 x traffic, as published.
      objective_terms = plus({}, log_compute, 10.0);
      for (int l = 0; l < levels; ++l)
        for (int ds = 0; ds < num_ds; ++ds)
          if (keep_[l][ds])
            for (int d = 0; d < workload_.numDims(); ++d)
              if (workload_.isRelevant(ds, d)) objective_terms = plus(objective_terms, logExtent(d, l), -0.1);
      objective_terms = plus(objective_terms, traffic_plain, 1.0);
      break;
    }
  }
  model_.setObjective(objective_terms);
}

void CosaFormulation::group(const std::string& description, int row) {
  for (RowGroup& g : row_groups_)
    if (g.description == description) {
      g.rows.push_back(row);
      return;
    }
  row_groups_.push_back({description, {row}});
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
    // Spatial loops: on a mesh, the X dimensions first and `split` after them; otherwise all on X.
    auto onY = [&](int d) { return on_y_[l][d] >= 0 && values[on_y_[l][d]] > 0.5 && lm.spatial[d] > 1; };
    std::vector<int> spatial_order(dims);
    std::iota(spatial_order.begin(), spatial_order.end(), 0);
    std::stable_sort(spatial_order.begin(), spatial_order.end(), [&](int a, int b) {
      if (onY(a) != onY(b)) return !onY(a);
      return lm.spatial[a] > lm.spatial[b];
    });
    lm.spatial_order = spatial_order;
    if (meshed(l)) {
      lm.spatial_split = 0;
      for (int d : spatial_order)
        if (!onY(d) && lm.spatial[d] > 1) ++lm.spatial_split;
    }
  }
  return mapping;
}

}  // namespace cosa
