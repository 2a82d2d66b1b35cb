// The CoSA scheduler: valid schedules on every bundled layer, and the MIP's optimum checked by
// brute force on small problems.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <functional>
#include <iostream>

#include "io/network/network_yaml.hpp"
#include "io/timeloop/arch_yaml.hpp"
#include "io/timeloop/constraints_yaml.hpp"
#include "io/timeloop/mapping_yaml.hpp"
#include "io/timeloop/problem_yaml.hpp"
#include "io/timeloop/shapes.hpp"
#include "mappers/cosa_scheduler.hpp"
#include "mappers/exhaustive_mapper.hpp"
#include "mappers/factorization.hpp"
#include "model/evaluator.hpp"
#include "model/roofline.hpp"
#include "stop_support.hpp"
#include "workload/network.hpp"

namespace cosa {
namespace {

const std::string kData = COSA_DATA_DIR;

TEST(Factorization, PrimePowers) {
  const auto f = primeFactors(2 * 2 * 2 * 3 * 7 * 7);
  ASSERT_EQ(f.size(), 3u);
  EXPECT_EQ(f[0].prime, 2);
  EXPECT_EQ(f[0].exponent, 3);
  EXPECT_EQ(f[2].prime, 7);
  EXPECT_EQ(f[2].exponent, 2);
  EXPECT_TRUE(primeFactors(1).empty());
  EXPECT_EQ(primeFactors(161)[1].prime, 23);
}

class NetworkSchedule : public ::testing::TestWithParam<std::string> {};

TEST_P(NetworkSchedule, EveryUniqueLayerGetsAValidMapping) {
  const Architecture arch = loadArchitecture(kData + "/arch/simba.yaml");
  const EnergyTable energy = builtinEnergyTable(arch);
  const std::vector<NetworkLayer> layers = uniqueLayers(builtinNetwork(GetParam()));
  for (const NetworkLayer& layer : layers) {
    const Constraints constraints =
        loadConstraints(kData + "/mapspace/simba_bypass.yaml", arch, layer.workload);
    ScheduleOptions options;
    options.time_limit_s = 5;
    // The whole portfolio (five MIPs, refinement) on the smaller networks; the two-MIP latency
    // path on the large ones keeps the suite fast (the portfolio's quality is measured by bench/).
    if (layers.size() > 12) options.objective = ScheduleObjective::Latency;
    const ScheduleResult r = scheduleLayer(arch, layer.workload, constraints, energy, options);
    ASSERT_TRUE(r.found) << layer.name << ": " << r.message;
    EXPECT_TRUE(r.status == solver::Status::Optimal || r.status == solver::Status::Feasible) << layer.name;
    EXPECT_GE(r.gap, 0.0);
    // Independently re-checked by a fresh evaluator, after a round trip through Timeloop YAML.
    const Mapping reread = parseMapping(
        YamlView::loadString(mappingToYaml(r.mapping, arch, layer.workload), "m"), arch, layer.workload);
    Evaluator evaluator(arch, layer.workload, energy);
    const Evaluation check = evaluator.evaluate(reread);
    ASSERT_TRUE(check.valid) << layer.name << ": " << check.error;
    EXPECT_EQ(check.cycles, r.evaluation.cycles) << layer.name;
    EXPECT_GE(check.cycles, r.roofline_cycles) << layer.name;
    for (int l = 0; l < arch.numLevels(); ++l)
      for (int ds = 0; ds < layer.workload.numDataSpaces(); ++ds)
        EXPECT_EQ(reread.levels[l].keep[ds], constraints.keeps(l, ds).value_or(true)) << layer.name;
  }
}

INSTANTIATE_TEST_SUITE_P(Simba, NetworkSchedule,
                         ::testing::Values("alexnet", "resnet50", "resnext50", "deepbench"));

// A small hierarchy: DRAM (bandwidth-limited) -> Buffer x4 -> MACs x4 (fan-out 4 then 1).
Architecture tinyArch() {
  Architecture arch;
  arch.name = "tiny";
  arch.arithmetic.name = "MACs";
  arch.arithmetic.instances = 4;
  arch.arithmetic.word_bits = 8;
  StorageLevel reg;
  reg.name = "Registers";
  reg.entries = 4;
  reg.instances = 4;
  reg.word_bits = 8;
  StorageLevel buffer;
  buffer.name = "Buffer";
  buffer.entries = 64;
  buffer.instances = 1;
  buffer.word_bits = 8;
  StorageLevel dram;
  dram.name = "DRAM";
  dram.technology = "DRAM";
  dram.instances = 1;
  dram.word_bits = 8;
  dram.read_bandwidth = 2;
  dram.write_bandwidth = 2;
  arch.levels = {reg, buffer, dram};
  return arch;
}

// Brute force over every placement of the prime exponents: fix them, solve what remains (loop-order
// and capacity-split choices), and keep the best objective. It must equal the full MIP's optimum.
double bruteForceOptimum(const CosaFormulation& formulation) {
  const solver::Model& model = formulation.model();
  // Each "product_*" row says how the copies of one prime are split over (level, kind) slots.
  std::vector<const solver::Row*> products;
  for (const solver::Row& row : model.rows())
    if (row.name.rfind("product_", 0) == 0) products.push_back(&row);
  auto backend = solver::makeBackend("cbc");
  solver::SolveOptions options;
  options.relative_gap = 0;
  double best = solver::kInfinity;
  std::vector<std::pair<int, double>> fixes;
  // Enumerate every composition of each row's right-hand side over its variables.
  std::function<void(std::size_t, std::size_t, int)> enumerate = [&](std::size_t row, std::size_t term,
                                                                     int left) {
    if (row == products.size()) {
      solver::Model fixed = model;
      for (const auto& [var, value] : fixes) fixed.addEqual("fix", {{var, 1}}, value);
      const solver::Solution s = backend->solve(fixed, options);
      if (s.hasSolution()) best = std::min(best, s.objective);
      return;
    }
    const solver::Row& r = *products[row];
    if (term + 1 == r.terms.size()) {
      fixes.emplace_back(r.terms[term].var, left);
      enumerate(row + 1, 0,
                static_cast<int>(std::lround(products.size() > row + 1 ? products[row + 1]->upper : 0)));
      fixes.pop_back();
      return;
    }
    for (int x = 0; x <= left; ++x) {
      fixes.emplace_back(r.terms[term].var, x);
      enumerate(row, term + 1, left - x);
      fixes.pop_back();
    }
  };
  enumerate(0, 0, products.empty() ? 0 : static_cast<int>(std::lround(products[0]->upper)));
  return best;
}

class FormulationBruteForce : public ::testing::TestWithParam<ScheduleObjective> {};

TEST_P(FormulationBruteForce, MipOptimumEqualsEnumeratedBest) {
  const Architecture arch = tinyArch();
  // A small convolution: K=2, C=2, P=2, R=2 (Inputs window P+R-1); 4^4 placements.
  const Workload workload =
      instantiate(builtinShape("cnn-layer"), {/*R*/ 2, /*S*/ 1, /*P*/ 2, /*Q*/ 1, /*C*/ 2, /*K*/ 2, /*N*/ 1});
  const CosaFormulation formulation(arch, workload, Constraints{}, GetParam());
  auto backend = solver::makeBackend("cbc");
  solver::SolveOptions options;
  options.relative_gap = 0;
  const solver::Solution full = backend->solve(formulation.model(), options);
  ASSERT_EQ(full.status, solver::Status::Optimal);
  EXPECT_NEAR(full.objective, bruteForceOptimum(formulation), 1e-6);
  // And the decoded schedule is one the exact model accepts.
  Evaluator evaluator(arch, workload);
  EXPECT_EQ(evaluator.checkValidity(formulation.decode(full.values)), "");
}

INSTANTIATE_TEST_SUITE_P(Objectives, FormulationBruteForce,
                         ::testing::Values(ScheduleObjective::Latency, ScheduleObjective::Energy,
                                           ScheduleObjective::Edp, ScheduleObjective::CosaPaper));

// The CLI prints results on stdout, so the solver must print nothing there. (CBC's clique cut
// generator reported every separation round on these small layers until told not to.)
TEST(Scheduler, SolverPrintsNothingOnStdout) {
  const Architecture arch = loadArchitecture(kData + "/arch/simba.yaml");
  const Network small = builtinNetwork("small_layers");
  for (const NetworkLayer& layer : small.layers) {
    const Constraints constraints =
        loadConstraints(kData + "/mapspace/simba_bypass.yaml", arch, layer.workload);
    for (ScheduleObjective objective : {ScheduleObjective::Latency, ScheduleObjective::Energy}) {
      ScheduleOptions options;
      options.objective = objective;
      ::testing::internal::CaptureStdout();
      const ScheduleResult r =
          scheduleLayer(arch, layer.workload, constraints, builtinEnergyTable(arch), options);
      const std::string printed = ::testing::internal::GetCapturedStdout();
      EXPECT_TRUE(r.found) << layer.name;
      EXPECT_EQ(printed, "") << layer.name;
    }
  }
}

// When the solver's time limit passes before any feasible point, the schedule still comes back:
// valid, from the sampling fallback, and saying so.
TEST(Scheduler, TimeLimitWithoutSolutionFallsBackToAValidSampledSchedule) {
  const Architecture arch = loadArchitecture(kData + "/arch/simba.yaml");
  const Workload workload = builtinNetwork("resnet50").layers.front().workload;
  const Constraints constraints = loadConstraints(kData + "/mapspace/simba_bypass.yaml", arch, workload);
  ScheduleOptions options;
  options.time_limit_s = 1e-9;
  const ScheduleResult r = scheduleLayer(arch, workload, constraints, builtinEnergyTable(arch), options);
  EXPECT_EQ(r.status, solver::Status::NoSolutionFound);
  ASSERT_TRUE(r.found) << r.message;
  EXPECT_TRUE(r.from_fallback);
  EXPECT_TRUE(r.evaluation.valid);
  EXPECT_EQ(Evaluator(arch, workload, builtinEnergyTable(arch)).checkValidity(r.mapping), "");
  EXPECT_NE(r.note.find("no schedule within its time limit"), std::string::npos) << r.note;
  // Polishing improves on the sampled mapping it starts from.
  EXPECT_LE(scheduleScore(options.objective, r.evaluation), scheduleScore(options.objective, r.unpolished));

  options.time_limit_s = 10;
  const ScheduleResult solved = scheduleLayer(arch, workload, constraints, builtinEnergyTable(arch), options);
  EXPECT_FALSE(solved.from_fallback);
  EXPECT_EQ(solved.note.find("no schedule within its time limit"), std::string::npos) << solved.note;
}

// ConvNeXt-tiny's last depthwise 7x7 convolution (C=768 on 7x7) on Simba: one of its MIPs has a
// root LP that CBC (Dantzig pricing) took 15 minutes over, past any time limit.
struct HardLayer {
  Architecture arch = loadArchitecture(kData + "/arch/simba.yaml");
  Workload workload = loadProblem(std::string(COSA_TEST_DATA_DIR) + "/problem/convnext_dw7x7.yaml");
  Constraints constraints = loadConstraints(kData + "/mapspace/simba_bypass.yaml", arch, workload);
};

// The time limit bounds every MIP, its root LP included.
TEST(SchedulerStop, TimeLimitBoundsEveryMipOfAHardLayer) {
  const HardLayer layer;
  for (ScheduleObjective proxy : proxyObjectives(ScheduleObjective::Edp)) {
    const CosaFormulation formulation(layer.arch, layer.workload, layer.constraints, proxy);
    solver::SolveOptions options;
    options.time_limit_s = 0.5;
    options.relative_gap = 0.03;
    const solver::Solution s = solver::makeBackend("cbc")->solve(formulation.model(), options);
    EXPECT_LT(s.time_s, options.time_limit_s + 1.5) << toString(proxy) << ": " << s.message;
    std::cout << toString(proxy) << ": " << solver::toString(s.status) << " in " << s.time_s << " s "
              << s.message << "\n";
  }
}

TEST(SchedulerStop, StopFlagEndsAHardLayerWithinASecond) {
  const HardLayer layer;
  std::atomic<bool> stop{false};
  ScheduleOptions options;
  options.time_limit_s = 600;  // without the flag, minutes
  options.stop = &stop;
  const auto start = std::chrono::steady_clock::now();
  ScheduleResult r;
  {
    const test::StopLater later(stop, 0.2);
    r = scheduleLayer(layer.arch, layer.workload, layer.constraints, builtinEnergyTable(layer.arch), options);
  }
  const double took = test::secondsSince(start);
  EXPECT_LT(took, 0.2 + test::kStopLatencyBoundS) << "the stop flag was not honoured";
  EXPECT_TRUE(r.interrupted);
  if (r.found) {
    EXPECT_EQ(Evaluator(layer.arch, layer.workload).checkValidity(r.mapping), "");
    EXPECT_NE(r.note.find("interrupted"), std::string::npos) << r.note;
  } else {
    EXPECT_EQ(r.message.rfind("not found: interrupted", 0), 0u) << r.message;
  }
  std::cout << "scheduleLayer stopped " << took - 0.2 << " s after the stop request\n";
}

// Refinement that would run for days: stopped, the layer keeps its best valid schedule.
TEST(SchedulerStop, StopFlagEndsPolishingWithAValidSchedule) {
  const Architecture arch = loadArchitecture(kData + "/arch/simba.yaml");
  const Workload workload = builtinNetwork("resnet50").layers.front().workload;
  const Constraints constraints = loadConstraints(kData + "/mapspace/simba_bypass.yaml", arch, workload);
  ScheduleOptions options;
  options.objective = ScheduleObjective::Latency;
  options.refine_evaluations = std::int64_t{1} << 40;
  std::atomic<bool> stop{false};
  options.stop = &stop;
  const auto start = std::chrono::steady_clock::now();
  ScheduleResult r;
  {
    const test::StopLater later(stop, 1.0);
    r = scheduleLayer(arch, workload, constraints, builtinEnergyTable(arch), options);
  }
  EXPECT_LT(test::secondsSince(start), 1.0 + test::kStopLatencyBoundS) << "the stop flag was not honoured";
  EXPECT_TRUE(r.interrupted);
  ASSERT_TRUE(r.found) << r.message;
  EXPECT_EQ(Evaluator(arch, workload, builtinEnergyTable(arch)).checkValidity(r.mapping), "");
  EXPECT_NE(r.note.find("interrupted"), std::string::npos) << r.note;

  // The same through the Mapper interface: the run context's flag, and the result marked interrupted.
  stop = false;
  ScheduleOptions mapper_options;
  mapper_options.objective = ScheduleObjective::Latency;
  mapper_options.refine_evaluations = std::int64_t{1} << 40;
  const CosaMapper mapper(mapper_options);
  RunContext context;
  context.stop = &stop;
  const ConstrainedMapSpace space(arch, workload, constraints);
  const auto mapper_start = std::chrono::steady_clock::now();
  MapperResult m;
  {
    const test::StopLater later(stop, 1.0);
    m = mapper.run(space, builtinEnergyTable(arch), context);
  }
  EXPECT_LT(test::secondsSince(mapper_start), 1.0 + test::kStopLatencyBoundS);
  EXPECT_TRUE(m.interrupted);
  EXPECT_TRUE(m.found) << m.message;
}

TEST(SchedulerStop, StopFlagLeftUnsetChangesNothing) {
  const Architecture arch = loadArchitecture(kData + "/arch/simba.yaml");
  const Network small = builtinNetwork("small_layers");
  std::atomic<bool> stop{false};
  for (const NetworkLayer& layer : {small.layers[0], small.layers[10]}) {
    const Constraints constraints =
        loadConstraints(kData + "/mapspace/simba_bypass.yaml", arch, layer.workload);
    ScheduleOptions options;
    const ScheduleResult plain =
        scheduleLayer(arch, layer.workload, constraints, builtinEnergyTable(arch), options);
    options.stop = &stop;
    const ScheduleResult flagged =
        scheduleLayer(arch, layer.workload, constraints, builtinEnergyTable(arch), options);
    ASSERT_TRUE(plain.found) << layer.name;
    EXPECT_FALSE(flagged.interrupted);
    EXPECT_EQ(mappingToYaml(flagged.mapping, arch, layer.workload),
              mappingToYaml(plain.mapping, arch, layer.workload))
        << layer.name;
    EXPECT_EQ(flagged.evaluation.cycles, plain.evaluation.cycles) << layer.name;
    EXPECT_EQ(flagged.evaluation.energy_pJ, plain.evaluation.energy_pJ) << layer.name;
    EXPECT_EQ(flagged.polish_evaluations, plain.polish_evaluations) << layer.name;
  }
}

TEST(Scheduler, InfeasibleConstraintsAreReported) {
  const Architecture arch = tinyArch();
  const Workload workload = instantiate(builtinShape("cnn-layer"), {1, 1, 1, 1, /*C*/ 2, /*K*/ 4, 1});
  Constraints constraints;
  LevelConstraint fixed;
  fixed.kind = ConstraintKind::Temporal;
  fixed.level = 0;
  fixed.factors = {{workload.dimIndex("K"), 3}};  // 3 does not divide 4
  constraints.items.push_back(fixed);
  const ScheduleResult r =
      scheduleLayer(arch, workload, constraints, builtinEnergyTable(arch), ScheduleOptions{});
  EXPECT_FALSE(r.found);
  EXPECT_EQ(r.status, solver::Status::Infeasible);
  EXPECT_NE(r.message.find("cannot meet the factor K=3 fixed at Registers"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("does not divide the bound 4"), std::string::npos) << r.message;
}

// Without bypass constraints the scheduler chooses data placement: on one-word registers that
// cannot hold a word of all three data spaces it bypasses some there, and on this small design it
// reaches the optimum that exhaustive search finds over every tiling, loop order and keep/bypass
// placement (within 5% EDP), for each goal.
TEST(Scheduler, ChoosesBypassAndReachesTheExhaustiveOptimum) {
  Architecture arch = tinyArch();
  arch.levels[0].entries = 1;
  const Workload workload =
      instantiate(builtinShape("cnn-layer"), {/*R*/ 2, 1, /*P*/ 2, 1, /*C*/ 2, /*K*/ 4, 1});
  const EnergyTable energy = builtinEnergyTable(arch);
  for (auto [goal, metric] : {std::pair{ScheduleObjective::Edp, SearchMetric::Edp},
                              std::pair{ScheduleObjective::Energy, SearchMetric::Energy},
                              std::pair{ScheduleObjective::Latency, SearchMetric::Delay}}) {
    ExhaustiveOptions exhaustive;
    exhaustive.metrics = {metric};
    const SearchResult optimum = exhaustiveMapper(arch, workload, Constraints{}, energy, exhaustive);
    ASSERT_TRUE(optimum.found) << optimum.message;
    ScheduleOptions options;
    options.objective = goal;
    const ScheduleResult r = scheduleLayer(arch, workload, Constraints{}, energy, options);
    ASSERT_TRUE(r.found) << r.message;
    EXPECT_EQ(Evaluator(arch, workload, energy).checkValidity(r.mapping), "");
    const std::vector<bool>& registers = r.mapping.levels[0].keep;
    EXPECT_LT(std::count(registers.begin(), registers.end(), true), 3) << toString(goal);
    EXPECT_LE(metricValue(metric, r.evaluation), 1.05 * metricValue(metric, optimum.evaluation))
        << toString(goal);
  }
}

TEST(Scheduler, InfeasibleCapacityNamesTheLevel) {
  // Pinned to keep all three data spaces, the two-word registers must hold a word of each.
  Architecture arch = tinyArch();
  arch.levels[0].entries = 2;
  const Workload workload = instantiate(builtinShape("cnn-layer"), {1, 1, 1, 1, 2, 4, 1});
  Constraints keep_all;
  LevelConstraint keep;
  keep.kind = ConstraintKind::Bypass;
  keep.level = 0;
  keep.keep = {0, 1, 2};
  keep_all.items.push_back(keep);
  const ScheduleResult r =
      scheduleLayer(arch, workload, keep_all, builtinEnergyTable(arch), ScheduleOptions{});
  EXPECT_FALSE(r.found);
  EXPECT_EQ(r.status, solver::Status::Infeasible);
  EXPECT_NE(r.message.find("cannot meet the capacity of Registers (2 words) for the data spaces it keeps "
                           "(Weights, Inputs, Outputs)"),
            std::string::npos)
      << r.message;
}

TEST(Scheduler, ReachesTheBoundOnResNetConv1) {
  const Architecture arch = loadArchitecture(kData + "/arch/simba.yaml");
  const Workload workload = builtinNetwork("resnet50").layers.front().workload;
  const Constraints constraints = loadConstraints(kData + "/mapspace/simba_bypass.yaml", arch, workload);
  ScheduleOptions options;
  options.objective = ScheduleObjective::Latency;
  const ScheduleResult r = scheduleLayer(arch, workload, constraints, builtinEnergyTable(arch), options);
  ASSERT_TRUE(r.found) << r.message;
  EXPECT_EQ(r.roofline_cycles, 115248);
  EXPECT_EQ(r.evaluation.cycles, 115248);  // every MAC busy every cycle, as the hand mapping
}

TEST(Roofline, CountsOnlyTouchedWords) {
  // 1x1 convolution with stride 2: the 7x7 outputs read 7x7 inputs per channel, not the 13x13 window.
  const Workload strided = instantiate(builtinShape("cnn-layer"), {1, 1, 7, 7, 4, 8, 1}, {2, 2, 1, 1});
  EXPECT_EQ(strided.dataSpaceSize(strided.dataSpaceIndex("Inputs")), 4 * 13 * 13);
  EXPECT_EQ(touchedWords(strided, strided.dataSpaceIndex("Inputs")), 4 * 7 * 7);
  // 3x3 kernel, stride 1: every word of the 9x9 window is touched.
  const Workload dense = instantiate(builtinShape("cnn-layer"), {3, 3, 7, 7, 4, 8, 1});
  EXPECT_EQ(touchedWords(dense, dense.dataSpaceIndex("Inputs")), 4 * 9 * 9);
  EXPECT_EQ(touchedWords(dense, dense.dataSpaceIndex("Weights")), 3 * 3 * 4 * 8);
  // Compute-bound layer on the tiny architecture: MACs / instances.
  const Architecture arch = tinyArch();
  EXPECT_EQ(rooflineCycles(arch, instantiate(builtinShape("cnn-layer"), {1, 1, 1, 1, 64, 64, 1})),
            std::max<std::int64_t>(64 * 64 / 4, (64 * 64 + 64) / 2));
}

TEST(Scheduler, MeshFanoutIsSplitIntoXAndY) {
  // A 4x4 mesh of register files under one buffer: at most 4 along X and 4 along Y.
  Architecture arch = tinyArch();
  arch.arithmetic.instances = 16;
  arch.arithmetic.mesh_x = 4;
  arch.levels[0].instances = 16;
  arch.levels[0].mesh_x = 4;
  arch.levels[0].entries = 16;
  arch.levels[1].entries = 4096;
  ASSERT_EQ(arch.fanout(1), 16);
  ASSERT_EQ(arch.fanoutX(1), 4);
  const Workload workload = instantiate(builtinShape("cnn-layer"), {1, 1, 8, 1, 8, 16, 1});
  ScheduleOptions options;
  options.objective = ScheduleObjective::Latency;
  const ScheduleResult r = scheduleLayer(arch, workload, Constraints{}, builtinEnergyTable(arch), options);
  ASSERT_TRUE(r.found) << r.message;
  const LevelMapping& buffer = r.mapping.levels[1];
  std::int64_t x = 1, all = 1;
  for (int d = 0; d < workload.numDims(); ++d) all *= buffer.spatial[d];
  for (int i = 0; i < buffer.spatial_split; ++i) x *= buffer.spatial[buffer.spatial_order[i]];
  EXPECT_LE(x, 4);
  EXPECT_LE(all / x, 4);
  EXPECT_EQ(all, 16);  // the whole mesh in use
  EXPECT_FALSE(r.repaired);
}

TEST(Scheduler, ObjectiveNames) {
  EXPECT_EQ(parseObjective("cosa-paper"), ScheduleObjective::CosaPaper);
  EXPECT_EQ(toString(parseObjective("edp")), "edp");
  EXPECT_THROW(parseObjective("fast"), std::invalid_argument);
}

}  // namespace
}  // namespace cosa
