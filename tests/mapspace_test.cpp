// The tiling samplers of the search baselines: fan-out-valid draws never exceed a fan-out; the
// Timeloop sampler draws every factorization of a dimension over the slots with equal probability.
#include "mappers/mapspace.hpp"

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <tuple>

#include "io/timeloop/shapes.hpp"

namespace cosa {
namespace {

// Registers (4 instances), a buffer fanning out to them, DRAM: slots per dimension are Registers
// temporal, Buffer temporal, Buffer spatial (fan-out 4) and DRAM temporal.
Architecture fanoutArch() {
  Architecture arch;
  arch.name = "fanout";
  arch.arithmetic.instances = 4;
  auto level = [](std::string name, std::optional<std::int64_t> entries, std::int64_t instances) {
    StorageLevel s;
    s.name = std::move(name);
    s.entries = entries;
    s.instances = instances;
    return s;
  };
  arch.levels.push_back(level("Registers", 64, 4));
  arch.levels.push_back(level("Buffer", 1024, 1));
  arch.levels.push_back(level("DRAM", std::nullopt, 1));
  return arch;
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

TEST(MapSpace, TimeloopSamplerIsUniformOverFactorizations) {
  const Architecture arch = fanoutArch();
  const Workload gemm = instantiate(builtinShape("gemm"), {/*M*/ 8, /*N*/ 1, /*K*/ 1});
  const MapSpace space(arch, gemm, {});
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

TEST(MapSpace, FanoutValidSamplerNeverExceedsTheFanout) {
  const Architecture arch = fanoutArch();
  const Workload gemm = instantiate(builtinShape("gemm"), {8, 2, 2});
  const MapSpace space(arch, gemm, {});
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
