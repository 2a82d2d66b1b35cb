// Sweeps with another mapper than cosa (the spec's scheduler.mapper, or --mapper): the points run
// the search mappers through the network pipeline, point.json and sweep.json name the mapper, the
// totals are those of the mappings written, an unknown mapper is an error at its field, a resume with
// another mapper is refused, and a cosa sweep's files have no mapper field or column.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "app/sweep.hpp"
#include "common/error.hpp"
#include "io/results/points_csv.hpp"
#include "io/timeloop/arch_yaml.hpp"
#include "io/timeloop/mapping_yaml.hpp"
#include "io/timeloop/problem_yaml.hpp"
#include "model/evaluator.hpp"
#include "test_support.hpp"

namespace cosa {
namespace {

namespace fs = std::filesystem;

const std::string kDataDir = COSA_TEST_DATA_DIR;

// A two-point sweep of tests/data/sweep/two_layers (two unique layers, one of them twice) on Simba
// with the bypass mapspace, in a temporary folder.
class SweepMapperTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("cosa_sweep_mapper_test_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // The spec with `scheduler` as its scheduler section (empty: none).
  app::SweepSpec load(const std::string& scheduler) {
    const fs::path path = dir_ / "spec.yaml";
    std::ofstream(path) << "name: mappers\n"
                        << "architecture: " << kDataDir << "/arch/simba.yaml\n"
                        << "mapspace: " << kDataDir << "/../../data/mapspace/simba_bypass.yaml\n"
                        << "workloads: [{workload: " << kDataDir << "/sweep/two_layers}]\n"
                        << "parameters:\n"
                        << "  - {name: glb_kib, values: [64, 128], set: [{level: GlobalBuffer, attribute: "
                           "entries, times: 1024}]}\n"
                        << (scheduler.empty() ? "" : "scheduler: " + scheduler + "\n");
    return app::loadSweepSpec(path.string());
  }

  app::SweepRunSummary run(const app::SweepSpec& spec, const std::atomic<bool>* stop = nullptr) {
    app::SweepRunOptions options;
    options.out_dir = out().string();
    options.jobs = 2;
    return app::runSweep(spec, options, stop);
  }

  fs::path out() const { return dir_ / "out"; }

  // Checks every point of the finished sweep: ok, named `mapper`, and totals equal to evaluating the
  // mappings the point wrote (each unique layer's count times its cycles and energy).
  void expectPointsMatchTheirMappings(const app::SweepSpec& spec, const std::string& mapper) {
    for (const app::SweepPoint& point : app::expandPoints(spec)) {
      SCOPED_TRACE(point.id);
      const fs::path dir = out() / "points" / point.id;
      const nlohmann::json j = test::readJson(dir / "point.json");
      EXPECT_EQ(j.at("mapper"), mapper);
      ASSERT_EQ(j.at("status"), "ok") << j.dump(2);
      const double energy = j.at("total_energy_pJ").get<double>();
      const std::int64_t cycles = j.at("total_cycles").get<std::int64_t>();
      EXPECT_TRUE(std::isfinite(energy));
      EXPECT_GT(energy, 0);
      EXPECT_GT(cycles, 0);
      const nlohmann::json summary = test::readJson(dir / "summary.json");
      EXPECT_EQ(summary.at("mapper"), mapper);
      const Architecture arch = loadArchitecture((dir / "arch.yaml").string());
      std::int64_t sum_cycles = 0;
      double sum_energy = 0;
      for (const nlohmann::json& layer : summary.at("per_layer")) {
        const fs::path layer_dir = dir / layer.at("output").get<std::string>();
        const Workload workload = loadProblem((layer_dir / "problem.yaml").string());
        const Mapping mapping = loadMapping((layer_dir / "mapping.yaml").string(), arch, workload);
        const Evaluation evaluation = Evaluator(arch, workload).evaluate(mapping);
        ASSERT_TRUE(evaluation.valid) << layer_dir;
        const int count = layer.at("count").get<int>();
        sum_cycles += count * evaluation.cycles;
        sum_energy += count * evaluation.energy_pJ;
      }
      EXPECT_EQ(cycles, sum_cycles);
      EXPECT_NEAR(energy, sum_energy, 1e-9 * sum_energy);
    }
  }

  fs::path dir_;
};

TEST_F(SweepMapperTest, RandomPointsNameTheMapperAndTheirTotalsAreTheirMappings) {
  const app::SweepSpec spec = load("{mapper: random, random-valid: 3, seed: 7}");
  EXPECT_EQ(spec.settings.mapper, "random");
  EXPECT_EQ(spec.settings.mappers.random.valid_target, 3);
  EXPECT_EQ(spec.settings.seed, 7u);
  const app::SweepRunSummary summary = run(spec);
  EXPECT_EQ(summary.ran, 2u);
  EXPECT_EQ(summary.failed, 0u);
  expectPointsMatchTheirMappings(spec, "random");
  const nlohmann::json plan = test::readJson(out() / "sweep.json");
  EXPECT_EQ(plan.at("mapper"), "random");
  EXPECT_EQ(plan.at("mapper_settings").at("valid_target"), 3);
  // The merge adds a mapper column (only for a mapper other than cosa).
  app::mergeSweep(out().string());
  const std::string csv = test::readText((out() / "points.csv").string());
  EXPECT_EQ(csv.substr(0, csv.find('\n')),
            "id,workload,mapper,glb_kib,status,total_cycles,total_energy_pJ,total_edp,pJ_per_mac,"
            "unique_layers,failed_layers,pareto,message");
  EXPECT_NE(csv.find("\ntwo_layers-glb_kib64,two_layers,random,64,ok,"), std::string::npos) << csv;
}

TEST_F(SweepMapperTest, HybridPointsNameTheMapperAndTheirTotalsAreTheirMappings) {
  const app::SweepSpec spec = load(
      "{mapper: hybrid, search-size: 60, victory-condition: 20, hybrid-sampling: fanout-valid, "
      "hybrid-threads: 2}");
  EXPECT_EQ(spec.settings.mappers.hybrid.search_size, 60);
  EXPECT_EQ(spec.settings.mappers.hybrid.victory_condition, 20);
  EXPECT_EQ(spec.settings.mappers.hybrid.threads, 2);
  const app::SweepRunSummary summary = run(spec);
  EXPECT_EQ(summary.ran, 2u);
  EXPECT_EQ(summary.failed, 0u);
  expectPointsMatchTheirMappings(spec, "hybrid");
  const nlohmann::json plan = test::readJson(out() / "sweep.json");
  EXPECT_EQ(plan.at("mapper"), "hybrid");
  EXPECT_EQ(plan.at("mapper_settings").at("search_size"), 60);
  EXPECT_EQ(plan.at("mapper_settings").at("victory_condition"), 20);
  EXPECT_EQ(plan.at("mapper_settings").at("threads"), 2);
  EXPECT_EQ(plan.at("mapper_settings").at("sampling"), "fanout-valid");
}

TEST_F(SweepMapperTest, ExhaustiveRunsWithItsEvaluationBudget) {
  const app::SweepSpec spec = load("{mapper: exhaustive, max-evaluations: 300}");
  EXPECT_EQ(spec.settings.mappers.exhaustive.max_evaluations, 300);
  const app::SweepRunSummary summary = run(spec);
  EXPECT_EQ(summary.ran, 2u);
  for (const app::SweepPoint& point : app::expandPoints(spec))
    EXPECT_EQ(test::readJson(out() / "points" / point.id / "point.json").at("mapper"), "exhaustive");
  EXPECT_EQ(test::readJson(out() / "sweep.json").at("mapper_settings").at("max_evaluations"), 300);
}

TEST_F(SweepMapperTest, AnUnknownMapperIsAnErrorAtItsField) {
  try {
    load("{objective: edp, mapper: annealing}");
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.field(), "scheduler.mapper");
    EXPECT_EQ(e.where().file, (dir_ / "spec.yaml").string());
    EXPECT_EQ(e.where().line, 7);
    EXPECT_GT(e.where().column, 0);
    EXPECT_NE(std::string(e.what()).find("spec.yaml:7:"), std::string::npos) << e.what();
    EXPECT_EQ(e.reason(), "unknown mapper 'annealing' (mappers: cosa, exhaustive, hybrid, random)");
  }
  // The other names the mappers know are checked at their fields too.
  const auto field = [&](const std::string& scheduler) {
    try {
      load(scheduler);
    } catch (const InputError& e) {
      return e.field() + ": " + e.reason();
    }
    return std::string("no error");
  };
  EXPECT_EQ(field("{hybrid-sampling: uniform}"),
            "scheduler.hybrid-sampling: unknown sampling 'uniform' (fanout-valid or timeloop)");
  EXPECT_EQ(field("{objective: speed}").find("scheduler.objective: unknown objective 'speed'"), 0u);
  EXPECT_EQ(field("{random-valid: 0}"), "scheduler.random-valid: must be an integer >= 1");
  EXPECT_EQ(field("{hybrid-threads: 0}"), "scheduler.hybrid-threads: must be an integer >= 1");
  EXPECT_NE(field("{searchsize: 10}").find("unknown key 'searchsize'"), std::string::npos);
  // --mapper: an unknown name lists the known ones.
  EXPECT_THROW(app::withMapper(load(""), "annealing"), std::invalid_argument);
}

TEST_F(SweepMapperTest, AResumeWithAnotherMapperIsRefused) {
  const std::atomic<bool> stop{true};  // write the plan, run no point
  const app::SweepSpec random = load("{mapper: random}");
  EXPECT_EQ(run(random, &stop).ran, 0u);
  EXPECT_NO_THROW(run(random, &stop));
  const auto refused = [&](const app::SweepSpec& spec) {
    try {
      run(spec, &stop);
    } catch (const std::runtime_error& e) {
      return std::string(e.what()).find("describes a different sweep") != std::string::npos;
    }
    return false;
  };
  EXPECT_TRUE(refused(app::withMapper(random, "hybrid")));
  EXPECT_TRUE(refused(app::withMapper(random, "cosa")));
  EXPECT_TRUE(refused(load("")));                                              // the spec's default: cosa
  EXPECT_TRUE(refused(load("{mapper: random, random-valid: 9}")));             // the mapper's settings
  EXPECT_FALSE(refused(app::withMapper(load("{mapper: hybrid}"), "random")));  // --mapper random
}

TEST_F(SweepMapperTest, ACosaSweepsFilesNameNoMapper) {
  const app::SweepSpec spec = load("{objective: latency}");
  EXPECT_EQ(spec.settings.mapper, "cosa");
  const nlohmann::json plan = app::planJson(spec, app::expandPoints(spec));
  EXPECT_FALSE(plan.contains("mapper"));
  EXPECT_FALSE(plan.contains("mapper_settings"));
  EXPECT_EQ(plan.at("objective"), "latency");
  const nlohmann::json point = app::pointJsonBase(spec, app::expandPoints(spec)[0]);
  EXPECT_FALSE(point.contains("mapper"));
  // The CSV of a cosa sweep has no mapper column; another mapper's has one after workload.
  SweepReportData data;
  data.parameters = {"glb"};
  SweepReportPoint p;
  p.id = "w-glb1";
  p.workload = "w";
  p.values = {1};
  p.status = "invalid";
  data.points.push_back(p);
  EXPECT_EQ(pointsCsv(data, {false}),
            "id,workload,glb,status,total_cycles,total_energy_pJ,total_edp,pJ_per_mac,unique_layers,"
            "failed_layers,pareto,message\nw-glb1,w,1,invalid,,,,,,,,\n");
  EXPECT_EQ(pointsCsv(data, {false}, "random"),
            "id,workload,mapper,glb,status,total_cycles,total_energy_pJ,total_edp,pJ_per_mac,unique_layers,"
            "failed_layers,pareto,message\nw-glb1,w,random,1,invalid,,,,,,,,\n");
}

}  // namespace
}  // namespace cosa
