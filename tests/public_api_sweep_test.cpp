// The public API's sweeps (include/cosa/sweep.hpp): a run gives every planned point as its
// point.json has it, a re-run resumes (nothing run twice), merge writes points.csv and returns the
// same points, the mapper can be overridden, and bad settings are InputErrors.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cosa/cosa.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

namespace {

namespace fs = std::filesystem;

// Six points: the global buffer at 32, 64 and 128 KiB x the WeightBuffer's instances at 128 and 96;
// 96 does not divide the 128 AccumulationBuffers below it, so those three points are invalid.
const std::string kSpec = std::string(COSA_TEST_DATA_DIR) + "/sweep/small.yaml";

class PublicApiSweep : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("cosa_api_sweep_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

nlohmann::json pointJson(const fs::path& dir, const std::string& id) {
  std::ifstream in(dir / "points" / id / "point.json");
  return nlohmann::json::parse(in);
}

TEST_F(PublicApiSweep, RunGivesEveryPointAsItsPointJsonAndResumes) {
  cosa::api::SweepSettings settings;
  settings.out_dir = dir_.string();
  std::vector<std::string> finished;
  const cosa::api::SweepResult result = cosa::api::runSweep(kSpec, settings, [&](const auto& p) {
    if (p.done) finished.push_back(p.id);
  });
  EXPECT_EQ(result.name, "small");
  EXPECT_EQ(result.mapper, "cosa");
  EXPECT_EQ(result.parameters, (std::vector<std::string>{"glb_kib", "wb_instances"}));
  ASSERT_EQ(result.points.size(), 6u);
  EXPECT_EQ(result.ran, 6u);
  EXPECT_EQ(result.skipped, 0u);
  EXPECT_EQ(result.failed, 3u);
  EXPECT_TRUE(result.complete);
  EXPECT_TRUE(result.missing.empty());
  EXPECT_EQ(finished.size(), 6u);
  int ok = 0, invalid = 0, on_front = 0;
  for (const cosa::api::SweepPointResult& p : result.points) {
    const nlohmann::json j = pointJson(dir_, p.id);
    EXPECT_EQ(p.status, j["status"].get<std::string>()) << p.id;
    if (p.status == "ok") {
      ++ok;
      ASSERT_TRUE(p.cycles && p.energy_pJ && p.edp) << p.id;
      EXPECT_EQ(*p.cycles, j["total_cycles"].get<std::int64_t>()) << p.id;
      EXPECT_DOUBLE_EQ(*p.energy_pJ, j["total_energy_pJ"].get<double>()) << p.id;
      EXPECT_EQ(p.values[1], 128) << p.id;
      on_front += p.pareto;
    } else {
      ++invalid;
      EXPECT_EQ(p.status, "invalid") << p.id;
      EXPECT_EQ(p.values[1], 96) << p.id;
      EXPECT_FALSE(p.cycles) << p.id;
      EXPECT_FALSE(p.pareto) << p.id;
    }
  }
  EXPECT_EQ(ok, 3);
  EXPECT_EQ(invalid, 3);
  EXPECT_GE(on_front, 1);

  // A re-run finds every point finished.
  const cosa::api::SweepResult again = cosa::api::runSweep(kSpec, settings);
  EXPECT_EQ(again.ran, 0u);
  EXPECT_EQ(again.skipped, 6u);
  ASSERT_EQ(again.points.size(), 6u);
  for (std::size_t i = 0; i < 6; ++i) EXPECT_EQ(again.points[i].cycles, result.points[i].cycles);

  const cosa::api::SweepResult merged = cosa::api::mergeSweep(dir_.string());
  EXPECT_TRUE(fs::exists(dir_ / "points.csv"));
  EXPECT_TRUE(fs::exists(dir_ / "report.html"));
  ASSERT_EQ(merged.points.size(), 6u);
  for (std::size_t i = 0; i < 6; ++i) {
    EXPECT_EQ(merged.points[i].id, result.points[i].id);
    EXPECT_EQ(merged.points[i].cycles, result.points[i].cycles);
    EXPECT_EQ(merged.points[i].pareto, result.points[i].pareto);
  }
}

TEST_F(PublicApiSweep, AShardRunsItsPointsAndTheRestAreMissing) {
  cosa::api::SweepSettings settings;
  settings.out_dir = dir_.string();
  settings.mapper = "random";
  settings.shard_index = 1;
  settings.shard_count = 3;
  const cosa::api::SweepResult result = cosa::api::runSweep(kSpec, settings);
  EXPECT_EQ(result.mapper, "random");
  EXPECT_EQ(result.ran, 2u);  // points 1 and 4 of 0..5
  EXPECT_EQ(result.missing.size(), 4u);
  ASSERT_EQ(result.points.size(), 6u);
  EXPECT_EQ(result.points[0].status, "missing");
  EXPECT_NE(result.points[1].status, "missing");
  EXPECT_EQ(pointJson(dir_, result.points[1].id)["mapper"].get<std::string>(), "random");
}

TEST_F(PublicApiSweep, BadSettingsAreInputErrors) {
  cosa::api::SweepSettings settings;
  EXPECT_THROW(cosa::api::runSweep(kSpec, settings), cosa::api::InputError);  // no out_dir
  settings.out_dir = dir_.string();
  settings.shard_index = 2;
  settings.shard_count = 2;
  EXPECT_THROW(cosa::api::runSweep(kSpec, settings), cosa::api::InputError);
  settings.shard_index = 0;
  settings.mapper = "annealing";
  try {
    cosa::api::runSweep(kSpec, settings);
    FAIL() << "an unknown mapper must be refused";
  } catch (const cosa::api::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("annealing"), std::string::npos) << e.what();
  }
  EXPECT_THROW(cosa::api::mergeSweep((dir_ / "nothing").string()), cosa::api::InputError);
}

}  // namespace
