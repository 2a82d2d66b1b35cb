// The factor space: its slots and prime items, the splits the exhaustive mapper enumerates, the X/Y
// arrangements, local search's moves, the keep patterns (values worked out by hand); and the tiling
// samplers of the search baselines: fan-out-valid draws never exceed a fan-out; the Timeloop sampler
// draws every factorization of a dimension over the slots with equal probability.
#include "mappers/factor_space.hpp"

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <set>
#include <tuple>

#include "io/timeloop/shapes.hpp"

namespace cosa {
namespace {

// Registers (4 instances), a buffer fanning out to them, DRAM: slots per dimension are Registers
// temporal, Buffer temporal, Buffer spatial (fan-out 4) and DRAM temporal.
Architecture threeLevels(std::int64_t registers) {
  Architecture arch;
  arch.name = "fanout";
  arch.arithmetic.instances = registers;
  auto level = [](std::string name, std::optional<std::int64_t> entries, std::int64_t instances) {
    StorageLevel s;
    s.name = std::move(name);
    s.entries = entries;
    s.instances = instances;
    return s;
  };
  arch.levels.push_back(level("Registers", 64, registers));
  arch.levels.push_back(level("Buffer", 1024, 1));
  arch.levels.push_back(level("DRAM", std::nullopt, 1));
  return arch;
}

Architecture fanoutArch() { return threeLevels(4); }

// The same, with the buffer's four registers on a 2x2 mesh.
Architecture meshArch() {
  Architecture arch = fanoutArch();
  arch.levels[0].mesh_x = 2;
  return arch;
}

// gemm: dimensions M N K.
constexpr int M = 0, N = 1, K = 2;
constexpr Slot kRegisters{0, false}, kBuffer{1, false}, kFanout{1, true}, kDram{2, false};

Workload gemm(std::int64_t m, std::int64_t n, std::int64_t k) {
  return instantiate(builtinShape("gemm"), {m, n, k});
}

LevelConstraint fixed(ConstraintKind kind, int level, std::vector<std::pair<int, std::int64_t>> factors) {
  LevelConstraint c;
  c.kind = kind;
  c.level = level;
  c.factors = std::move(factors);
  return c;
}

TEST(FactorSpace, SlotsAreTemporalPerLevelAndSpatialWhereALevelFansOut) {
  const FactorSpace space(fanoutArch(), gemm(8, 1, 1), {});
  EXPECT_EQ(space.slots(), (std::vector<Slot>{kRegisters, kBuffer, kFanout, kDram}));
  const FactorSpace flat(threeLevels(1), gemm(8, 1, 1), {});
  EXPECT_EQ(flat.slots(), (std::vector<Slot>{kRegisters, kBuffer, kDram}));
  // Bounds of 1 have no primes; 8 has one prime, 2, with exponent 3 over all four slots.
  ASSERT_EQ(space.primeItems().size(), 1u);
  const PrimeItem& item = space.primeItems().front();
  EXPECT_EQ(item.dim, M);
  EXPECT_EQ(item.prime, 2);
  EXPECT_EQ(item.free, 3);
  EXPECT_EQ(item.open_slots, (std::vector<int>{0, 1, 2, 3}));
  EXPECT_EQ(space.primesOf(M), std::vector<std::int64_t>{2});
  EXPECT_TRUE(space.primesOf(N).empty());
}

TEST(FactorSpace, SplitsOfTwelveOverThreeSlots) {
  // 12 = 2^2 * 3 over three temporal slots: C(2 + 2, 2) = 6 splits of the 2s times 3 of the 3, 18 in
  // all: every ordered factorization of 12 into three factors, each once.
  const FactorSpace space(threeLevels(1), gemm(12, 1, 1), {});
  ASSERT_EQ(space.primeItems().size(), 2u);
  const PrimeItem& twos = space.primeItems()[0];
  const PrimeItem& threes = space.primeItems()[1];
  const std::vector<std::vector<int>> two_splits = space.splits(twos);
  const std::vector<std::vector<int>> three_splits = space.splits(threes);
  EXPECT_EQ(two_splits.size(), 6u);
  EXPECT_EQ(three_splits.size(), 3u);
  EXPECT_EQ(two_splits.front(), (std::vector<int>{2, 0, 0}));  // the first slot takes the most first
  EXPECT_EQ(two_splits.back(), (std::vector<int>{0, 0, 2}));
  std::set<std::tuple<std::int64_t, std::int64_t, std::int64_t>> seen;
  for (const auto& a : two_splits)
    for (const auto& b : three_splits) {
      Mapping m = space.unplaced(0);
      space.placeSplit(m, twos, a);
      space.placeSplit(m, threes, b);
      const std::int64_t f0 = m.levels[0].temporal[M], f1 = m.levels[1].temporal[M],
                         f2 = m.levels[2].temporal[M];
      EXPECT_EQ(f0 * f1 * f2, 12);
      seen.insert({f0, f1, f2});
      space.removeSplit(m, threes, b);
      space.removeSplit(m, twos, a);
      EXPECT_EQ(m, space.unplaced(0));
    }
  EXPECT_EQ(seen.size(), 18u);
}

TEST(FactorSpace, FixedFactorsArePinnedAndLeaveTheRestFree) {
  // M = 8 with M = 2 fixed at DRAM: one 2 is pinned there, two are free over the three other slots
  // (C(2 + 2, 2) = 6 splits, each with the pinned 2 at DRAM).
  Constraints constraints;
  constraints.items.push_back(fixed(ConstraintKind::Temporal, 2, {{M, 2}}));
  const FactorSpace space(fanoutArch(), gemm(8, 1, 1), constraints);
  EXPECT_FALSE(space.isOpen(kDram, M));
  EXPECT_TRUE(space.isOpen(kDram, N));
  EXPECT_TRUE(space.isOpen(kFanout, M));
  const PrimeItem& item = space.primeItems().front();
  EXPECT_EQ(item.free, 2);
  EXPECT_EQ(item.pinned, (std::vector<int>{0, 0, 0, 1}));
  EXPECT_EQ(item.open_slots, (std::vector<int>{0, 1, 2}));
  const std::vector<std::vector<int>> splits = space.splits(item);
  EXPECT_EQ(splits.size(), 6u);
  for (const std::vector<int>& split : splits) EXPECT_EQ(split[3], 1);
  // Sampling keeps the fixed factor too.
  Rng rng = makeRng(1, 0);
  Mapping m;
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(space.sample(rng, m));
    EXPECT_EQ(m.levels[2].temporal[M], 2);
  }
}

TEST(FactorSpace, AFanoutOfFourAdmitsTheSpatialFactorsOneTwoAndFour) {
  // Dimension 8 under a fan-out of 4: the sampler puts 1, 2 or 4 of it on the fan-out, never 8, and
  // only those three fit the buffer's children when the arrangements are enumerated.
  const FactorSpace space(fanoutArch(), gemm(8, 1, 1), {});
  Rng rng = makeRng(3, 0);
  std::set<std::int64_t> spatial;
  Mapping m;
  for (int i = 0; i < 2000; ++i) {
    ASSERT_TRUE(space.sampleTiling(rng, m));
    spatial.insert(m.levels[1].spatial[M]);
  }
  EXPECT_EQ(spatial, (std::set<std::int64_t>{1, 2, 4}));
  for (const std::int64_t f : {1, 2, 4, 8}) {
    LevelMapping buffer = space.unplaced(0).levels[1];
    buffer.spatial[M] = f;
    EXPECT_EQ(space.spatialArrangements(1, buffer, true).size(), f <= 4 ? 1u : 0u) << f;
  }
}

TEST(FactorSpace, ArrangementsOnATwoByTwoMesh) {
  // Spatial M = 2 and K = 2 on a 2x2 mesh: each axis holds one of them, so of the four X/Y
  // assignments (both on X, K on X, M on X, both on Y) two fit: K on X and M on X. Without collapse
  // each order of the two loops with each split (0, 1, none): again only the two with split 1.
  const FactorSpace space(meshArch(), gemm(2, 1, 2), {});
  LevelMapping buffer = space.unplaced(0).levels[1];
  buffer.spatial[M] = 2;
  buffer.spatial[K] = 2;
  const std::vector<SpatialArrangement> collapsed = space.spatialArrangements(1, buffer, true);
  ASSERT_EQ(collapsed.size(), 2u);
  EXPECT_EQ(collapsed[0].order, (std::vector<int>{K, M, N}));
  EXPECT_EQ(collapsed[1].order, (std::vector<int>{M, K, N}));
  for (const SpatialArrangement& a : collapsed) EXPECT_EQ(a.split, 1);
  EXPECT_EQ(space.spatialArrangements(1, buffer, false).size(), 2u);

  // A fixed order and split admit only themselves, and only when the factors fit their axes.
  Constraints constraints;
  LevelConstraint order = fixed(ConstraintKind::Spatial, 1, {});
  order.permutation = {K, M};
  order.split = 1;
  constraints.items.push_back(order);
  const FactorSpace pinned(meshArch(), gemm(2, 1, 4), constraints);
  const std::vector<SpatialArrangement> only = pinned.spatialArrangements(1, buffer, true);
  ASSERT_EQ(only.size(), 1u);
  EXPECT_EQ(only[0].order, (std::vector<int>{K, M, N}));
  EXPECT_EQ(only[0].split, 1);
  buffer.spatial[K] = 4;  // beyond X's fan-out of 2
  EXPECT_TRUE(pinned.spatialArrangements(1, buffer, true).empty());
}

TEST(FactorSpace, MovesAreRefusedWhereTheConstraintsFixTheFactor) {
  Constraints constraints;
  constraints.items.push_back(fixed(ConstraintKind::Temporal, 2, {{M, 1}}));
  const FactorSpace space(fanoutArch(), gemm(12, 1, 1), constraints);
  Mapping m = space.unplaced(0);
  m.levels[1].temporal[M] = 12;
  const PrimeMove down{M, 2, kBuffer, kRegisters};
  ASSERT_TRUE(space.allows(m, down));
  space.apply(m, down);
  EXPECT_EQ(m.levels[1].temporal[M], 6);
  EXPECT_EQ(m.levels[0].temporal[M], 2);
  EXPECT_FALSE(space.allows(m, PrimeMove{M, 2, kBuffer, kDram}));       // DRAM's M is fixed
  EXPECT_FALSE(space.allows(m, PrimeMove{M, 5, kBuffer, kRegisters}));  // 5 does not divide 6
  EXPECT_FALSE(space.allows(m, PrimeMove{M, 3, kBuffer, kBuffer}));     // nowhere to go
  EXPECT_TRUE(space.allows(m, PrimeMove{M, 3, kBuffer, kFanout}));

  // Loop orders: a loop brought innermost, frozen where a permutation is fixed.
  m.levels[1].temporal_order = {M, N, K};
  FactorSpace::bringInnermost(m, 1, 2);
  EXPECT_EQ(m.levels[1].temporal_order, (std::vector<int>{K, M, N}));
  EXPECT_FALSE(space.orderFrozen(1));
  Constraints ordered;
  LevelConstraint permutation = fixed(ConstraintKind::Spatial, 1, {});
  permutation.permutation = {M};
  ordered.items.push_back(permutation);
  EXPECT_TRUE(FactorSpace(fanoutArch(), gemm(12, 1, 1), ordered).orderFrozen(1));
}

TEST(FactorSpace, KeepPatternsCoverTheOpenKeeps) {
  // No keep constraint: the two inner levels' three data spaces are open (6 choices, 64 patterns);
  // pattern bit i bypasses the i-th open keep, level by level.
  Constraints constraints;
  LevelConstraint keep;
  keep.kind = ConstraintKind::Bypass;
  keep.level = 1;
  keep.keep = {0};
  keep.bypass = {1};
  constraints.items.push_back(keep);
  const FactorSpace space(fanoutArch(), gemm(4, 2, 2), constraints);
  ASSERT_EQ(space.openKeeps(), (std::vector<std::pair<int, int>>{{0, 0}, {0, 1}, {0, 2}, {1, 2}}));
  EXPECT_EQ(space.unplaced(0).levels[0].keep, (std::vector<bool>{true, true, true}));
  EXPECT_EQ(space.unplaced(0).levels[1].keep, (std::vector<bool>{true, false, true}));
  const Mapping pattern = space.unplaced(0b1010);
  EXPECT_EQ(pattern.levels[0].keep, (std::vector<bool>{true, false, true}));
  EXPECT_EQ(pattern.levels[1].keep, (std::vector<bool>{true, false, false}));
  EXPECT_EQ(pattern.levels[2].keep, (std::vector<bool>{true, true, true}));
  Mapping m = space.unplaced(0);
  space.toggleKeep(m, 1, 0);  // fixed: unchanged
  space.toggleKeep(m, 1, 2);
  EXPECT_EQ(m.levels[1].keep, (std::vector<bool>{true, false, false}));
}

int log2Exact(std::int64_t v) {
  int e = 0;
  while (v > 1) v /= 2, ++e;
  return e;
}

using Split = std::tuple<int, int, int, int>;  // exponents of 2 in each slot

Split splitOfM(const Mapping& m) {
  return {log2Exact(m.levels[0].temporal[0]), log2Exact(m.levels[1].temporal[0]),
          log2Exact(m.levels[1].spatial[0]), log2Exact(m.levels[2].temporal[0])};
}

TEST(FactorSpace, TimeloopSamplerIsUniformOverFactorizations) {
  const Architecture arch = fanoutArch();
  const Workload gemm = instantiate(builtinShape("gemm"), {/*M*/ 8, /*N*/ 1, /*K*/ 1});
  const FactorSpace space(arch, gemm, {});
  Rng rng = makeRng(7, 0);
  std::map<Split, int> seen;
  const int draws = 40000;
  Mapping m;
  for (int i = 0; i < draws; ++i) {
    ASSERT_TRUE(space.sampleTiling(rng, m, TilingSampler::Timeloop));
    ++seen[splitOfM(m)];
  }
  // 2^3 over 4 slots: C(3 + 3, 3) = 20 factorizations, each drawn with probability 1/20.
  ASSERT_EQ(seen.size(), 20u);
  for (const auto& [split, count] : seen) {
    EXPECT_NEAR(count, draws / 20, draws / 20 * 0.1)
        << std::get<0>(split) << std::get<1>(split) << std::get<2>(split) << std::get<3>(split);
    const auto [a, b, c, d] = split;
    EXPECT_EQ(a + b + c + d, 3);
  }
  // Including the one that breaks the buffer's fan-out of 4 (all of M spatial).
  EXPECT_GT((seen[Split{0, 0, 3, 0}]), 0);
}

TEST(FactorSpace, FanoutValidSamplerNeverExceedsTheFanout) {
  const Architecture arch = fanoutArch();
  const Workload gemm = instantiate(builtinShape("gemm"), {8, 2, 2});
  const FactorSpace space(arch, gemm, {});
  Rng rng = makeRng(7, 0);
  Mapping m;
  for (int i = 0; i < 5000; ++i) {
    ASSERT_TRUE(space.sampleTiling(rng, m));
    std::int64_t spatial = 1;
    for (std::int64_t f : m.levels[1].spatial) spatial *= f;
    EXPECT_LE(spatial, 4);
    for (int d = 0; d < 3; ++d)
      EXPECT_EQ(m.levels[0].temporal[d] * m.levels[1].temporal[d] * m.levels[1].spatial[d] *
                    m.levels[2].temporal[d] * m.levels[0].spatial[d] * m.levels[2].spatial[d],
                gemm.bounds[d]);
  }
}

}  // namespace
}  // namespace cosa
