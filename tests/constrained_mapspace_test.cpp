// One constrained mapspace for every mapper: the same constraints give the same kept data spaces and
// fixed factors whichever mapper runs (cosa, random, hybrid, exhaustive, made by name through the
// registry), malformed constraints the same error from each, and compare passes cosa's settings.

#include "mappers/constrained_mapspace.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <string>

#include "app/layer_jobs.hpp"
#include "io/timeloop/shapes.hpp"
#include "mappers/cosa_scheduler.hpp"
#include "mappers/exhaustive_mapper.hpp"
#include "mappers/hybrid_mapper.hpp"
#include "mappers/layer_result.hpp"
#include "mappers/mapper_registry.hpp"
#include "mappers/random_mapper.hpp"
#include "model/energy.hpp"
#include "model/evaluator.hpp"

namespace cosa {
namespace {

// Registers (4 words, 4 instances), a 24-word buffer fanning out to them, DRAM.
Architecture tinyArch() {
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
  arch.levels.push_back(level("Registers", 4, 4));
  arch.levels.push_back(level("Buffer", 24, 1));
  arch.levels.push_back(level("DRAM", std::nullopt, 1));
  arch.levels.back().technology = "DRAM";
  arch.levels.back().read_bandwidth = 2.0;
  arch.levels.back().write_bandwidth = 2.0;
  return arch;
}

// tinyArch with roomy buffers and the Buffer's four Registers children on a 2x2 mesh.
Architecture meshArch() {
  Architecture arch = tinyArch();
  arch.levels[0].entries = 1 << 10;
  arch.levels[1].entries = 1 << 16;
  arch.levels[0].mesh_x = 2;
  return arch;
}

// gemm: dimensions M N K; data spaces A[M,K], B[K,N], Z[M,N].
constexpr int M = 0, N = 1, K = 2;
constexpr int A = 0, B = 1, Z = 2;

LevelConstraint keepBypass(int level, std::vector<int> keep, std::vector<int> bypass) {
  LevelConstraint c;
  c.kind = ConstraintKind::Bypass;
  c.level = level;
  c.keep = std::move(keep);
  c.bypass = std::move(bypass);
  return c;
}

LevelConstraint factors(ConstraintKind kind, int level, std::vector<std::pair<int, std::int64_t>> f) {
  LevelConstraint c;
  c.kind = kind;
  c.level = level;
  c.factors = std::move(f);
  return c;
}

// Registers bypass B and keep A and Z, the buffer keeps everything; M=2 fixed at DRAM (temporal),
// N=2 fixed on the buffer's fan-out (spatial), K's innermost at the buffer.
Constraints tinyConstraints() {
  Constraints c;
  c.items.push_back(keepBypass(0, {A, Z}, {B}));
  c.items.push_back(keepBypass(1, {A, B, Z}, {}));
  c.items.push_back(factors(ConstraintKind::Temporal, 2, {{M, 2}}));
  c.items.push_back(factors(ConstraintKind::Spatial, 1, {{N, 2}}));
  LevelConstraint order = factors(ConstraintKind::Temporal, 1, {});
  order.permutation = {K};
  c.items.push_back(order);
  return c;
}

TEST(ConstrainedMapSpace, ReadsKeepFactorsOrdersFanoutAndCapacity) {
  const Architecture arch = tinyArch();
  const Workload workload = instantiate(builtinShape("gemm"), {4, 2, 2});
  const ConstrainedMapSpace space(arch, workload, tinyConstraints());
  EXPECT_EQ(space.keepChoice(0, A), KeepChoice::Keep);
  EXPECT_EQ(space.keepChoice(0, B), KeepChoice::Bypass);
  EXPECT_EQ(space.keepChoice(2, B), KeepChoice::Keep);  // the outermost level keeps everything
  EXPECT_TRUE(space.openKeeps().empty());
  EXPECT_EQ(space.fixedTemporal(2, M), 2);
  EXPECT_EQ(space.fixedSpatial(1, N), 2);
  EXPECT_EQ(space.fixedTemporal(0, M), std::nullopt);
  EXPECT_EQ(space.fixedPermutation(1), std::vector<int>{K});
  EXPECT_EQ(space.fanout(1), 4);
  EXPECT_EQ(space.fanout(0), 1);
  EXPECT_EQ(space.capacityWords(0), 4);
  EXPECT_EQ(space.capacityWords(2), std::nullopt);
  EXPECT_TRUE(space.fits(0, 4));
  EXPECT_FALSE(space.fits(0, 5));
  EXPECT_TRUE(space.fits(2, 1'000'000'000));
  EXPECT_EQ(space.infeasibility(), "");
  const FrozenParts frozen = space.frozenParts();
  EXPECT_TRUE(frozen.temporal[2][M]);
  EXPECT_FALSE(frozen.temporal[1][M]);
  EXPECT_TRUE(frozen.spatial[1][N]);
  EXPECT_TRUE(frozen.permutation[1]);
  EXPECT_FALSE(frozen.permutation[0]);
  EXPECT_TRUE(frozen.keep[0][B]);

  // Open keeps: what the constraints leave to the mapper.
  const ConstrainedMapSpace open(arch, workload, Constraints{});
  EXPECT_EQ(open.keepChoice(0, B), KeepChoice::Open);
  EXPECT_TRUE(open.keepsByDefault(0, B));
  EXPECT_EQ(open.openKeeps().size(), 6u);  // 2 inner levels x 3 data spaces

  // Multiple buffering scales the capacity, truncated.
  Architecture doubled = arch;
  doubled.levels[1].multiple_buffering = 1.5;
  EXPECT_EQ(ConstrainedMapSpace(doubled, workload, Constraints{}).capacityWords(1), 36);
}

TEST(ConstrainedMapSpace, SaysWhyNoMappingCanSatisfyTheConstraints) {
  const Architecture arch = tinyArch();
  const Workload workload = instantiate(builtinShape("gemm"), {4, 2, 2});
  Constraints not_dividing;
  not_dividing.items.push_back(factors(ConstraintKind::Temporal, 0, {{M, 3}}));
  EXPECT_EQ(ConstrainedMapSpace(arch, workload, not_dividing).infeasibility(),
            "the fixed factors of dimension M do not divide its bound 4");
  Constraints no_fanout;
  no_fanout.items.push_back(factors(ConstraintKind::Spatial, 0, {{M, 2}}));
  EXPECT_EQ(
      ConstrainedMapSpace(arch, workload, no_fanout).infeasibility(),
      "the spatial factor M=2 fixed at Registers by the constraints (the level has no spatial fan-out)");
  Constraints too_wide;
  too_wide.items.push_back(factors(ConstraintKind::Spatial, 1, {{M, 4}, {N, 2}}));
  EXPECT_EQ(ConstrainedMapSpace(arch, workload, too_wide).infeasibility(),
            "the spatial factors fixed at Buffer by the constraints use 8 children, beyond its fan-out of 4");
  Constraints all_fixed;
  for (int l = 0; l < 3; ++l) all_fixed.items.push_back(factors(ConstraintKind::Temporal, l, {{K, 1}}));
  all_fixed.items.push_back(factors(ConstraintKind::Spatial, 1, {{K, 1}}));
  EXPECT_EQ(ConstrainedMapSpace(arch, workload, all_fixed).infeasibility(),
            "every factor of dimension K is fixed, but their product is not 2");
  // The search mappers say so without searching.
  const SearchResult r = randomMapper(arch, workload, not_dividing, builtinEnergyTable(arch), {});
  EXPECT_FALSE(r.found);
  EXPECT_EQ(
      r.message,
      "no mapping satisfies the constraints: the fixed factors of dimension M do not divide its bound 4");
  EXPECT_EQ(r.samples, 0);
}

// The example: DRAM bypassing a data space. Every mapper gives the same error.
TEST(ConstrainedMapSpace, EveryMapperRejectsABypassAtTheOutermostLevel) {
  const Architecture arch = tinyArch();
  const Workload workload = instantiate(builtinShape("gemm"), {4, 2, 2});
  Constraints constraints;
  constraints.items.push_back(keepBypass(2, {}, {B}));
  const std::string expected =
      "the outermost level DRAM must keep every data space, but the constraints bypass B there";
  auto message = [](const auto& run) {
    try {
      run();
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  const EnergyTable energy = builtinEnergyTable(arch);
  EXPECT_EQ(message([&] { ConstrainedMapSpace(arch, workload, constraints); }), expected);
  EXPECT_EQ(message([&] { scheduleLayer(arch, workload, constraints, energy, ScheduleOptions{}); }),
            expected);
  EXPECT_EQ(message([&] { randomMapper(arch, workload, constraints, energy, {}); }), expected);
  EXPECT_EQ(message([&] { hybridMapper(arch, workload, constraints, energy, {}); }), expected);
  EXPECT_EQ(message([&] { exhaustiveMapper(arch, workload, constraints, energy); }), expected);
  // Names out of range are malformed too.
  Constraints bad_level;
  bad_level.items.push_back(factors(ConstraintKind::Temporal, 5, {{M, 2}}));
  EXPECT_NE(message([&] { ConstrainedMapSpace(arch, workload, bad_level); }).find("level 5"),
            std::string::npos);
}

// Every mapper, made by name through the registry, on one constrained layer: the same kept data
// spaces and the same fixed factors, in a mapping the cost model accepts.
TEST(ConstrainedMapSpace, EveryMapperHonoursTheSameConstraints) {
  const Architecture arch = tinyArch();
  const Workload workload = instantiate(builtinShape("gemm"), {4, 2, 2});
  const ConstrainedMapSpace space(arch, workload, tinyConstraints());
  const EnergyTable energy = builtinEnergyTable(arch);
  Evaluator evaluator(arch, workload, energy);
  const std::map<std::string, MapperSettings> settings{
      {"cosa", {{"time-limit", "10"}}},
      {"random", {{"valid", "20"}}},
      {"hybrid", {{"search-size", "200"}, {"victory-condition", "0"}}},
      {"exhaustive", {}}};
  ASSERT_EQ(mapperNames(), (std::vector<std::string>{"cosa", "exhaustive", "hybrid", "random"}));
  for (const std::string& name : mapperNames()) {
    SCOPED_TRACE(name);
    const auto mapper = makeMapper(name, settings.at(name));
    EXPECT_EQ(mapper->name(), name);
    RunContext context;
    context.seed = 7;
    const MapperResult r = mapper->run(space, energy, context);
    ASSERT_TRUE(r.found) << r.message;
    EXPECT_EQ(r.mapper, name);
    EXPECT_TRUE(evaluator.evaluate(r.mapping).valid) << evaluator.checkValidity(r.mapping);
    EXPECT_EQ(r.mapping.levels[0].keep, (std::vector<bool>{true, false, true}));
    EXPECT_EQ(r.mapping.levels[1].keep, (std::vector<bool>{true, true, true}));
    EXPECT_EQ(r.mapping.levels[2].keep, (std::vector<bool>{true, true, true}));
    EXPECT_EQ(r.mapping.levels[2].temporal[M], 2);
    EXPECT_EQ(r.mapping.levels[1].spatial[N], 2);
    EXPECT_EQ(r.mapping.levels[1].temporal_order.front(), K);
    // Every factor multiplies to its bound.
    for (int d = 0; d < 3; ++d) {
      std::int64_t product = 1;
      for (const LevelMapping& lm : r.mapping.levels) product *= lm.temporal[d] * lm.spatial[d];
      EXPECT_EQ(product, workload.bounds[d]);
    }
  }
}

// A fixed spatial permutation and split on a 2x2 mesh decide each dimension's axis (Timeloop's
// rule: listed before the split on X, after it on Y, unlisted on Y when the split is within the
// list). Every mapper places the loops so and writes the user's order first.
TEST(ConstrainedMapSpace, EveryMapperHonoursAFixedSpatialOrderAndSplit) {
  const Architecture arch = meshArch();
  ASSERT_EQ(arch.fanoutX(1), 2);
  ASSERT_EQ(arch.fanoutY(1), 2);
  const Workload workload = instantiate(builtinShape("gemm"), {2, 2, 8});
  for (const std::vector<int>& permutation : {std::vector<int>{K, M}, std::vector<int>{M, K}}) {
    Constraints constraints;
    LevelConstraint spatial = factors(ConstraintKind::Spatial, 1, {});
    spatial.permutation = permutation;
    spatial.split = 1;
    constraints.items.push_back(spatial);
    const ConstrainedMapSpace space(arch, workload, constraints);
    const int x_dim = permutation[0], y_dim = permutation[1];
    EXPECT_EQ(space.forcedAxis(1, x_dim), ConstrainedMapSpace::Axis::X);
    EXPECT_EQ(space.forcedAxis(1, y_dim), ConstrainedMapSpace::Axis::Y);
    EXPECT_EQ(space.forcedAxis(1, N), ConstrainedMapSpace::Axis::Y);  // unlisted, split within the list
    EXPECT_EQ(space.forcedAxis(0, N), ConstrainedMapSpace::Axis::Free);
    const EnergyTable energy = builtinEnergyTable(arch);
    Evaluator evaluator(arch, workload, energy);
    const std::map<std::string, MapperSettings> settings{
        {"cosa", {{"objective", "latency"}}},
        {"random", {{"valid", "200"}}},
        {"hybrid", {{"search-size", "300"}, {"victory-condition", "0"}}},
        {"exhaustive", {}}};
    for (const auto& [name, mapper_settings] : settings) {
      SCOPED_TRACE(name + " with spatial permutation starting at dimension " + std::to_string(x_dim));
      RunContext context;
      context.seed = 3;
      const MapperResult r = makeMapper(name, mapper_settings)->run(space, energy, context);
      ASSERT_TRUE(r.found) << r.message;
      EXPECT_TRUE(evaluator.evaluate(r.mapping).valid) << evaluator.checkValidity(r.mapping);
      const LevelMapping& buffer = r.mapping.levels[1];
      ASSERT_GE(buffer.spatial_order.size(), 2u);
      EXPECT_EQ(buffer.spatial_order[0], x_dim);
      EXPECT_EQ(buffer.spatial_order[1], y_dim);
      EXPECT_EQ(buffer.spatial_split, 1);
      // Only x_dim is on X; y_dim and N (unlisted) share Y.
      const std::int64_t along_y = buffer.spatial[y_dim] * buffer.spatial[N];
      EXPECT_LE(buffer.spatial[x_dim], 2);
      EXPECT_LE(along_y, 2);
      if (name == "cosa") {  // latency fills the four PEs: a factor 2 on each axis
        EXPECT_EQ(buffer.spatial[x_dim], 2);
        EXPECT_EQ(along_y, 2);
      }
    }
  }
}

// Without a split the order still binds (X loops first along it) but the split is the mapper's:
// listing every dimension must not force them all onto X, where the fan-out is only 2 (the random
// and hybrid mappers called this infeasible until 2026-12-03, cosa too while it forced X).
TEST(ConstrainedMapSpace, EveryMapperChoosesTheSplitOfAFixedSpatialOrderWithoutOne) {
  const Architecture arch = meshArch();
  const Workload workload = instantiate(builtinShape("gemm"), {2, 2, 8});
  Constraints constraints;
  LevelConstraint spatial = factors(ConstraintKind::Spatial, 1, {{K, 2}, {M, 2}});
  spatial.permutation = {K, M, N};
  constraints.items.push_back(spatial);
  const ConstrainedMapSpace space(arch, workload, constraints);
  for (int d : {M, N, K}) EXPECT_EQ(space.forcedAxis(1, d), ConstrainedMapSpace::Axis::Free);
  const EnergyTable energy = builtinEnergyTable(arch);
  Evaluator evaluator(arch, workload, energy);
  const std::map<std::string, MapperSettings> settings{
      {"cosa", {{"objective", "latency"}}},
      {"random", {{"valid", "50"}}},
      {"hybrid", {{"search-size", "100"}, {"victory-condition", "0"}}},
      {"exhaustive", {}}};
  for (const auto& [name, mapper_settings] : settings) {
    SCOPED_TRACE(name);
    RunContext context;
    context.seed = 5;
    const MapperResult r = makeMapper(name, mapper_settings)->run(space, energy, context);
    ASSERT_TRUE(r.found) << r.message;
    EXPECT_TRUE(evaluator.evaluate(r.mapping).valid) << evaluator.checkValidity(r.mapping);
    const LevelMapping& buffer = r.mapping.levels[1];
    EXPECT_EQ(buffer.spatial_order, (std::vector<int>{K, M, N}));
    EXPECT_EQ(buffer.spatial_split, 1);  // K on X, M on Y: the order admits no other placement
  }
}

TEST(MapperRegistry, RejectsUnknownMappersAndSettings) {
  EXPECT_THROW(makeMapper("simulated-annealing"), std::invalid_argument);
  try {
    makeMapper("random", {{"valid-target", "5"}});
    FAIL() << "accepted an unknown setting";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()),
              "mapper random: unknown setting 'valid-target' (settings: valid, max-samples)");
  }
  EXPECT_THROW(makeMapper("hybrid", {{"sampling", "uniform"}}), std::invalid_argument);
  EXPECT_THROW(makeMapper("cosa", {{"objective", "throughput"}}), std::invalid_argument);
  EXPECT_THROW(makeMapper("cosa", {{"gap", "-1"}}), std::invalid_argument);
}

// compare hands cosa its objective, gap and polishing: its run equals scheduleLayer's with them.
TEST(MapperRegistry, CompareRunsCosaWithItsSettings) {
  const Architecture arch = tinyArch();
  const Workload workload = instantiate(builtinShape("gemm"), {4, 2, 2});
  const EnergyTable energy = builtinEnergyTable(arch);
  const auto mapper = makeMapper(
      "cosa", {{"objective", "latency"}, {"gap", "0.05"}, {"polish", "false"}, {"time-limit", "10"}});
  const auto& cosa = dynamic_cast<const CosaMapper&>(*mapper);
  EXPECT_EQ(cosa.options().objective, ScheduleObjective::Latency);
  EXPECT_DOUBLE_EQ(cosa.options().relative_gap, 0.05);
  EXPECT_EQ(cosa.options().polish, false);

  app::LayerJobsOptions options;
  options.mappers = {mapper};
  const std::vector<NetworkLayer> layers{{"gemm", workload, 1}};
  const std::vector<LayerResult> runs =
      app::runLayerJobs(arch, layers, app::layerSpaces(arch, layers, {}), energy, options);
  ASSERT_EQ(runs.size(), 1u);
  ASSERT_TRUE(runs[0].found) << runs[0].message;
  ScheduleOptions expected;
  expected.objective = ScheduleObjective::Latency;
  expected.relative_gap = 0.05;
  expected.polish = false;
  const ScheduleResult direct = scheduleLayer(arch, workload, Constraints{}, energy, expected);
  EXPECT_EQ(runs[0].evaluation.cycles, direct.evaluation.cycles);
  EXPECT_DOUBLE_EQ(runs[0].evaluation.energy_pJ, direct.evaluation.energy_pJ);
  EXPECT_EQ(runs[0].mapping, direct.mapping);
  EXPECT_EQ(runs[0].samples, 2);      // latency solves its own proxy and the paper's
  EXPECT_EQ(runs[0].evaluations, 2);  // no polishing
}

// The run context's time budget ends a search that would otherwise run far longer, keeping the best
// found so far as a result (not an interruption); the context's own stop flag still interrupts.
TEST(MapperRegistry, TimeBudgetEndsTheSearchMappers) {
  // Roomy buffers make nearly every sample valid, so a slow (sanitizer) build still finds one in
  // the budget; with the tiny buffers valid mappings are rare enough to miss in 0.3 s there.
  Architecture arch = tinyArch();
  arch.levels[0].entries = 1 << 16;
  arch.levels[1].entries = 1 << 20;
  const Workload workload = instantiate(builtinShape("gemm"), {64, 32, 32});
  const ConstrainedMapSpace space(arch, workload, Constraints{});
  const EnergyTable energy = builtinEnergyTable(arch);
  RunContext context;
  context.time_budget_s = 0.3;
  for (const auto& [name, settings] : std::vector<std::pair<std::string, MapperSettings>>{
           {"hybrid", {{"search-size", "0"}, {"victory-condition", "0"}}},
           {"exhaustive", {}},
           {"random", {{"valid", "100000000"}, {"max-samples", "100000000"}}}}) {
    SCOPED_TRACE(name);
    const auto start = std::chrono::steady_clock::now();
    const MapperResult r = makeMapper(name, settings)->run(space, energy, context);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_LT(seconds, 30.0);  // generous for sanitizer builds; the searches alone would run far longer
    EXPECT_TRUE(r.found) << r.message;
    EXPECT_FALSE(r.interrupted);
    EXPECT_EQ(r.message.rfind("time budget of 0.3 s spent; ", 0), 0u) << r.message;
  }
  std::atomic<bool> stop{true};
  context.stop = &stop;  // raised before the run: nothing is sampled, with or without a budget
  const MapperResult stopped = makeMapper("random", {{"valid", "1000"}})->run(space, energy, context);
  EXPECT_TRUE(stopped.interrupted);
  EXPECT_EQ(stopped.samples, 0);
  context.time_budget_s = 0;
  const MapperResult stopped_now = makeMapper("random", {{"valid", "1000"}})->run(space, energy, context);
  EXPECT_TRUE(stopped_now.interrupted);
  EXPECT_EQ(stopped_now.samples, 0);
}

}  // namespace
}  // namespace cosa
