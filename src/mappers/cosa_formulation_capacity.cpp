// The CoSA MIP's tile sizes (log2, with the halo bounds of sliding windows) and the capacity rows
// of the levels that keep them.

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "mappers/cosa_formulation.hpp"
#include "mappers/cosa_formulation_terms.hpp"

namespace cosa {

using solver::Term;
using solver::VarType;

namespace {

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

// Weights on the simplex for the tangent planes of a k-term log-sum-exp: the corners, five points
// along every edge, and the centre when k > 2.
std::vector<std::vector<double>> tangentWeights(std::size_t k) {
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
  return weights;
}

}  // namespace

int CosaFormulation::activeOf(int level, int dim) {
  if (active_.empty()) active_.assign(arch_.numLevels(), std::vector<int>(workload_.numDims(), -1));
  if (active_[level][dim] >= 0) return active_[level][dim];
  const std::string name = fmt::format("active_{}_{}", workload_.dimensions[dim], arch_.levels[level].name);
  const int var = model_.addVariable(name, 0, 1, VarType::Binary);
  active_[level][dim] = var;
  model_.addLessEqual(
      name, plus({{var, -std::log2(static_cast<double>(workload_.bounds[dim]))}}, logExtent(dim, level)),
      kLogSlack);
  return var;
}

std::vector<Term> CosaFormulation::logTileUpperBound(int ds, int level) {
  std::vector<Term> total;
  const bool relaxed = capacity_model_ == CapacityModel::Relaxed;
  for (std::size_t a = 0; a < workload_.data_spaces[ds].axes.size(); ++a) {
    std::vector<const ProjectionTerm*> live;
    for (const ProjectionTerm& term : workload_.data_spaces[ds].axes[a])
      if (term.coefficient != 0 && workload_.bounds[term.dim] > 1) live.push_back(&term);
    if (live.empty()) continue;
    if (live.size() == 1) {
      // n <= c*(n-1)+1 <= c*n, and exactly 1 when n is 1.
      total = plus(total, logExtent(live[0]->dim, level));
      if (!relaxed && live[0]->coefficient > 1)
        total.push_back(
            {activeOf(level, live[0]->dim), std::log2(static_cast<double>(live[0]->coefficient))});
      continue;
    }
    total.push_back({addWindowExtent(ds, static_cast<int>(a), level, live), 1});
  }
  return total;
}

int CosaFormulation::addWindowExtent(int ds, int axis, int level,
                                     const std::vector<const ProjectionTerm*>& live) {
  const std::string& ds_name = workload_.data_spaces[ds].name;
  // Sliding window of extent 1 + sum c_i (n_i - 1), bounded by omega in log2.
  const int omega = model_.addVariable(fmt::format("window_{}_{}_{}", ds_name, axis, level), 0, kLogUpper,
                                       VarType::Continuous);
  if (capacity_model_ == CapacityModel::Relaxed) {
    // Extent >= c_i (n_i - 1) + 1 >= n_i.
    for (const ProjectionTerm* term : live)
      model_.addGreaterEqual(
          fmt::format("window_{}_{}_{}_{}", ds_name, axis, level, workload_.dimensions[term->dim]),
          plus({{omega, 1}}, logExtent(term->dim, level), -1.0), 0);
    return omega;
  }
  // Extent <= sum_i c_i n_i over the active terms (those whose loops are not 1 here): in log2 a
  // log-sum-exp of y_i = log2 c_i + log2 n_i, held above by its tangent planes
  // w . y + H(w) for weights w on the simplex (within ~0.01 bit of the curve, so the rare
  // overflow the tangents miss is repaired on the exact model).
  std::vector<std::vector<Term>> y;
  for (const ProjectionTerm* term : live) {
    std::vector<Term> yi = logExtent(term->dim, level);
    if (term->coefficient > 1)
      yi.push_back({activeOf(level, term->dim), std::log2(static_cast<double>(term->coefficient))});
    y.push_back(std::move(yi));
  }
  const std::vector<std::vector<double>> weights = tangentWeights(live.size());
  for (std::size_t n = 0; n < weights.size(); ++n) {
    std::vector<Term> row{{omega, 1}};
    double entropy = 0;
    for (std::size_t i = 0; i < live.size(); ++i) {
      if (weights[n][i] <= 0) continue;
      row = plus(row, y[i], -weights[n][i]);
      entropy -= weights[n][i] * std::log2(weights[n][i]);
    }
    model_.addGreaterEqual(fmt::format("window_{}_{}_{}_{}", ds_name, axis, level, n), row, entropy);
  }
  return omega;
}

void CosaFormulation::addCapacityRows() {
  const int levels = arch_.numLevels();
  const int num_ds = workload_.numDataSpaces();
  tile_terms_.assign(levels, std::vector<std::vector<Term>>(num_ds));
  for (int l = 0; l < levels; ++l)
    for (int ds = 0; ds < num_ds; ++ds) tile_terms_[l][ds] = logTileUpperBound(ds, l);

  for (int l = 0; l < levels; ++l) {
    if (!arch_.levels[l].entries) continue;
    std::vector<int> kept;  // every data space the level keeps or may keep
    for (int ds = 0; ds < num_ds; ++ds)
      if (mayKeep(l, ds)) kept.push_back(ds);
    if (!kept.empty()) addLevelCapacityRows(l, kept);
  }
}

void CosaFormulation::addLevelCapacityRows(int level, const std::vector<int>& kept) {
  const StorageLevel& spec = arch_.levels[level];
  std::string kept_names;
  bool any_open = false;
  for (int ds : kept) {
    kept_names += (kept_names.empty() ? "" : ", ") + workload_.data_spaces[ds].name;
    any_open = any_open || !keepFixed(level, ds);
  }
  const LevelCapacity capacity{
      level,
      // A level of 0 words (a dummy level) holds nothing: half a word keeps the row finite and
      // infeasible for any kept data space.
      std::log2(std::max(static_cast<double>(*capacity_words_[level]), 0.5)) + kLogSlack,
      fmt::format("the capacity of {} ({} word{}) for the data spaces it {} ({})", spec.name, *spec.entries,
                  *spec.entries == 1 ? "" : "s", any_open ? "may keep" : "keeps", kept_names)};
  if (kept.size() == 1) {
    addCapacityRow(capacity, fmt::format("capacity_{}", spec.name), kept[0], tile_terms_[level][kept[0]]);
  } else if (capacity_model_ == CapacityModel::Relaxed) {
    addRelaxedCapacityRows(capacity, kept);
  } else {
    addSplitCapacityRows(capacity, kept);
  }
}

void CosaFormulation::addCapacityRow(const LevelCapacity& capacity, const std::string& name, int ds,
                                     std::vector<Term> row) {
  // A data space the level may bypass has its rows switched off when bypassed.
  double rhs = capacity.log_words;
  if (!keepFixed(capacity.level, ds)) {
    row.push_back({keep_var_[capacity.level][ds], big_m_});
    rhs += big_m_;
  }
  group(capacity.description, model_.addLessEqual(name, std::move(row), rhs));
}

void CosaFormulation::addRelaxedCapacityRows(const LevelCapacity& capacity, const std::vector<int>& kept) {
  // Each tile alone fits; and the kept-for-sure tiles together: log2 of a sum is at least the
  // mean of the logs plus log2 of their count.
  const int l = capacity.level;
  const std::string& level_name = arch_.levels[l].name;
  std::vector<Term> mean;
  int fixed_count = 0;
  for (int ds : kept) {
    addCapacityRow(capacity, fmt::format("capacity_{}_{}", level_name, workload_.data_spaces[ds].name), ds,
                   tile_terms_[l][ds]);
    if (keepFixed(l, ds)) ++fixed_count;
  }
  for (int ds : kept)
    if (keepFixed(l, ds)) mean = plus(mean, tile_terms_[l][ds], 1.0 / fixed_count);
  if (fixed_count > 1)
    group(capacity.description,
          model_.addLessEqual(fmt::format("capacity_{}_sum", level_name), mean,
                              capacity.log_words - std::log2(static_cast<double>(fixed_count))));
}

void CosaFormulation::addSplitCapacityRows(const LevelCapacity& capacity, const std::vector<int>& kept) {
  // Shared capacity: choose one split of the entries among the kept data spaces; a data space
  // the level may bypass can get no share, and is then bypassed.
  const int l = capacity.level;
  const std::string& level_name = arch_.levels[l].name;
  const int grid = kept.size() == 2 ? 16 : 8;
  std::vector<int> minimum;
  for (int ds : kept) minimum.push_back(keepFixed(l, ds) ? 1 : 0);
  std::vector<std::vector<int>> splits;
  std::vector<int> prefix;
  compositions(grid, minimum, prefix, splits);
  std::vector<int> choice;
  std::vector<Term> one_of;
  for (std::size_t s = 0; s < splits.size(); ++s) {
    choice.push_back(model_.addVariable(fmt::format("split_{}_{}", level_name, s), 0, 1, VarType::Binary));
    one_of.push_back({choice.back(), 1});
  }
  model_.addEqual(fmt::format("split_{}", level_name), one_of, 1);
  for (std::size_t i = 0; i < kept.size(); ++i) {
    const int ds = kept[i];
    std::vector<Term> row = tile_terms_[l][ds];
    std::vector<Term> has_share;
    for (std::size_t s = 0; s < splits.size(); ++s) {
      if (splits[s][i] == 0) continue;
      row.push_back({choice[s], -std::log2(static_cast<double>(splits[s][i]) / grid)});
      has_share.push_back({choice[s], -1});
    }
    const std::string name = fmt::format("capacity_{}_{}", level_name, workload_.data_spaces[ds].name);
    addCapacityRow(capacity, name, ds, row);
    if (!keepFixed(l, ds)) {
      has_share.push_back({keep_var_[l][ds], 1});
      model_.addLessEqual(name + "_share", has_share, 0);
    }
  }
}

}  // namespace cosa
