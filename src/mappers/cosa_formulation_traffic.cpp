// The CoSA MIP's traffic between levels: the stationarity choice, the reuse a tile gets from the
// loops above it, the traffic from each candidate parent, the latency and its bandwidth bounds;
// and the objective, which adds its own terms along the way (objectives/cosa_objectives.hpp).

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "mappers/cosa_formulation.hpp"
#include "mappers/cosa_formulation_terms.hpp"
#include "mappers/objectives/cosa_objectives.hpp"

namespace cosa {

using solver::Term;
using solver::VarType;

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

void CosaFormulation::addTrafficAndObjective(ScheduleObjective objective) {
  const std::unique_ptr<objectives::MipObjective> mip_objective =
      objectives::makeObjective(objective, objectives::FormulationAccess(*this));
  objectives::SharedTerms shared;
  for (const FactorVar& f : factors_)
    for (int l = 0; l < arch_.numLevels(); ++l)
      shared.log_compute.push_back({f.temporal[l], std::log2(static_cast<double>(f.prime))});
  addStationarityChoice();
  const std::vector<double> weights = trafficWeights();
  shared.log_latency = model_.addVariable("log_latency", kLogLower, kLogUpper, VarType::Continuous);
  model_.addGreaterEqual("latency_compute", plus({{shared.log_latency, 1}}, shared.log_compute, -1.0), 0);

  for (int ds = 0; ds < workload_.numDataSpaces(); ++ds) {
    mip_objective->addDataSpaceTerms(ds);
    for (int l = 0; l + 1 < arch_.numLevels(); ++l) {
      if (!mayKeep(l, ds)) continue;
      const int reuse = addReuseRows(l, ds, mip_objective->reuseLevelsEnd(l, ds));
      mip_objective->addFillTerms(l, ds, reuse);
      addTrafficRows(l, ds, reuse, weights, shared, *mip_objective);
    }
  }
  model_.setObjective(mip_objective->objective(shared));
}

void CosaFormulation::addStationarityChoice() {
  // Per level with children: at most one data space left stationary by its innermost loops.
  const int levels = arch_.numLevels();
  const int num_ds = workload_.numDataSpaces();
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
}

std::vector<double> CosaFormulation::trafficWeights() const {
  // Per-word energy weights (log terms of costlier levels count more).
  const int levels = arch_.numLevels();
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
}

int CosaFormulation::addReuseRows(int level, int ds, int reuse_levels_end) {
  // Reuse: a tile of `level` stays while the loops just above it leave the data space alone. Those
  // are the irrelevant loops of level + 1 when it keeps the data space stationary, and, across
  // levels whose loops are all irrelevant to it (e.g. registers that hold something else), of
  // the levels above too (up to reuse_levels_end, as the objective decides).
  const std::string& ds_name = workload_.data_spaces[ds].name;
  double max_reuse = 0;
  for (int d = 0; d < workload_.numDims(); ++d)
    if (!workload_.isRelevant(ds, d)) max_reuse += std::log2(static_cast<double>(workload_.bounds[d]));
  const int reuse =
      model_.addVariable(fmt::format("reuse_{}_{}", ds_name, level), 0, kLogUpper, VarType::Continuous);
  std::vector<Term> reuse_sum{{reuse, 1}};
  std::vector<int> clear_between;
  for (int k = level + 1; k < reuse_levels_end && max_reuse > 0; ++k) {
    const int r = model_.addVariable(fmt::format("reuse_{}_{}_{}", ds_name, level, k), 0, kLogUpper,
                                     VarType::Continuous);
    reuse_sum.push_back({r, -1});
    const int clear = clearOf(k, ds);
    addReuseSegments(level, k, ds, r, clear, max_reuse);
    for (int j : clear_between)
      model_.addLessEqual(fmt::format("reuse_run_{}_{}_{}_{}", ds_name, level, k, j),
                          {{r, 1}, {j, -max_reuse}}, 0);
    clear_between.push_back(clear);
  }
  model_.addLessEqual(fmt::format("reuse_{}_{}", ds_name, level), reuse_sum, 0);
  return reuse;
}

void CosaFormulation::addReuseSegments(int level, int k, int ds, int log_reuse_k, int clear,
                                       double max_reuse) {
  // Reusable loops at k come in runs: a fixed permutation's irrelevant loops up to its first
  // relevant loop that iterates, then up to the next, ...; the free loops last, below which
  // the stationarity choice (or no relevant loop iterating) puts the irrelevant ones.
  const std::string& ds_name = workload_.data_spaces[ds].name;
  std::vector<Term> segments{{log_reuse_k, 1}};
  std::vector<int> blockers;  // binaries "this relevant fixed loop iterates", in order
  auto addSegment = [&](const std::vector<int>& dims, bool free_loops) {
    const int seg = model_.addVariable(fmt::format("reuse_{}_{}_{}_{}", ds_name, level, k, segments.size()),
                                       0, kLogUpper, VarType::Continuous);
    segments.push_back({seg, -1});
    std::vector<Term> loops{{seg, 1}};
    for (const FactorVar& f : factors_)
      if (std::find(dims.begin(), dims.end(), f.dim) != dims.end())
        loops.push_back({f.temporal[k], -std::log2(static_cast<double>(f.prime))});
    model_.addLessEqual(fmt::format("reuse_loops_{}_{}_{}_{}", ds_name, level, k, segments.size()), loops, 0);
    for (int b : blockers)
      model_.addLessEqual(fmt::format("reuse_blocked_{}_{}_{}_{}", ds_name, level, k, b),
                          {{seg, 1}, {b, max_reuse}}, max_reuse);
    if (free_loops)
      model_.addLessEqual(fmt::format("reuse_choice_{}_{}_{}", ds_name, level, k),
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
  model_.addLessEqual(fmt::format("reuse_segments_{}_{}_{}", ds_name, level, k), segments, 0);
}

void CosaFormulation::addTrafficRows(int level, int ds, int log_reuse, const std::vector<double>& weights,
                                     objectives::SharedTerms& shared, objectives::MipObjective& objective) {
  // Traffic into `level` comes from the nearest level above that keeps the data space: one
  // candidate parent per level up to the first that keeps it for sure.
  std::vector<int> between;  // levels strictly between level and parent that may keep ds
  for (int parent = level + 1; parent < arch_.numLevels(); ++parent) {
    if (!mayKeep(parent, ds)) continue;
    const bool fixed_pair = keepFixed(level, ds) && keepFixed(parent, ds) && between.empty();
    const int feeds = fixed_pair ? -1 : addFeedsIndicator(level, parent, ds, between);
    const int traffic = addTrafficRow(level, parent, ds, log_reuse, feeds);
    shared.traffic_weighted.push_back({traffic, weights[parent]});
    shared.traffic.push_back({traffic, 1.0});
    objective.addReadTerms(level, parent, ds, traffic, feeds);
    addBandwidthRow(level, parent, ds, traffic, feeds, shared.log_latency);
    if (keepFixed(parent, ds)) break;  // levels above are never level's direct parent
    between.push_back(parent);
  }
}

int CosaFormulation::addFeedsIndicator(int level, int parent, int ds, const std::vector<int>& between) {
  // feeds = keep(level) and keep(parent) and no level between keeps.
  const std::string& ds_name = workload_.data_spaces[ds].name;
  const int feeds =
      model_.addVariable(fmt::format("feeds_{}_{}_{}", ds_name, level, parent), 0, 1, VarType::Binary);
  std::vector<Term> at_least{{feeds, 1}};
  double constant = 0;
  for (int end : {level, parent}) {
    auto [terms, c] = keepExpr(end, ds);
    model_.addLessEqual(fmt::format("feeds_{}_{}_{}_{}", ds_name, level, parent, end),
                        plus({{feeds, 1}}, terms, -1.0), c);
    at_least = plus(at_least, terms, -1.0);
    constant += c;
  }
  for (int m : between) {
    model_.addLessEqual(fmt::format("feeds_{}_{}_{}_{}", ds_name, level, parent, m),
                        {{feeds, 1}, {keep_var_[m][ds], 1}}, 1);
    at_least.push_back({keep_var_[m][ds], 1});
  }
  model_.addGreaterEqual(fmt::format("feeds_{}_{}_{}", ds_name, level, parent), at_least, constant - 1);
  return feeds;
}

int CosaFormulation::addTrafficRow(int level, int parent, int ds, int log_reuse, int feeds) {
  // log traffic from parent into all children of one parent instance.
  const std::string& ds_name = workload_.data_spaces[ds].name;
  const int traffic = model_.addVariable(fmt::format("traffic_{}_{}_{}", ds_name, level, parent),
                                         feeds < 0 ? kLogLower : 0.0, kLogUpper, VarType::Continuous);
  std::vector<Term> row{{traffic, 1}, {log_reuse, 1}};
  row = plus(row, tile_terms_[level][ds], -1.0);
  for (const FactorVar& f : factors_) {
    const double lp = std::log2(static_cast<double>(f.prime));
    for (int k = level + 1; k < arch_.numLevels(); ++k) row.push_back({f.temporal[k], -lp});
    if (workload_.isRelevant(ds, f.dim))
      for (int k = level + 1; k <= parent; ++k)
        for (int var : {f.spatial[k], f.spatial_y[k]})
          if (var >= 0) row.push_back({var, -lp});
  }
  double rhs = 0;
  if (feeds >= 0) {  // switched off unless parent feeds level
    row.push_back({feeds, -big_m_});
    rhs -= big_m_;
  }
  model_.addGreaterEqual(fmt::format("traffic_{}_{}_{}", ds_name, level, parent), row, rhs);
  return traffic;
}

void CosaFormulation::addBandwidthRow(int level, int parent, int ds, int log_traffic, int feeds,
                                      int log_latency) {
  // Bandwidth-limited parents bound the latency (several data spaces share a port).
  const bool rw = workload_.data_spaces[ds].read_write;
  const StorageLevel& p = arch_.levels[parent];
  const auto bandwidth = rw ? p.write_bandwidth : p.read_bandwidth;
  if (!bandwidth) return;
  int sharing = 0;
  for (int other = 0; other < workload_.numDataSpaces(); ++other)
    if (mayKeep(parent, other) && workload_.data_spaces[other].read_write == rw) ++sharing;
  std::vector<Term> bw_row{{log_latency, 1}, {log_traffic, -1}};
  double bw_rhs = -std::log2(*bandwidth) + std::log2(static_cast<double>(std::max(1, sharing)));
  if (feeds >= 0) {
    bw_row.push_back({feeds, -big_m_});
    bw_rhs -= big_m_;
  }
  model_.addGreaterEqual(
      fmt::format("latency_bandwidth_{}_{}_{}", p.name, workload_.data_spaces[ds].name, level), bw_row,
      bw_rhs);
}

}  // namespace cosa
