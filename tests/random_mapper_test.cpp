// The mapspace sampler (fan-out valid by construction, constraints honoured, deterministic) and
// the Random baseline (best of N valid).
#include "mappers/random_mapper.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "io/timeloop/arch_yaml.hpp"
#include "io/timeloop/constraints_yaml.hpp"
#include "mappers/factor_space.hpp"
#include "model/evaluator.hpp"
#include "test_support.hpp"

namespace cosa {
namespace {

const std::string kData = COSA_DATA_DIR;
enum { R, S, P, Q, C, K, N };

Workload resnetConv1() {
  test::CnnBounds b;
  b.R = 7, b.S = 7, b.P = 112, b.Q = 112, b.C = 3, b.K = 64, b.Wstride = 2, b.Hstride = 2;
  return test::cnnLayer(b);
}

Workload smallLayer() {
  test::CnnBounds b;
  b.R = 3, b.S = 3, b.P = 8, b.Q = 8, b.C = 16, b.K = 32;
  return test::cnnLayer(b);
}

// A two-level machine with a 2-D mesh: DRAM fans out to a 4x4 grid of buffers, each feeding a 2x2
// grid of MACs.
Architecture meshArch() {
  Architecture arch;
  arch.name = "mesh";
  arch.arithmetic.instances = 64;
  arch.arithmetic.mesh_x = 8;
  StorageLevel buffer;
  buffer.name = "Buffer";
  buffer.entries = 4096;
  buffer.instances = 16;
  buffer.mesh_x = 4;
  StorageLevel dram;
  dram.name = "DRAM";
  dram.technology = "DRAM";
  dram.instances = 1;
  dram.mesh_x = 1;
  arch.levels = {buffer, dram};
  return arch;
}

LevelConstraint fixedFactors(ConstraintKind kind, int level,
                             std::vector<std::pair<int, std::int64_t>> factors,
                             std::vector<int> permutation = {}) {
  LevelConstraint c;
  c.kind = kind;
  c.level = level;
  c.factors = std::move(factors);
  c.permutation = std::move(permutation);
  return c;
}

// Checks one mapping against the architecture's fan-out and mesh, the bounds and the constraints.
void expectRespects(const Mapping& m, const Architecture& arch, const Workload& w, const Constraints& cons) {
  ASSERT_EQ(m.levels.size(), static_cast<std::size_t>(arch.numLevels()));
  for (int d = 0; d < w.numDims(); ++d) {
    std::int64_t product = 1;
    for (const LevelMapping& lm : m.levels) product *= lm.temporal[d] * lm.spatial[d];
    EXPECT_EQ(product, w.bounds[d]) << w.dimensions[d];
  }
  for (int l = 0; l < arch.numLevels(); ++l) {
    const LevelMapping& lm = m.levels[l];
    std::int64_t used = 1, used_x = 1;
    const int split = lm.spatial_split < 0 ? w.numDims() : lm.spatial_split;
    for (int i = 0; i < w.numDims(); ++i) {
      used *= lm.spatial[lm.spatial_order[i]];
      if (i < split) used_x *= lm.spatial[lm.spatial_order[i]];
    }
    EXPECT_LE(used, arch.fanout(l));
    EXPECT_LE(used_x, arch.fanoutX(l));
    EXPECT_LE(used / used_x, arch.fanoutY(l));
    std::vector<int> t = lm.temporal_order, s = lm.spatial_order;
    std::sort(t.begin(), t.end());
    std::sort(s.begin(), s.end());
    for (int d = 0; d < w.numDims(); ++d) {
      EXPECT_EQ(t[d], d);
      EXPECT_EQ(s[d], d);
    }
    for (int ds = 0; ds < w.numDataSpaces(); ++ds)
      EXPECT_EQ(lm.keep[ds], l + 1 == arch.numLevels() || cons.keeps(l, ds).value_or(true));
  }
  for (const LevelConstraint& c : cons.items) {
    if (c.kind == ConstraintKind::Bypass) continue;
    const LevelMapping& lm = m.levels[c.level];
    for (const auto& [dim, factor] : c.factors)
      EXPECT_EQ((c.kind == ConstraintKind::Temporal ? lm.temporal : lm.spatial)[dim], factor);
    const std::vector<int>& order = c.kind == ConstraintKind::Temporal ? lm.temporal_order : lm.spatial_order;
    for (std::size_t i = 0; i < c.permutation.size(); ++i) EXPECT_EQ(order[i], c.permutation[i]);
  }
}

TEST(FactorSpace, UniformBelowIsInRangeAndDeterministic) {
  Rng a = makeRng(7, 0), b = makeRng(7, 0), c = makeRng(7, 1);
  bool differs = false;
  for (int i = 0; i < 1000; ++i) {
    const std::uint64_t x = uniformBelow(a, 10);
    EXPECT_LT(x, 10u);
    EXPECT_EQ(x, uniformBelow(b, 10));
    differs = differs || x != uniformBelow(c, 10);
  }
  EXPECT_TRUE(differs);
  EXPECT_EQ(uniformBelow(a, 1), 0u);
}

TEST(FactorSpace, SimbaSamplesRespectFanoutAndConstraints) {
  const Architecture arch = loadArchitecture(kData + "/arch/simba.yaml");
  const Workload w = resnetConv1();
  Constraints cons = loadConstraints(kData + "/mapspace/simba_bypass.yaml", arch, w);
  const int gb = arch.levelIndex("GlobalBuffer"), dram = arch.levelIndex("DRAM");
  cons.items.push_back(fixedFactors(ConstraintKind::Temporal, gb, {{K, 4}}));
  cons.items.push_back(fixedFactors(ConstraintKind::Spatial, gb, {{C, 3}}));
  cons.items.push_back(fixedFactors(ConstraintKind::Temporal, dram, {}, {Q, P}));
  const FactorSpace space(arch, w, cons);
  ASSERT_EQ(space.error(), "");
  Evaluator evaluator(arch, w);
  Rng rng = makeRng(1, 0);
  Mapping m;
  int valid = 0, spatial_used = 0;
  for (int i = 0; i < 2000; ++i) {
    ASSERT_TRUE(space.sample(rng, m));
    expectRespects(m, arch, w, cons);
    const std::string why = evaluator.checkValidity(m);
    // Only capacity may fail: fan-out and instances are valid by construction.
    if (why.empty())
      ++valid;
    else
      EXPECT_NE(why.find("capacity"), std::string::npos) << why;
    for (const LevelMapping& lm : m.levels)
      for (std::int64_t f : lm.spatial) spatial_used += f > 1;
  }
  EXPECT_GT(valid, 0);
  EXPECT_GT(spatial_used, 2000);  // more than the fixed C=3 alone
}

TEST(FactorSpace, MeshSamplesRespectXAndY) {
  const Architecture arch = meshArch();
  ASSERT_EQ(arch.fanoutX(0), 2);
  ASSERT_EQ(arch.fanoutY(0), 2);
  ASSERT_EQ(arch.fanoutX(1), 4);
  ASSERT_EQ(arch.fanoutY(1), 4);
  const Workload w = smallLayer();
  Constraints cons;
  LevelConstraint spatial = fixedFactors(ConstraintKind::Spatial, 1, {}, {K, C});
  spatial.split = 1;  // K on X; C and everything else on Y
  cons.items.push_back(spatial);
  const FactorSpace space(arch, w, cons);
  ASSERT_EQ(space.error(), "");
  Evaluator evaluator(arch, w);
  Rng rng = makeRng(2, 0);
  Mapping m;
  bool used_y = false;
  for (int i = 0; i < 2000; ++i) {
    ASSERT_TRUE(space.sample(rng, m));
    expectRespects(m, arch, w, cons);
    EXPECT_EQ(m.levels[1].spatial_split, 1);
    const std::string why = evaluator.checkValidity(m);
    EXPECT_TRUE(why.empty() || why.find("capacity") != std::string::npos) << why;
    used_y =
        used_y || m.levels[0].spatial[m.levels[0].spatial_order.back()] > 1 || m.levels[1].spatial[C] > 1;
  }
  EXPECT_TRUE(used_y);
}

TEST(FactorSpace, UnsatisfiableConstraintsAreReported) {
  const Architecture arch = loadArchitecture(kData + "/arch/simba.yaml");
  const Workload w = smallLayer();
  Constraints cons;
  cons.items.push_back(fixedFactors(ConstraintKind::Temporal, 0, {{K, 5}}));
  EXPECT_NE(FactorSpace(arch, w, cons).error(), "");
  Constraints too_wide;
  too_wide.items.push_back(fixedFactors(ConstraintKind::Spatial, arch.levelIndex("GlobalBuffer"), {{K, 32}}));
  EXPECT_NE(FactorSpace(arch, w, too_wide).error(), "");
  const SearchResult r = randomMapper(arch, w, cons, builtinEnergyTable(arch), RandomMapperOptions{});
  EXPECT_FALSE(r.found);
  EXPECT_EQ(r.samples, 0);
}

TEST(RandomMapper, StopsAtValidTargetWithTheBestValid) {
  const Architecture arch = loadArchitecture(kData + "/arch/simba.yaml");
  const Workload w = resnetConv1();
  const Constraints cons = loadConstraints(kData + "/mapspace/simba_bypass.yaml", arch, w);
  RandomMapperOptions options;
  options.seed = 3;
  std::vector<Evaluation> seen;
  options.observer = [&](const Mapping& m, const Evaluation& e) {
    expectRespects(m, arch, w, cons);
    seen.push_back(e);
  };
  const SearchResult r = randomMapper(arch, w, cons, builtinEnergyTable(arch), options);
  ASSERT_TRUE(r.found) << r.message;
  EXPECT_EQ(r.valid, 5);
  EXPECT_EQ(r.evaluations, static_cast<std::int64_t>(seen.size()));
  EXPECT_LE(r.evaluations, r.samples);
  EXPECT_TRUE(r.evaluation.valid);
  EXPECT_TRUE(Evaluator(arch, w).checkValidity(r.mapping).empty());
  EXPECT_TRUE(seen.back().valid);  // the search stopped at the 5th valid mapping
  for (const Evaluation& e : seen)
    if (e.valid) {
      EXPECT_FALSE(betterThan(e, r.evaluation, options.metrics));
    }
}

TEST(RandomMapper, ReproducibleForASeedAndIndependentOfThreads) {
  const Architecture arch = loadArchitecture(kData + "/arch/simba.yaml");
  const Workload w = smallLayer();
  const Constraints cons = loadConstraints(kData + "/mapspace/simba_bypass.yaml", arch, w);
  const EnergyTable energy = builtinEnergyTable(arch);
  RandomMapperOptions options;
  options.valid_target = 20;
  options.seed = 11;
  const SearchResult a = randomMapper(arch, w, cons, energy, options);
  const SearchResult b = randomMapper(arch, w, cons, energy, options);
  options.threads = 3;
  const SearchResult c = randomMapper(arch, w, cons, energy, options);
  options.threads = 1;
  options.seed = 12;
  const SearchResult d = randomMapper(arch, w, cons, energy, options);
  ASSERT_TRUE(a.found);
  for (const SearchResult* r : {&b, &c}) {
    EXPECT_EQ(r->mapping, a.mapping);
    EXPECT_EQ(r->samples, a.samples);
    EXPECT_EQ(r->evaluations, a.evaluations);
    EXPECT_EQ(r->valid, a.valid);
    EXPECT_EQ(r->evaluation.cycles, a.evaluation.cycles);
  }
  EXPECT_NE(d.mapping, a.mapping);
}

TEST(RandomMapper, StopsAtMaxSamplesWhenNothingFits) {
  Architecture arch = meshArch();
  arch.levels[0].entries = 2;  // too small for any tile of three data spaces
  const Workload w = smallLayer();
  RandomMapperOptions options;
  options.max_samples = 300;
  const SearchResult r = randomMapper(arch, w, Constraints{}, builtinEnergyTable(arch), options);
  EXPECT_FALSE(r.found);
  EXPECT_EQ(r.samples, 300);
  EXPECT_EQ(r.evaluations, 300);
  EXPECT_EQ(r.valid, 0);
  EXPECT_NE(r.message.find("max samples"), std::string::npos);
}

TEST(RandomMapper, ThroughputOnAResNetLayer) {
  const Architecture arch = loadArchitecture(kData + "/arch/simba.yaml");
  const Workload w = resnetConv1();
  const Constraints cons = loadConstraints(kData + "/mapspace/simba_bypass.yaml", arch, w);
  RandomMapperOptions options;
  options.valid_target = 1'000'000;
  options.max_samples = 5000;
  const SearchResult r = randomMapper(arch, w, cons, builtinEnergyTable(arch), options);
  EXPECT_EQ(r.samples, 5000);
  EXPECT_TRUE(r.found);
  std::printf("[ random ] %lld samples (%lld valid) in %.3f s: %.0f samples/s\n",
              static_cast<long long>(r.samples), static_cast<long long>(r.valid), r.time_s,
              static_cast<double>(r.samples) / r.time_s);
}

}  // namespace
}  // namespace cosa
