// The public C++ API (include/cosa): loading, evaluating against a Timeloop reference result, and
// bad input reported as cosa::api::InputError with its position, as the CLI reports it.
#include <gtest/gtest.h>

#include <cosa/cosa.hpp>
#include <cstdio>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "mappers/cosa_scheduler.hpp"

namespace {

const std::string kCase = std::string(COSA_TEST_DATA_DIR) + "/timeloop-model/visible/case-001/";
const std::string kData = COSA_DATA_DIR;

// The public settings restate the scheduler's defaults (include/cosa has no internal headers).
TEST(PublicApi, ScheduleSettingsDefaultsAreTheSchedulers) {
  const cosa::ScheduleOptions scheduler;
  const cosa::api::ScheduleSettings settings;
  EXPECT_EQ(settings.gap, scheduler.relative_gap);
  EXPECT_EQ(settings.time_limit_s, scheduler.time_limit_s);
  EXPECT_EQ(settings.threads, scheduler.threads);
  EXPECT_EQ(settings.seed, scheduler.seed);
  EXPECT_EQ(settings.backend, scheduler.backend);
}

TEST(PublicApi, EvaluateGivesTimeloopsNumbers) {
  using namespace cosa::api;
  const Architecture arch = Architecture::load(kCase + "arch.yaml");
  const Problem problem = Problem::load(kCase + "problem.yaml");
  const EvaluationResult result = evaluate(arch, problem, Mapping::load(kCase + "map.yaml"));
  std::ifstream file(kCase + "expected.json");
  const nlohmann::json expected = nlohmann::json::parse(file);
  ASSERT_TRUE(result.valid) << result.error;
  EXPECT_EQ(result.cycles, expected["cycles"].get<long long>());
  EXPECT_NEAR(result.energy_pJ / expected["energy_pJ"].get<double>(), 1.0, 1e-3);
  // The JSON text carries the same numbers.
  const nlohmann::json json = nlohmann::json::parse(result.json);
  EXPECT_EQ(json["cycles"].get<long long>(), result.cycles);
  EXPECT_EQ(json["energy_pJ"].get<double>(), result.energy_pJ);
  EXPECT_EQ(arch.levels().front(), "Registers");
  EXPECT_EQ(problem.dimensions().size(), problem.bounds().size());
}

TEST(PublicApi, YamlTextLoadsLikeTheFile) {
  using namespace cosa::api;
  std::ifstream in(kCase + "problem.yaml");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const Problem from_text = Problem::fromYaml(text, "layer.yaml");
  EXPECT_EQ(from_text.bounds(), Problem::load(kCase + "problem.yaml").bounds());
}

TEST(PublicApi, BadInputIsAnInputErrorWithItsPosition) {
  using namespace cosa::api;
  try {
    (void)Problem::fromYaml("problem:\n  shape: cnn-layer\n  R: 3\n  P: -4\n", "layer.yaml");
    FAIL() << "no InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), "layer.yaml");
    EXPECT_EQ(e.line(), 4);
    EXPECT_EQ(e.column(), 6);
    EXPECT_EQ(e.field(), "problem.P");
    EXPECT_EQ(std::string(e.what()).rfind("layer.yaml:4:6: problem.P: ", 0), 0u) << e.what();
  }
  // Constraints naming a level the architecture lacks: found when checked against it.
  const Mapspace mapspace = Mapspace::fromYaml(
      "mapspace:\n  constraints:\n  - target: NoSuchBuffer\n    type: bypass\n    keep: [Weights]\n",
      "ms.yaml");
  const Architecture arch = Architecture::load(kData + "/arch/simba.yaml");
  const Problem problem = Problem::load(kData + "/problems/resnet50_conv1.yaml");
  EXPECT_THROW(mapspace.check(arch, problem), InputError);
  EXPECT_THROW((void)Architecture::load("/nonexistent/arch.yaml"), InputError);
  ScheduleSettings unknown_objective;
  unknown_objective.objective = "fastest";
  EXPECT_THROW((void)schedule(arch, problem, std::nullopt, unknown_objective), InputError);
}

// An empty file (or text) is an InputError naming it, whichever spec it was to be.
TEST(PublicApi, EmptyInputIsAnInputErrorNamingTheFile) {
  using namespace cosa::api;
  const std::string path = ::testing::TempDir() + "cosa_public_api_empty.yaml";
  std::ofstream(path) << "# to be written\n";
  const std::string reason =
      ": the file is empty (only whitespace, comments or null); an input file holds one or more sections "
      "('arch', 'problem', 'mapspace', 'mapping', ...)";
  const std::vector<std::function<void()>> loads = {
      [&] { (void)Architecture::load(path); },
      [&] {
        (void)Architecture::load(std::vector<std::string>{kData + "/arch/simba.yaml", path});
      },
      [&] { (void)Problem::load(path); }, [&] { (void)Mapspace::load(path); },
      [&] { (void)Mapping::load(path); }};
  for (std::size_t i = 0; i < loads.size(); ++i) {
    try {
      loads[i]();
      FAIL() << "load #" << i << " accepted an empty file";
    } catch (const InputError& e) {
      EXPECT_EQ(e.file(), path) << "load #" << i;
      EXPECT_EQ(std::string(e.what()), path + reason) << "load #" << i;
    }
  }
  for (const std::string& text : {std::string(), std::string("  \n"), std::string("null\n")}) {
    try {
      (void)Problem::fromYaml(text, "layer.yaml");
      FAIL() << "empty text accepted";
    } catch (const InputError& e) {
      EXPECT_EQ(std::string(e.what()), "layer.yaml" + reason);
    }
  }
  std::remove(path.c_str());
}

TEST(PublicApi, AnInvalidMappingIsAResultNotAnError) {
  using namespace cosa::api;
  const Architecture arch = Architecture::load(kData + "/arch/simba.yaml");
  const Problem problem = Problem::load(kData + "/problems/resnet50_conv1.yaml");
  // Every loop at DRAM but a spatial K=64 under the global buffer, whose fan-out is 16.
  const Mapping mapping = Mapping::fromYaml(
      "mapping:\n"
      "- {target: GlobalBuffer, type: spatial, factors: K=64}\n"
      "- {target: DRAM, type: temporal, factors: R=7 S=7 P=112 Q=112 C=3 K=1 N=1}\n",
      "bad.yaml");
  const EvaluationResult result = evaluate(arch, problem, mapping);
  EXPECT_FALSE(result.valid);
  EXPECT_FALSE(result.error.empty());
  EXPECT_EQ(nlohmann::json::parse(result.json)["valid"], false);
}

}  // namespace

namespace {

// A residual (imperfect) mapping: M=1000 as DRAM M1, GLB M63, spatial M16,8 (timeloop-model
// 019f107 on simple_weight_stationary: 8,127 cycles; computes padded to 2048 x 1008).
TEST(PublicApi, EvaluateCountsPaddedComputesOfAResidualMapping) {
  using namespace cosa::api;
  const std::string dir = std::string(COSA_TEST_DATA_DIR) + "/residual/sws_fc_spatial_M1000/";
  const Architecture arch = Architecture::load(dir + "arch.yaml");
  const Problem problem = Problem::load(dir + "problem.yaml");
  const EvaluationResult result = evaluate(arch, problem, Mapping::load(dir + "map.yaml"));
  ASSERT_TRUE(result.valid) << result.error;
  EXPECT_EQ(result.cycles, 8127);
  EXPECT_EQ(result.macs, 2048000);
  EXPECT_EQ(result.computes, 2064384);
  EXPECT_NEAR(result.energy_pJ / 430.364686e6, 1.0, 1e-6);
}

}  // namespace
