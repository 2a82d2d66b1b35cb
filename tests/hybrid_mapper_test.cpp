// Timeloop's hybrid search: termination conditions counted as Timeloop counts them, linear-pruned
// loop orders, constraints honoured, deterministic for a seed and thread count.
#include "mappers/hybrid_mapper.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <mutex>

#include "io/timeloop/arch_yaml.hpp"
#include "io/timeloop/constraints_yaml.hpp"
#include "model/evaluator.hpp"
#include "test_support.hpp"

namespace cosa {
namespace {

const std::string kData = COSA_DATA_DIR;
enum { R, S, P, Q, C, K, N };

Workload smallLayer() {
  test::CnnBounds b;
  b.R = 3, b.S = 3, b.P = 8, b.Q = 8, b.C = 16, b.K = 32;
  return test::cnnLayer(b);
}

struct Simba {
  Architecture arch = loadArchitecture(kData + "/arch/simba.yaml");
  Workload workload;
  Constraints constraints;
  EnergyTable energy = builtinEnergyTable(arch);
  explicit Simba(Workload w)
      : workload(std::move(w)),
        constraints(loadConstraints(kData + "/mapspace/simba_bypass.yaml", arch, workload)) {}
  SearchResult run(const HybridMapperOptions& options) const {
    return hybridMapper(arch, workload, constraints, energy, options);
  }
};

HybridMapperOptions options(std::int64_t search_size, std::int64_t victory, std::int64_t timeout) {
  HybridMapperOptions o;
  o.search_size = search_size;
  o.victory_condition = victory;
  o.timeout = timeout;
  return o;
}

bool endedBy(const SearchResult& r, const std::string& reason, int threads) {
  return r.message.find(reason + " " + std::to_string(threads)) != std::string::npos;
}

TEST(HybridMapper, SearchSizeIsSplitAmongThreads) {
  const Simba simba(smallLayer());
  const SearchResult one = simba.run(options(150, 0, 0));
  ASSERT_TRUE(one.found) << one.message;
  EXPECT_EQ(one.valid, 150);
  EXPECT_TRUE(endedBy(one, "search-size", 1)) << one.message;
  HybridMapperOptions two = options(151, 0, 0);
  two.threads = 2;
  const SearchResult r = simba.run(two);
  EXPECT_EQ(r.valid, 2 * 76);  // 1 + (151 - 1) / 2 per thread, as Timeloop splits it
  EXPECT_TRUE(endedBy(r, "search-size", 2)) << r.message;
}

// A stop request (SIGINT in `cosa compare`) ends every thread before its next mapping.
TEST(HybridMapper, StopRequestEndsEveryThread) {
  const Simba simba(smallLayer());
  std::atomic<bool> stop{true};
  HybridMapperOptions o = options(16000, 0, 0);
  o.threads = 2;
  o.stop = &stop;
  const SearchResult r = simba.run(o);
  EXPECT_TRUE(r.interrupted);
  EXPECT_EQ(r.evaluations, 0);
  EXPECT_TRUE(endedBy(r, "interrupted", 2)) << r.message;
  EXPECT_FALSE(simba.run(options(20, 0, 0)).interrupted);
}

TEST(HybridMapper, VictoryAfterExactlyVictoryConditionValidMappings) {
  // A layer of one MAC: one mapping, optimal at once; every later one ties and does not improve.
  const Simba simba(test::cnnLayer(test::CnnBounds{}));
  const SearchResult r = simba.run(options(0, 37, 0));
  ASSERT_TRUE(r.found);
  EXPECT_EQ(r.valid, 1 + 37);
  EXPECT_EQ(r.evaluations, 1 + 37);
  EXPECT_TRUE(endedBy(r, "victory-condition", 1)) << r.message;
  HybridMapperOptions three = options(0, 37, 0);
  three.threads = 3;  // not split among threads
  EXPECT_EQ(simba.run(three).valid, 3 * 38);
}

TEST(HybridMapper, TimeoutOnConsecutiveInvalidMappings) {
  // A global buffer too small for almost any tiling of this layer.
  Simba simba(smallLayer());
  for (StorageLevel& level : simba.arch.levels)
    if (level.name == "GlobalBuffer") level.entries = 200;
  simba.energy = builtinEnergyTable(simba.arch);
  std::int64_t run = 0, longest = 0;
  HybridMapperOptions o = options(0, 0, 25);
  o.observer = [&](const Mapping&, const Evaluation& e) {
    run = e.valid ? 0 : run + 1;
    longest = std::max(longest, run);
  };
  const SearchResult r = simba.run(o);
  EXPECT_TRUE(endedBy(r, "timeout", 1)) << r.message;
  EXPECT_EQ(run, 25);  // ended right after the 25th consecutive invalid mapping
  EXPECT_EQ(longest, 25);
  EXPECT_LT(r.valid, r.evaluations);
}

TEST(HybridMapper, MaxEvaluationsCapsTheSearch) {
  const Simba simba(smallLayer());
  HybridMapperOptions o = options(0, 0, 0);
  o.max_evaluations = 300;
  const SearchResult r = simba.run(o);
  EXPECT_EQ(r.evaluations, 300);
  EXPECT_TRUE(endedBy(r, "max-evaluations", 1)) << r.message;
}

TEST(HybridMapper, ReproducibleForSeedAndThreads) {
  const Simba simba(smallLayer());
  HybridMapperOptions o = options(400, 100, 0);
  o.threads = 2;
  o.seed = 5;
  const SearchResult a = simba.run(o);
  const SearchResult b = simba.run(o);
  o.seed = 6;
  const SearchResult c = simba.run(o);
  ASSERT_TRUE(a.found);
  EXPECT_EQ(a.mapping, b.mapping);
  EXPECT_EQ(a.samples, b.samples);
  EXPECT_EQ(a.evaluations, b.evaluations);
  EXPECT_EQ(a.valid, b.valid);
  EXPECT_EQ(a.message, b.message);
  EXPECT_TRUE(c.mapping != a.mapping || c.evaluations != a.evaluations);
}

TEST(HybridMapper, BestIsValidAndNoWorseThanAnyEvaluated) {
  Simba simba(smallLayer());
  const int dram = simba.arch.levelIndex("DRAM");
  LevelConstraint fixed;
  fixed.kind = ConstraintKind::Temporal;
  fixed.level = dram;
  fixed.factors = {{K, 2}};
  fixed.permutation = {C, K};
  simba.constraints.items.push_back(fixed);
  std::mutex mutex;
  std::vector<Evaluation> valid;
  std::int64_t evaluated = 0;
  HybridMapperOptions o = options(600, 200, 0);
  o.threads = 2;
  o.observer = [&](const Mapping& m, const Evaluation& e) {
    const std::lock_guard<std::mutex> lock(mutex);
    ++evaluated;
    if (e.valid) valid.push_back(e);
    const LevelMapping& top = m.levels[dram];
    EXPECT_EQ(top.temporal[K], 2);
    EXPECT_EQ(top.temporal_order[0], C);
    EXPECT_EQ(top.temporal_order[1], K);
    // Linear pruning: after the fixed loops come the loops of one trip, in ascending order.
    for (const LevelMapping& lm : m.levels) {
      std::size_t i = lm == top ? 2 : 0;
      int last = -1;
      for (; i < lm.temporal_order.size() && lm.temporal[lm.temporal_order[i]] == 1; ++i) {
        if (lm == top && (lm.temporal_order[i] == C || lm.temporal_order[i] == K)) continue;
        EXPECT_GT(lm.temporal_order[i], last);
        last = lm.temporal_order[i];
      }
      for (; i < lm.temporal_order.size(); ++i) EXPECT_GT(lm.temporal[lm.temporal_order[i]], 1);
    }
  };
  const SearchResult r = simba.run(o);
  ASSERT_TRUE(r.found) << r.message;
  EXPECT_EQ(evaluated, r.evaluations);
  EXPECT_EQ(static_cast<std::int64_t>(valid.size()), r.valid);
  EXPECT_TRUE(r.evaluation.valid);
  Evaluator evaluator(simba.arch, simba.workload, simba.energy);
  EXPECT_TRUE(evaluator.checkValidity(r.mapping).empty());
  EXPECT_EQ(evaluator.evaluate(r.mapping).cycles, r.evaluation.cycles);
  for (const Evaluation& e : valid) EXPECT_FALSE(betterThan(e, r.evaluation, o.metrics));
}

TEST(HybridMapper, WalksLoopOrdersOfOneTilingBeforeTheNext) {
  // With a huge victory condition, the first valid mappings all share one tiling.
  const Simba simba(smallLayer());
  std::vector<Mapping> seen;
  HybridMapperOptions o = options(50, 0, 0);
  o.observer = [&](const Mapping& m, const Evaluation& e) {
    if (e.valid) seen.push_back(m);
  };
  simba.run(o);
  ASSERT_GE(seen.size(), 2u);
  int same_tiling = 0, orders_differ = 0;
  for (std::size_t i = 1; i < seen.size(); ++i) {
    bool same = true;
    for (std::size_t l = 0; l < seen[i].levels.size(); ++l)
      same = same && seen[i].levels[l].temporal == seen[i - 1].levels[l].temporal &&
             seen[i].levels[l].spatial == seen[i - 1].levels[l].spatial;
    same_tiling += same;
    if (same && seen[i] != seen[i - 1]) ++orders_differ;
  }
  EXPECT_GT(same_tiling, 0);
  EXPECT_EQ(orders_differ, same_tiling);  // consecutive mappings of one tiling never repeat
}

TEST(HybridMapper, UnsatisfiableConstraints) {
  Simba simba(smallLayer());
  LevelConstraint bad;
  bad.kind = ConstraintKind::Temporal;
  bad.factors = {{P, 3}};
  simba.constraints.items.push_back(bad);
  const SearchResult r = simba.run(options(10, 0, 0));
  EXPECT_FALSE(r.found);
  EXPECT_EQ(r.evaluations, 0);
  EXPECT_NE(r.message.find("no mapping satisfies the constraints"), std::string::npos);
}

TEST(HybridMapper, ThroughputOnAResNetLayer) {
  test::CnnBounds b;
  b.R = 7, b.S = 7, b.P = 112, b.Q = 112, b.C = 3, b.K = 64, b.Wstride = 2, b.Hstride = 2;
  const Simba simba(test::cnnLayer(b));
  HybridMapperOptions o = options(0, 0, 0);
  o.max_evaluations = 5000;
  const SearchResult r = simba.run(o);
  EXPECT_EQ(r.evaluations, 5000);
  std::printf("[ hybrid ] %lld evaluations (%lld valid) in %.3f s: %.0f evaluations/s; best %lld cycles\n",
              static_cast<long long>(r.evaluations), static_cast<long long>(r.valid), r.time_s,
              static_cast<double>(r.evaluations) / r.time_s, static_cast<long long>(r.evaluation.cycles));
}

}  // namespace
}  // namespace cosa
