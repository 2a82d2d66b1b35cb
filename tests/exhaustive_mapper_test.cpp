// The exhaustive mapper against a naive brute force written here: every factor split, every loop
// order of every level, every spatial order and split, no pruning; evaluated with the Evaluator.

#include "mappers/exhaustive_mapper.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <functional>
#include <numeric>
#include <optional>
#include <vector>

#include "io/timeloop/shapes.hpp"
#include "model/energy.hpp"
#include "model/evaluator.hpp"

namespace cosa {
namespace {

constexpr std::array kAllMetrics{SearchMetric::Delay, SearchMetric::Energy, SearchMetric::Edp,
                                 SearchMetric::LastLevelAccesses};

// Three levels: registers (tiny), a buffer fanning out to 4 register files (optionally a 2x2
// mesh), and DRAM with limited bandwidth so that delay depends on the mapping.
Architecture tinyArch(bool mesh = false, std::int64_t register_entries = 4) {
  Architecture arch;
  arch.name = "tiny";
  arch.arithmetic.instances = 4;
  auto level = [](std::string name, std::optional<std::int64_t> entries, std::int64_t instances) {
    StorageLevel s;
    s.name = std::move(name);
    s.entries = entries;
    s.instances = instances;
    return s;
  };
  arch.levels.push_back(level("Registers", register_entries, 4));
  arch.levels.push_back(level("Buffer", 24, 1));
  arch.levels.push_back(level("DRAM", std::nullopt, 1));
  arch.levels.back().technology = "DRAM";
  arch.levels.back().read_bandwidth = 2.0;
  arch.levels.back().write_bandwidth = 2.0;
  if (mesh) {
    arch.arithmetic.mesh_x = 2;
    arch.levels[0].mesh_x = 2;
  }
  return arch;
}

Workload gemm(std::int64_t m, std::int64_t n, std::int64_t k) {
  return instantiate(builtinShape("gemm"), {m, n, k});
}

// cnn-layer dims: R S P Q C K N.
Workload cnn(std::int64_t r, std::int64_t p, std::int64_t k) {
  return instantiate(builtinShape("cnn-layer"), {r, 1, p, 1, 1, k, 1});
}

// Every way to write `n` as an ordered product of `parts` factors.
void orderedFactorizations(std::int64_t n, int parts, std::vector<std::int64_t>& prefix,
                           std::vector<std::vector<std::int64_t>>& out) {
  if (parts == 1) {
    prefix.push_back(n);
    out.push_back(prefix);
    prefix.pop_back();
    return;
  }
  for (std::int64_t f = 1; f <= n; ++f) {
    if (n % f != 0) continue;
    prefix.push_back(f);
    orderedFactorizations(n / f, parts - 1, prefix, out);
    prefix.pop_back();
  }
}

std::vector<std::vector<int>> permutations(std::vector<int> items) {
  std::vector<std::vector<int>> out;
  std::sort(items.begin(), items.end());
  do out.push_back(items);
  while (std::next_permutation(items.begin(), items.end()));
  return out;
}

struct NaiveOptions {
  std::vector<int> permuted;                     // dims whose orders are enumerated; empty = all
  std::vector<std::vector<bool>> keep;           // [level][ds]; empty = keep everything
  std::function<bool(const Mapping&)> admitted;  // constraint filter; empty = everything
};

// Every valid mapping's metric values (in kAllMetrics order) and the mapping.
struct NaiveResult {
  std::vector<std::array<double, kAllMetrics.size()>> values;
  std::vector<Mapping> mappings;
  std::int64_t evaluations = 0;
};

NaiveResult naiveBruteForce(const Architecture& arch, const Workload& workload, const NaiveOptions& options) {
  const int levels = arch.numLevels(), dims = workload.numDims();
  std::vector<int> permuted = options.permuted;
  if (permuted.empty()) {
    permuted.resize(dims);
    std::iota(permuted.begin(), permuted.end(), 0);
  }
  auto completeOrder = [&](std::vector<int> order) {
    for (int d = 0; d < dims; ++d)
      if (std::find(order.begin(), order.end(), d) == order.end()) order.push_back(d);
    return order;
  };
  struct Slot {
    int level;
    bool spatial;
  };
  std::vector<Slot> slots;
  for (int l = 0; l < levels; ++l) {
    slots.push_back({l, false});
    if (arch.fanout(l) > 1) slots.push_back({l, true});
  }
  std::vector<std::vector<std::vector<std::int64_t>>> splits(dims);  // [dim][option][slot]
  for (int d = 0; d < dims; ++d) {
    std::vector<std::int64_t> prefix;
    orderedFactorizations(workload.bounds[d], static_cast<int>(slots.size()), prefix, splits[d]);
  }
  std::vector<std::vector<int>> temporal_orders;
  for (const auto& p : permutations(permuted)) temporal_orders.push_back(completeOrder(p));
  // Spatial (order, split) per level.
  std::vector<std::vector<std::pair<std::vector<int>, int>>> spatial(levels);
  for (int l = 0; l < levels; ++l) {
    if (arch.fanout(l) <= 1) {
      spatial[l].push_back({completeOrder({}), -1});
      continue;
    }
    for (const auto& order : temporal_orders) {
      spatial[l].push_back({order, -1});
      if (arch.fanoutX(l) != arch.fanout(l))
        for (int split = 0; split <= dims; ++split) spatial[l].push_back({order, split});
    }
  }

  Evaluator evaluator(arch, workload, builtinEnergyTable(arch));
  NaiveResult result;
  Mapping mapping = trivialMapping(levels, dims, workload.numDataSpaces());
  if (!options.keep.empty())
    for (int l = 0; l < levels; ++l) mapping.levels[l].keep = options.keep[l];
  Evaluation evaluation;
  std::vector<std::size_t> choice(dims, 0);
  while (true) {  // every factor assignment
    for (int l = 0; l < levels; ++l) {
      std::fill(mapping.levels[l].temporal.begin(), mapping.levels[l].temporal.end(), 1);
      std::fill(mapping.levels[l].spatial.begin(), mapping.levels[l].spatial.end(), 1);
    }
    for (int d = 0; d < dims; ++d)
      for (std::size_t s = 0; s < slots.size(); ++s)
        (slots[s].spatial ? mapping.levels[slots[s].level].spatial
                          : mapping.levels[slots[s].level].temporal)[d] = splits[d][choice[d]][s];
    std::vector<std::size_t> order_choice(2 * levels, 0);
    while (true) {  // every temporal and spatial order of every level
      for (int l = 0; l < levels; ++l) {
        mapping.levels[l].temporal_order = temporal_orders[order_choice[l]];
        mapping.levels[l].spatial_order = spatial[l][order_choice[levels + l]].first;
        mapping.levels[l].spatial_split = spatial[l][order_choice[levels + l]].second;
      }
      if (!options.admitted || options.admitted(mapping)) {
        evaluator.evaluate(mapping, evaluation);
        ++result.evaluations;
        if (evaluation.valid) {
          std::array<double, kAllMetrics.size()> v{};
          for (std::size_t m = 0; m < kAllMetrics.size(); ++m) v[m] = metricValue(kAllMetrics[m], evaluation);
          result.values.push_back(v);
          result.mappings.push_back(mapping);
        }
      }
      int i = 0;
      for (; i < 2 * levels; ++i) {
        const std::size_t size = i < levels ? temporal_orders.size() : spatial[i - levels].size();
        if (++order_choice[i] < size) break;
        order_choice[i] = 0;
      }
      if (i == 2 * levels) break;
    }
    int d = 0;
    for (; d < dims; ++d) {
      if (++choice[d] < splits[d].size()) break;
      choice[d] = 0;
    }
    if (d == dims) break;
  }
  return result;
}

std::size_t metricSlot(SearchMetric metric) {
  return static_cast<std::size_t>(std::find(kAllMetrics.begin(), kAllMetrics.end(), metric) -
                                  kAllMetrics.begin());
}

// The naive optimum's values under `metrics` (exact lexicographic minimum).
std::vector<double> naiveBest(const NaiveResult& naive, const std::vector<SearchMetric>& metrics) {
  std::vector<double> best;
  for (const auto& v : naive.values) {
    std::vector<double> key;
    for (SearchMetric m : metrics) key.push_back(v[metricSlot(m)]);
    if (best.empty() || key < best) best = key;
  }
  return best;
}

std::vector<double> keyOf(const Evaluation& evaluation, const std::vector<SearchMetric>& metrics) {
  std::vector<double> key;
  for (SearchMetric m : metrics) key.push_back(metricValue(m, evaluation));
  return key;
}

const std::vector<std::vector<SearchMetric>> kMetricSets = {
    {SearchMetric::Delay, SearchMetric::Energy},
    {SearchMetric::Energy},
    {SearchMetric::Edp},
    {SearchMetric::LastLevelAccesses, SearchMetric::Delay}};

// The naive search keeps every data space everywhere; so do these constraints (the exhaustive
// mapper also searches the keep/bypass placements that constraints leave open).
Constraints keepAll(const Architecture& arch, const Workload& workload) {
  Constraints constraints;
  for (int l = 0; l < arch.numLevels(); ++l) {
    LevelConstraint keep;
    keep.kind = ConstraintKind::Bypass;
    keep.level = l;
    for (int ds = 0; ds < workload.numDataSpaces(); ++ds) keep.keep.push_back(ds);
    constraints.items.push_back(keep);
  }
  return constraints;
}

// The exhaustive optimum equals the naive one under every metric set.
void expectMatchesNaive(const Architecture& arch, const Workload& workload, const NaiveResult& naive,
                        std::optional<Constraints> given = std::nullopt) {
  const Constraints constraints = given ? *given : keepAll(arch, workload);
  ASSERT_FALSE(naive.values.empty());
  for (const auto& metrics : kMetricSets) {
    ExhaustiveOptions options;
    options.metrics = metrics;
    const SearchResult result =
        exhaustiveMapper(arch, workload, constraints, builtinEnergyTable(arch), options);
    ASSERT_TRUE(result.found) << result.message;
    EXPECT_TRUE(result.evaluation.valid);
    EXPECT_LT(result.evaluations, naive.evaluations);
    EXPECT_EQ(result.samples, result.evaluations);
    const std::vector<double> expected = naiveBest(naive, metrics);
    const std::vector<double> got = keyOf(result.evaluation, metrics);
    ASSERT_EQ(got.size(), expected.size());
    for (std::size_t i = 0; i < got.size(); ++i)
      EXPECT_DOUBLE_EQ(got[i], expected[i]) << toString(metrics[i]) << " " << result.message;
    // The reported evaluation is the model's for the reported mapping.
    Evaluator evaluator(arch, workload, builtinEnergyTable(arch));
    EXPECT_EQ(keyOf(evaluator.evaluate(result.mapping), metrics), got);
  }
}

TEST(ExhaustiveMapper, MatchesNaiveBruteForceOnGemm) {
  // Small registers prune hard; larger ones leave loops at the innermost level (rule (d)).
  for (const std::int64_t registers : {4, 16}) {
    const Architecture arch = tinyArch(/*mesh=*/false, registers);
    const Workload workload = gemm(4, 2, 2);
    expectMatchesNaive(arch, workload, naiveBruteForce(arch, workload, {}));
  }
}

TEST(ExhaustiveMapper, MatchesNaiveBruteForceOnMesh) {
  const Architecture arch = tinyArch(/*mesh=*/true, /*register_entries=*/16);
  ASSERT_EQ(arch.fanoutX(1), 2);
  const Workload workload = gemm(2, 2, 2);
  expectMatchesNaive(arch, workload, naiveBruteForce(arch, workload, {}));
}

TEST(ExhaustiveMapper, MatchesNaiveBruteForceOnCnnLayer) {
  const Architecture arch = tinyArch();
  const Workload workload = cnn(3, 2, 2);
  // Dimensions of bound 1 have factor 1 everywhere: the naive search permutes R, P and K only.
  NaiveOptions naive;
  naive.permuted = {0, 2, 5};
  expectMatchesNaive(arch, workload, naiveBruteForce(arch, workload, naive));
}

TEST(ExhaustiveMapper, EveryEvaluatedMappingFitsAfterPruning) {
  // At a complete assignment the fan-out and capacity checks are exact, so nothing evaluated fails.
  const Architecture arch = tinyArch();
  const SearchResult result =
      exhaustiveMapper(arch, gemm(4, 2, 2), keepAll(arch, gemm(4, 2, 2)), builtinEnergyTable(arch));
  ASSERT_TRUE(result.found);
  EXPECT_GT(result.evaluations, 0);
  EXPECT_EQ(result.valid, result.evaluations);
  EXPECT_NE(result.message.find("on capacity"), std::string::npos);
}

TEST(ExhaustiveMapper, OrderCollapseKeepsTheOptimum) {
  for (const bool mesh : {false, true}) {
    // Registers large enough for loops of their own, whose order the collapse skips.
    const Architecture arch = tinyArch(mesh, /*register_entries=*/16);
    const Workload workload = cnn(3, 2, 4);
    ExhaustiveOptions options;
    const SearchResult collapsed =
        exhaustiveMapper(arch, workload, keepAll(arch, workload), builtinEnergyTable(arch), options);
    options.collapse_orders = false;
    const SearchResult full =
        exhaustiveMapper(arch, workload, keepAll(arch, workload), builtinEnergyTable(arch), options);
    ASSERT_TRUE(collapsed.found && full.found);
    EXPECT_LT(collapsed.evaluations, full.evaluations);
    EXPECT_EQ(keyOf(collapsed.evaluation, options.metrics), keyOf(full.evaluation, options.metrics));
  }
}

TEST(ExhaustiveMapper, SameResultForAnyThreadCount) {
  const Architecture arch = tinyArch(/*mesh=*/true);
  const Workload workload = cnn(3, 4, 2);
  for (const std::int64_t max_evaluations : {std::int64_t{0}, std::int64_t{777}}) {
    ExhaustiveOptions options;
    options.max_evaluations = max_evaluations;
    const SearchResult one =
        exhaustiveMapper(arch, workload, keepAll(arch, workload), builtinEnergyTable(arch), options);
    ASSERT_TRUE(one.found);
    for (const int threads : {2, 3}) {
      options.threads = threads;
      const SearchResult many =
          exhaustiveMapper(arch, workload, keepAll(arch, workload), builtinEnergyTable(arch), options);
      EXPECT_EQ(many.mapping, one.mapping) << threads;
      EXPECT_EQ(keyOf(many.evaluation, options.metrics), keyOf(one.evaluation, options.metrics));
      EXPECT_EQ(many.evaluations, one.evaluations);
      EXPECT_EQ(many.valid, one.valid);
      EXPECT_EQ(many.message, one.message);
    }
  }
}

TEST(ExhaustiveMapper, MaxEvaluationsTruncates) {
  const Architecture arch = tinyArch();
  const Workload workload = gemm(4, 2, 2);
  const SearchResult full =
      exhaustiveMapper(arch, workload, keepAll(arch, workload), builtinEnergyTable(arch));
  EXPECT_EQ(full.message.find("truncated"), std::string::npos) << full.message;
  ASSERT_GT(full.evaluations, 50);

  ExhaustiveOptions options;
  options.max_evaluations = 50;
  const SearchResult bounded =
      exhaustiveMapper(arch, workload, keepAll(arch, workload), builtinEnergyTable(arch), options);
  EXPECT_EQ(bounded.evaluations, 50);
  EXPECT_EQ(bounded.samples, 50);
  EXPECT_NE(bounded.message.find("truncated"), std::string::npos) << bounded.message;
  ASSERT_TRUE(bounded.found);
  EXPECT_FALSE(betterThan(bounded.evaluation, full.evaluation, options.metrics));

  // A bound equal to the mapspace's size truncates nothing.
  options.max_evaluations = full.evaluations;
  const SearchResult exact =
      exhaustiveMapper(arch, workload, keepAll(arch, workload), builtinEnergyTable(arch), options);
  EXPECT_EQ(exact.evaluations, full.evaluations);
  EXPECT_EQ(exact.message.find("truncated"), std::string::npos) << exact.message;
  EXPECT_EQ(exact.mapping, full.mapping);
}

TEST(ExhaustiveMapper, HonoursKeepPattern) {
  const Architecture arch = tinyArch();
  const Workload workload = gemm(4, 2, 2);
  // The buffer bypasses A (data space 0).
  Constraints constraints;
  LevelConstraint bypass;
  bypass.kind = ConstraintKind::Bypass;
  bypass.level = 1;
  bypass.bypass = {0};
  bypass.keep = {1, 2};
  constraints.items.push_back(bypass);
  constraints.items.push_back(keepAll(arch, workload).items.front());  // registers keep everything
  NaiveOptions naive;
  naive.keep.assign(3, {true, true, true});
  naive.keep[1][0] = false;
  expectMatchesNaive(arch, workload, naiveBruteForce(arch, workload, naive), constraints);
  const SearchResult result = exhaustiveMapper(arch, workload, constraints, builtinEnergyTable(arch));
  ASSERT_TRUE(result.found);
  EXPECT_EQ(result.mapping.levels[1].keep, (std::vector<bool>{false, true, true}));
  EXPECT_EQ(result.mapping.levels[0].keep, (std::vector<bool>{true, true, true}));
}

TEST(ExhaustiveMapper, HonoursFixedFactorsAndPermutation) {
  const Architecture arch = tinyArch();
  const Workload workload = gemm(4, 2, 2);  // dims M N K
  Constraints constraints;
  LevelConstraint dram;  // DRAM: temporal M = 2, K innermost
  dram.kind = ConstraintKind::Temporal;
  dram.level = 2;
  dram.factors = {{0, 2}};
  dram.permutation = {2};
  LevelConstraint spatial;  // buffer fan-out: N = 2
  spatial.kind = ConstraintKind::Spatial;
  spatial.level = 1;
  spatial.factors = {{1, 2}};
  constraints.items = keepAll(arch, workload).items;
  constraints.items.push_back(dram);
  constraints.items.push_back(spatial);
  NaiveOptions naive;
  naive.admitted = [](const Mapping& m) {
    return m.levels[2].temporal[0] == 2 && m.levels[1].spatial[1] == 2 && m.levels[2].temporal_order[0] == 2;
  };
  expectMatchesNaive(arch, workload, naiveBruteForce(arch, workload, naive), constraints);
  const SearchResult result = exhaustiveMapper(arch, workload, constraints, builtinEnergyTable(arch));
  ASSERT_TRUE(result.found);
  EXPECT_EQ(result.mapping.levels[2].temporal[0], 2);
  EXPECT_EQ(result.mapping.levels[1].spatial[1], 2);
  EXPECT_EQ(result.mapping.levels[2].temporal_order.front(), 2);
}

TEST(ExhaustiveMapper, ReportsConstraintsThatAdmitNothing) {
  const Architecture arch = tinyArch();
  Constraints constraints;
  LevelConstraint c;
  c.kind = ConstraintKind::Temporal;
  c.level = 2;
  c.factors = {{0, 3}};  // 3 does not divide M = 4
  constraints.items.push_back(c);
  const SearchResult result = exhaustiveMapper(arch, gemm(4, 2, 2), constraints, builtinEnergyTable(arch));
  EXPECT_FALSE(result.found);
  EXPECT_NE(result.message.find("constraints"), std::string::npos) << result.message;
  EXPECT_EQ(result.evaluations, 0);
}

}  // namespace
}  // namespace cosa

namespace cosa {
namespace {

// A stop request (SIGINT in `cosa compare`) ends the enumeration at once, marked interrupted.
TEST(ExhaustiveMapper, StopRequestEndsTheSearch) {
  const Architecture arch = tinyArch();
  const Workload workload = gemm(4, 2, 2);
  const SearchResult full =
      exhaustiveMapper(arch, workload, keepAll(arch, workload), builtinEnergyTable(arch));
  EXPECT_FALSE(full.interrupted);
  std::atomic<bool> stop{true};
  ExhaustiveOptions options;
  options.stop = &stop;
  const SearchResult stopped =
      exhaustiveMapper(arch, workload, keepAll(arch, workload), builtinEnergyTable(arch), options);
  EXPECT_TRUE(stopped.interrupted);
  EXPECT_LE(stopped.evaluations, 1);
  EXPECT_LT(stopped.evaluations, full.evaluations);
  EXPECT_NE(stopped.message.find("interrupted"), std::string::npos) << stopped.message;
}

// Data placement left open is searched: on one-word registers that cannot hold all three data
// spaces, the optimum over tilings and keep/bypass equals the best of the exhaustive optima with
// each placement fixed, and it bypasses something at the registers.
TEST(ExhaustiveMapper, SearchesOpenKeepBypassPlacements) {
  const Architecture arch = tinyArch(false, 1);
  const Workload workload = gemm(4, 2, 2);
  ExhaustiveOptions options;
  options.metrics = {SearchMetric::Edp};
  const SearchResult open =
      exhaustiveMapper(arch, workload, Constraints{}, builtinEnergyTable(arch), options);
  ASSERT_TRUE(open.found) << open.message;
  EXPECT_NE(open.message.find("64 keep/bypass placements"), std::string::npos) << open.message;
  double best = 0;
  for (int pattern = 0; pattern < 64; ++pattern) {
    Constraints fixed;
    for (int l = 0; l < 2; ++l) {
      LevelConstraint c;
      c.kind = ConstraintKind::Bypass;
      c.level = l;
      for (int ds = 0; ds < 3; ++ds) ((pattern >> (l * 3 + ds)) & 1 ? c.bypass : c.keep).push_back(ds);
      fixed.items.push_back(c);
    }
    const SearchResult r = exhaustiveMapper(arch, workload, fixed, builtinEnergyTable(arch), options);
    if (r.found && (best == 0 || r.evaluation.edp() < best)) best = r.evaluation.edp();
  }
  EXPECT_DOUBLE_EQ(open.evaluation.edp(), best);
  const std::vector<bool>& registers = open.mapping.levels[0].keep;
  EXPECT_LT(std::count(registers.begin(), registers.end(), true), 3);
}

}  // namespace
}  // namespace cosa
