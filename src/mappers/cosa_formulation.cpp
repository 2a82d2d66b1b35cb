#include "mappers/cosa_formulation.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numbers>
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

// All ways to split `total` grid units among data spaces, part i at least minimum[i] units.
void compositions(int total, const std::vector<int>& minimum, std::vector<int>& prefix,
                  std::vector<std::vector<int>>& out) {
  const std::size_t part = prefix.size();
  int reserved = 0;
  for (std::size_t i = part + 1; i < minimum.size(); ++i) reserved += minimum[i];
  if (part + 1 == minimum.size()) {
    if (total < minimum[part]) return;
    prefix.push_back(total);
    out.push_back(prefix);
    prefix.pop_back();
    return;
  }
  for (int units = minimum[part]; units <= total - reserved; ++units) {
    prefix.push_back(units);
    compositions(total - units, minimum, prefix, out);
    prefix.pop_back();
  }
}

std::vector<Term> plus(std::vector<Term> a, const std::vector<Term>& b, double scale = 1.0) {
  for (const Term& t : b) a.push_back({t.var, t.coef * scale});
  return a;
}

}  // namespace

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

  addFactorVariables(space.fixedFactors());
  addSpatialOrderRows(space);
  addFanoutRows();
  addCapacityRows();
  addObjective(objective);
}

std::pair<std::vector<Term>, double> CosaFormulation::keepExpr(int level, int ds) const {
  if (keep_var_[level][ds] >= 0) return {{{keep_var_[level][ds], 1.0}}, 0.0};
  return {{}, keep_[level][ds] ? 1.0 : 0.0};
}

int CosaFormulation::iteratesOf(int level, int dim) {
  if (iterates_.empty()) iterates_.assign(arch_.numLevels(), std::vector<int>(workload_.numDims(), -1));
  if (iterates_[level][dim] >= 0) return iterates_[level][dim];
  // iterates = 1 whenever the temporal loop of dim at level has more than one iteration.
  const int var =
      model_.addVariable(fmt::format("iterates_{}_{}", workload_.dimensions[dim], arch_.levels[level].name),
                         0, 1, VarType::Binary);
  std::vector<Term> row{{var, -1.0 * 64}};
  for (const FactorVar& f : factors_)
    if (f.dim == dim) row.push_back({f.temporal[level], 1});
  model_.addLessEqual(fmt::format("iterates_{}_{}", workload_.dimensions[dim], arch_.levels[level].name), row,
                      0);
  iterates_[level][dim] = var;
  return var;
}

int CosaFormulation::clearOf(int level, int ds) {
  if (clear_.empty()) clear_.assign(arch_.numLevels(), std::vector<int>(workload_.numDataSpaces(), -1));
  if (clear_[level][ds] >= 0) return clear_[level][ds];
  // clear = 1 only if no temporal loop relevant to ds at `level` has more than one iteration.
  const int clear =
      model_.addVariable(fmt::format("clear_{}_{}", arch_.levels[level].name, workload_.data_spaces[ds].name),
                         0, 1, VarType::Binary);
  std::vector<Term> row;
  double exponents = 0;
  for (const FactorVar& f : factors_)
    if (workload_.isRelevant(ds, f.dim)) {
      row.push_back({f.temporal[level], 1});
      exponents += f.exponent;
    }
  row.push_back({clear, exponents});
  model_.addLessEqual(fmt::format("clear_{}_{}", arch_.levels[level].name, workload_.data_spaces[ds].name),
                      row, exponents);
  clear_[level][ds] = clear;
  return clear;
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

int CosaFormulation::addEnergyTerm(const std::string& name, std::vector<Term> log_count, double constant,
                                   double cost_pJ, int on) {
  const double log_macs = std::log2(static_cast<double>(workload_.macs()));
  const int x = model_.addVariable("log_" + name, 0, kLogUpper, VarType::Continuous);
  std::vector<Term> row = plus({{x, 1}}, log_count, -1.0);
  double rhs = constant;
  if (on >= 0) {
    row.push_back({on, -big_m_});
    rhs -= big_m_;
  }
  model_.addGreaterEqual("log_" + name, row, rhs);
  // Energy in pJ per MAC: cost * 2^(x - log2 MACs), bounded below by its tangents one unit of x
  // apart (within 5% of the curve); counts far below the MAC count are negligible.
  const int e = model_.addVariable("energy_" + name, 0, solver::kInfinity, VarType::Continuous);
  const double hi = std::ceil(log_macs) + 6;
  for (double x0 = std::max(0.0, hi - 16); x0 <= hi; x0 += 1) {
    const double value = cost_pJ * std::exp2(x0 - log_macs);
    model_.addGreaterEqual(fmt::format("energy_{}_{}", name, x0), {{e, 1}, {x, -value * std::numbers::ln2}},
                           value * (1 - std::numbers::ln2 * x0));
  }
  return e;
}

void CosaFormulation::addFactorVariables(const std::vector<FixedFactor>& fixed_factors) {
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

std::vector<Term> CosaFormulation::logTileUpperBound(int ds, int level) {
  std::vector<Term> total;
  const bool relaxed = capacity_model_ == CapacityModel::Relaxed;
  // "This dimension's loops at and below `level` are not all 1": lets the halo bound ignore the
  // terms of an axis that do not widen the window there.
  auto active = [&](int dim) {
    if (active_.empty()) active_.assign(arch_.numLevels(), std::vector<int>(workload_.numDims(), -1));
    if (active_[level][dim] >= 0) return active_[level][dim];
    const std::string name = fmt::format("active_{}_{}", workload_.dimensions[dim], arch_.levels[level].name);
    const int var = model_.addVariable(name, 0, 1, VarType::Binary);
    active_[level][dim] = var;
    model_.addLessEqual(
        name, plus({{var, -std::log2(static_cast<double>(workload_.bounds[dim]))}}, logExtent(dim, level)),
        kLogSlack);
    return var;
  };
  for (std::size_t a = 0; a < workload_.data_spaces[ds].axes.size(); ++a) {
    std::vector<const ProjectionTerm*> live;
    for (const ProjectionTerm& term : workload_.data_spaces[ds].axes[a])
      if (term.coefficient != 0 && workload_.bounds[term.dim] > 1) live.push_back(&term);
    if (live.empty()) continue;
    if (live.size() == 1) {
      // n <= c*(n-1)+1 <= c*n, and exactly 1 when n is 1.
      total = plus(total, logExtent(live[0]->dim, level));
      if (!relaxed && live[0]->coefficient > 1)
        total.push_back({active(live[0]->dim), std::log2(static_cast<double>(live[0]->coefficient))});
      continue;
    }
    // Sliding window of extent 1 + sum c_i (n_i - 1), bounded by omega in log2.
    const int omega =
        model_.addVariable(fmt::format("window_{}_{}_{}", workload_.data_spaces[ds].name, a, level), 0,
                           kLogUpper, VarType::Continuous);
    if (relaxed) {
      // Extent >= c_i (n_i - 1) + 1 >= n_i.
      for (const ProjectionTerm* term : live)
        model_.addGreaterEqual(fmt::format("window_{}_{}_{}_{}", workload_.data_spaces[ds].name, a, level,
                                           workload_.dimensions[term->dim]),
                               plus({{omega, 1}}, logExtent(term->dim, level), -1.0), 0);
      total.push_back({omega, 1});
      continue;
    }
    // Extent <= sum_i c_i n_i over the active terms (those whose loops are not 1 here): in log2 a
    // log-sum-exp of y_i = log2 c_i + log2 n_i, held above by its tangent planes
    // w . y + H(w) for weights w on the simplex (within ~0.01 bit of the curve, so the rare
    // overflow the tangents miss is repaired on the exact model).
    std::vector<std::vector<Term>> y;
    for (const ProjectionTerm* term : live) {
      std::vector<Term> yi = logExtent(term->dim, level);
      if (term->coefficient > 1)
        yi.push_back({active(term->dim), std::log2(static_cast<double>(term->coefficient))});
      y.push_back(std::move(yi));
    }
    const std::size_t k = live.size();
    std::vector<std::vector<double>> weights;
    for (std::size_t i = 0; i < k; ++i) {
      std::vector<double> w(k, 0.0);
      w[i] = 1;
      weights.push_back(w);
    }
    for (std::size_t i = 0; i < k; ++i)
      for (std::size_t j = i + 1; j < k; ++j)
        for (double t : {0.2, 0.35, 0.5, 0.65, 0.8}) {
          std::vector<double> w(k, 0.0);
          w[i] = t;
          w[j] = 1 - t;
          weights.push_back(w);
        }
    if (k > 2) weights.push_back(std::vector<double>(k, 1.0 / static_cast<double>(k)));
    for (std::size_t n = 0; n < weights.size(); ++n) {
      std::vector<Term> row{{omega, 1}};
      double entropy = 0;
      for (std::size_t i = 0; i < k; ++i) {
        if (weights[n][i] <= 0) continue;
        row = plus(row, y[i], -weights[n][i]);
        entropy -= weights[n][i] * std::log2(weights[n][i]);
      }
      model_.addGreaterEqual(fmt::format("window_{}_{}_{}_{}", workload_.data_spaces[ds].name, a, level, n),
                             row, entropy);
    }
    total.push_back({omega, 1});
  }
  return total;
}

void CosaFormulation::addCapacityRows() {
  const int levels = arch_.numLevels();
  const int num_ds = workload_.numDataSpaces();
  tile_terms_.assign(levels, std::vector<std::vector<Term>>(num_ds));
  for (int l = 0; l < levels; ++l)
    for (int ds = 0; ds < num_ds; ++ds) tile_terms_[l][ds] = logTileUpperBound(ds, l);

  for (int l = 0; l < levels; ++l) {
    const StorageLevel& spec = arch_.levels[l];
    if (!spec.entries) continue;
    std::vector<int> kept;  // every data space the level keeps or may keep
    for (int ds = 0; ds < num_ds; ++ds)
      if (mayKeep(l, ds)) kept.push_back(ds);
    if (kept.empty()) continue;
    // A level of 0 words (a dummy level) holds nothing: half a word keeps the row finite and
    // infeasible for any kept data space.
    const double capacity = std::log2(std::max(static_cast<double>(*capacity_words_[l]), 0.5)) + kLogSlack;
    std::string kept_names;
    bool any_open = false;
    for (int ds : kept) {
      kept_names += (kept_names.empty() ? "" : ", ") + workload_.data_spaces[ds].name;
      any_open = any_open || !keepFixed(l, ds);
    }
    const std::string what =
        fmt::format("the capacity of {} ({} word{}) for the data spaces it {} ({})", spec.name, *spec.entries,
                    *spec.entries == 1 ? "" : "s", any_open ? "may keep" : "keeps", kept_names);
    // A data space the level may bypass has its rows switched off when bypassed.
    auto capacityRow = [&](const std::string& name, int ds, std::vector<Term> row) {
      double rhs = capacity;
      if (!keepFixed(l, ds)) {
        row.push_back({keep_var_[l][ds], big_m_});
        rhs += big_m_;
      }
      group(what, model_.addLessEqual(name, std::move(row), rhs));
    };
    if (kept.size() == 1) {
      capacityRow(fmt::format("capacity_{}", spec.name), kept[0], tile_terms_[l][kept[0]]);
      continue;
    }
    if (capacity_model_ == CapacityModel::Relaxed) {
      // Each tile alone fits; and the kept-for-sure tiles together: log2 of a sum is at least the
      // mean of the logs plus log2 of their count.
      std::vector<Term> mean;
      int fixed_count = 0;
      for (int ds : kept) {
        capacityRow(fmt::format("capacity_{}_{}", spec.name, workload_.data_spaces[ds].name), ds,
                    tile_terms_[l][ds]);
        if (keepFixed(l, ds)) ++fixed_count;
      }
      for (int ds : kept)
        if (keepFixed(l, ds)) mean = plus(mean, tile_terms_[l][ds], 1.0 / fixed_count);
      if (fixed_count > 1)
        group(what, model_.addLessEqual(fmt::format("capacity_{}_sum", spec.name), mean,
                                        capacity - std::log2(static_cast<double>(fixed_count))));
      continue;
    }
    // Shared capacity: choose one split of the entries among the kept data spaces; a data space
    // the level may bypass can get no share, and is then bypassed.
    const int grid = kept.size() == 2 ? 16 : 8;
    std::vector<int> minimum;
    for (int ds : kept) minimum.push_back(keepFixed(l, ds) ? 1 : 0);
    std::vector<std::vector<int>> splits;
    std::vector<int> prefix;
    compositions(grid, minimum, prefix, splits);
    std::vector<int> choice;
    std::vector<Term> one_of;
    for (std::size_t s = 0; s < splits.size(); ++s) {
      choice.push_back(model_.addVariable(fmt::format("split_{}_{}", spec.name, s), 0, 1, VarType::Binary));
      one_of.push_back({choice.back(), 1});
    }
    model_.addEqual(fmt::format("split_{}", spec.name), one_of, 1);
    for (std::size_t i = 0; i < kept.size(); ++i) {
      const int ds = kept[i];
      std::vector<Term> row = tile_terms_[l][ds];
      std::vector<Term> has_share;
      for (std::size_t s = 0; s < splits.size(); ++s) {
        if (splits[s][i] == 0) continue;
        row.push_back({choice[s], -std::log2(static_cast<double>(splits[s][i]) / grid)});
        has_share.push_back({choice[s], -1});
      }
      const std::string name = fmt::format("capacity_{}_{}", spec.name, workload_.data_spaces[ds].name);
      capacityRow(name, ds, row);
      if (!keepFixed(l, ds)) {
        has_share.push_back({keep_var_[l][ds], 1});
        model_.addLessEqual(name + "_share", has_share, 0);
      }
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
  const bool energy_model = objective == ScheduleObjective::EnergyModel;
  std::vector<Term> energy_sum;  // pJ per MAC (energy model)
  // Per-word access energies: a vector access serves block-size words, shared within a cluster.
  auto perWord = [&](int level, double vector_pJ) {
    const StorageLevel& spec = arch_.levels[level];
    return vector_pJ / std::max(1, spec.block_size) / std::max(1, spec.cluster_size);
  };
  for (int ds = 0; ds < num_ds; ++ds) {
    const bool rw = workload_.data_spaces[ds].read_write;
    const std::string ds_name = workload_.data_spaces[ds].name;
    if (energy_model) {
      // Operands go between the arithmetic units and the innermost level that keeps the data space
      // (once per MAC; read and updated for partial sums).
      std::vector<Term> kept_below;  // keep(m) for open m below
      double fixed_below = 0;
      for (int l = 0; l < levels && fixed_below == 0; ++l) {
        if (!mayKeep(l, ds)) continue;
        const LevelEnergy& e = energy_.levels[l];
        const double cost = perWord(l, e.read_pJ) + (rw ? perWord(l, e.update_pJ) : 0.0);
        if (kept_below.empty() && keepFixed(l, ds)) break;  // always the innermost keeper: constant
        // innermost = keep(l) and no keep below.
        const int innermost =
            model_.addVariable(fmt::format("innermost_{}_{}", ds_name, l), 0, 1, VarType::Binary);
        auto [terms, c] = keepExpr(l, ds);
        model_.addLessEqual(fmt::format("innermost_{}_{}", ds_name, l), plus({{innermost, 1}}, terms, -1.0),
                            c);
        std::vector<Term> at_least = plus({{innermost, 1}}, terms, -1.0);
        for (const Term& below : kept_below) {
          model_.addLessEqual(fmt::format("innermost_{}_{}_{}", ds_name, l, below.var),
                              {{innermost, 1}, {below.var, 1}}, 1);
          at_least.push_back({below.var, 1});
        }
        model_.addGreaterEqual(fmt::format("innermost_{}_{}", ds_name, l), at_least, c);
        energy_sum.push_back({innermost, cost});
        if (keepFixed(l, ds))
          fixed_below = 1;
        else
          kept_below.push_back({keep_var_[l][ds], 1});
      }
    }
    for (int l = 0; l + 1 < levels; ++l) {
      if (!mayKeep(l, ds)) continue;
      // Reuse: a tile of l stays while the loops just above it leave the data space alone. Those
      // are the irrelevant loops of level l+1 when it keeps the data space stationary, and, across
      // levels whose loops are all irrelevant to it (e.g. registers that hold something else), of
      // the levels above too.
      double max_reuse = 0;
      for (int d = 0; d < workload_.numDims(); ++d)
        if (!workload_.isRelevant(ds, d)) max_reuse += std::log2(static_cast<double>(workload_.bounds[d]));
      const int reuse =
          model_.addVariable(fmt::format("reuse_{}_{}", ds_name, l), 0, kLogUpper, VarType::Continuous);
      std::vector<Term> reuse_sum{{reuse, 1}};
      std::vector<int> clear_between;
      // The log-space proxies credit the next level only (small, fast MIPs); the energy model
      // follows runs of loops that leave ds alone up to the nearest level that surely keeps it.
      int reuse_top = l + 2;
      if (energy_model) {
        reuse_top = l + 1;
        while (reuse_top < levels && !(keepFixed(reuse_top, ds) && keep_[reuse_top][ds])) ++reuse_top;
        reuse_top = std::min(levels, reuse_top + 1);
      }
      for (int k = l + 1; k < reuse_top && max_reuse > 0; ++k) {
        const int r = model_.addVariable(fmt::format("reuse_{}_{}_{}", ds_name, l, k), 0, kLogUpper,
                                         VarType::Continuous);
        reuse_sum.push_back({r, -1});
        const int clear = clearOf(k, ds);
        // Reusable loops at k come in runs: a fixed permutation's irrelevant loops up to its first
        // relevant loop that iterates, then up to the next, ...; the free loops last, below which
        // the stationarity choice (or no relevant loop iterating) puts the irrelevant ones.
        std::vector<Term> segments{{r, 1}};
        std::vector<int> blockers;  // binaries "this relevant fixed loop iterates", in order
        auto addSegment = [&](const std::vector<int>& dims, bool free_loops) {
          const int seg = model_.addVariable(fmt::format("reuse_{}_{}_{}_{}", ds_name, l, k, segments.size()),
                                             0, kLogUpper, VarType::Continuous);
          segments.push_back({seg, -1});
          std::vector<Term> loops{{seg, 1}};
          for (const FactorVar& f : factors_)
            if (std::find(dims.begin(), dims.end(), f.dim) != dims.end())
              loops.push_back({f.temporal[k], -std::log2(static_cast<double>(f.prime))});
          model_.addLessEqual(fmt::format("reuse_loops_{}_{}_{}_{}", ds_name, l, k, segments.size()), loops,
                              0);
          for (int b : blockers)
            model_.addLessEqual(fmt::format("reuse_blocked_{}_{}_{}_{}", ds_name, l, k, b),
                                {{seg, 1}, {b, max_reuse}}, max_reuse);
          if (free_loops)
            model_.addLessEqual(fmt::format("reuse_choice_{}_{}_{}", ds_name, l, k),
                                {{seg, 1}, {stationary_[k][ds], -max_reuse}, {clear, -max_reuse}}, 0);
        };
        const std::vector<int>& fixed = permutation_constraint_[k];
        std::vector<int> run;
        for (int d : fixed) {
          if (!workload_.isRelevant(ds, d)) {
            run.push_back(d);
            continue;
          }
          if (workload_.bounds[d] == 1 || fixed_unit_[k][d]) continue;
          if (!run.empty()) addSegment(run, false);
          run.clear();
          blockers.push_back(iteratesOf(k, d));
        }
        if (!run.empty()) addSegment(run, false);
        std::vector<int> free_dims;
        for (int d = 0; d < workload_.numDims(); ++d)
          if (!workload_.isRelevant(ds, d) && std::find(fixed.begin(), fixed.end(), d) == fixed.end())
            free_dims.push_back(d);
        if (!free_dims.empty()) addSegment(free_dims, true);
        model_.addLessEqual(fmt::format("reuse_segments_{}_{}_{}", ds_name, l, k), segments, 0);
        for (int j : clear_between)
          model_.addLessEqual(fmt::format("reuse_run_{}_{}_{}_{}", ds_name, l, k, j),
                              {{r, 1}, {j, -max_reuse}}, 0);
        clear_between.push_back(clear);
      }
      model_.addLessEqual(fmt::format("reuse_{}_{}", ds_name, l), reuse_sum, 0);
      if (energy_model) {
        // Fills of every instance of l (no multicast discount), and for partial sums the reads that
        // send them up.
        std::vector<Term> fills = plus(plus({{reuse, -1}}, tile_terms_[l][ds]), logSpatialAbove(l));
        for (const FactorVar& f : factors_)
          for (int k = l + 1; k < levels; ++k)
            fills.push_back({f.temporal[k], std::log2(static_cast<double>(f.prime))});
        const LevelEnergy& e = energy_.levels[l];
        const double cost = perWord(l, e.fill_pJ) + (rw ? perWord(l, e.read_pJ) : 0.0);
        energy_sum.push_back(
            {addEnergyTerm(fmt::format("fill_{}_{}", ds_name, l), fills, 0, cost, keep_var_[l][ds]), 1});
      }
      // Traffic into `l` comes from the nearest level above that keeps the data space: one
      // candidate parent per level up to the first that keeps it for sure.
      std::vector<int> between;  // levels strictly between l and parent that may keep ds
      for (int parent = l + 1; parent < levels; ++parent) {
        if (!mayKeep(parent, ds)) continue;
        const bool fixed_pair = keepFixed(l, ds) && keepFixed(parent, ds) && between.empty();
        int pair = -1;  // binary "parent feeds l", -1 when certain
        if (!fixed_pair) {
          pair = model_.addVariable(fmt::format("feeds_{}_{}_{}", ds_name, l, parent), 0, 1, VarType::Binary);
          // pair = keep(l) and keep(parent) and no level between keeps.
          std::vector<Term> at_least{{pair, 1}};
          double constant = 0;
          for (int end : {l, parent}) {
            auto [terms, c] = keepExpr(end, ds);
            model_.addLessEqual(fmt::format("feeds_{}_{}_{}_{}", ds_name, l, parent, end),
                                plus({{pair, 1}}, terms, -1.0), c);
            at_least = plus(at_least, terms, -1.0);
            constant += c;
          }
          for (int m : between) {
            model_.addLessEqual(fmt::format("feeds_{}_{}_{}_{}", ds_name, l, parent, m),
                                {{pair, 1}, {keep_var_[m][ds], 1}}, 1);
            at_least.push_back({keep_var_[m][ds], 1});
          }
          model_.addGreaterEqual(fmt::format("feeds_{}_{}_{}", ds_name, l, parent), at_least, constant - 1);
        }
        // log traffic from parent into all children of one parent instance.
        const int traffic = model_.addVariable(fmt::format("traffic_{}_{}_{}", ds_name, l, parent),
                                               fixed_pair ? kLogLower : 0.0, kLogUpper, VarType::Continuous);
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
        double rhs = 0;
        if (pair >= 0) {  // switched off unless parent feeds l
          row.push_back({pair, -big_m_});
          rhs -= big_m_;
        }
        model_.addGreaterEqual(fmt::format("traffic_{}_{}_{}", ds_name, l, parent), row, rhs);
        traffic_sum.push_back({traffic, weights[parent]});
        traffic_plain.push_back({traffic, 1.0});
        if (energy_model) {
          // Reads of every parent instance in use (multicast counted once), updates for partial sums.
          const LevelEnergy& e = energy_.levels[parent];
          const double cost = perWord(parent, e.read_pJ) + (rw ? perWord(parent, e.update_pJ) : 0.0);
          energy_sum.push_back({addEnergyTerm(fmt::format("read_{}_{}_{}", ds_name, l, parent),
                                              plus({{traffic, 1}}, logSpatialAbove(parent)), 0, cost, pair),
                                1});
        }
        // Bandwidth-limited parents bound the latency (several data spaces share a port).
        const StorageLevel& p = arch_.levels[parent];
        const auto bandwidth = rw ? p.write_bandwidth : p.read_bandwidth;
        if (bandwidth) {
          int sharing = 0;
          for (int other = 0; other < num_ds; ++other)
            if (mayKeep(parent, other) && workload_.data_spaces[other].read_write == rw) ++sharing;
          std::vector<Term> bw_row{{T, 1}, {traffic, -1}};
          double bw_rhs = -std::log2(*bandwidth) + std::log2(static_cast<double>(std::max(1, sharing)));
          if (pair >= 0) {
            bw_row.push_back({pair, -big_m_});
            bw_rhs -= big_m_;
          }
          model_.addGreaterEqual(fmt::format("latency_bandwidth_{}_{}_{}", p.name, ds_name, l), bw_row,
                                 bw_rhs);
        }
        if (keepFixed(parent, ds)) break;  // levels above are never l's direct parent
        between.push_back(parent);
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
    case ScheduleObjective::EnergyModel: {
      // Latency at a tenth of its EDP weight: energy first, yet no flat plateau of equal-energy
      // schedules for the solver to wade through.
      const double reference = reference_energy_per_mac_ > 0 ? reference_energy_per_mac_ : 1.0;
      objective_terms = plus({{T, 0.1 * reference * std::numbers::ln2}}, energy_sum, 1.0);
      break;
    }
    case ScheduleObjective::LastLevelAccesses:
      throw std::invalid_argument("last-level-accesses is a search metric, not a MIP objective");
    case ScheduleObjective::CosaPaper: {
      // 10 x compute - 0.1 x utilisation (log tile sizes) + 1 x traffic, as published.
      objective_terms = plus({}, log_compute, 10.0);
      for (int l = 0; l < levels; ++l)
        for (int ds = 0; ds < num_ds; ++ds)
          if (keepFixed(l, ds) && keep_[l][ds])
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
