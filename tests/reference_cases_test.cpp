// Every visible Timeloop reference case: our cost model must report what timeloop-model reported.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "io/timeloop/arch_yaml.hpp"
#include "io/timeloop/mapping_yaml.hpp"
#include "io/timeloop/problem_yaml.hpp"
#include "model/evaluator.hpp"

namespace cosa {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path kCases = fs::path(COSA_TEST_DATA_DIR) / "timeloop-model" / "visible";

std::vector<std::string> caseNames() {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(kCases))
    if (entry.is_directory()) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

json readJson(const fs::path& path) {
  std::ifstream in(path);
  return json::parse(in);
}

void expectRelativelyNear(double actual, double expected, double tolerance, const std::string& what) {
  const double scale = std::max(std::abs(expected), 1e-9);
  EXPECT_LE(std::abs(actual - expected) / scale, tolerance) << what << ": " << actual << " vs " << expected;
}

class ReferenceCase : public ::testing::TestWithParam<std::string> {};

TEST_P(ReferenceCase, MatchesTimeloop) {
  const fs::path dir = kCases / GetParam();
  const json expected = readJson(dir / "expected.json");
  const Architecture arch = loadArchitecture((dir / "arch.yaml").string());
  const Workload workload = loadProblem((dir / "problem.yaml").string());

  if (!expected["valid"].get<bool>()) {
    const std::string kind = expected["case"]["invalid_kind"];
    const std::string timeloop_error = expected["timeloop_error"];
    std::string error;
    try {
      const Mapping mapping = loadMapping((dir / "map.yaml").string(), arch, workload);
      Evaluator evaluator(arch, workload);
      const Evaluation result = evaluator.evaluate(mapping);
      EXPECT_FALSE(result.valid);
      error = result.error;
    } catch (const InputError& e) {
      error = e.what();
    }
    if (kind.rfind("capacity_", 0) == 0) {
      // Same level, same numbers, same words.
      const std::string level = kind.substr(9);
      EXPECT_NE(error.find("couldn't map level " + level + ": mapped tile size"), std::string::npos) << error;
      const auto tail = timeloop_error.substr(timeloop_error.find("mapped tile size"));
      EXPECT_NE(error.find(tail), std::string::npos) << error << " vs " << timeloop_error;
    } else if (kind.rfind("fanout_", 0) == 0) {
      EXPECT_NE(timeloop_error.find(error), std::string::npos) << error << " vs " << timeloop_error;
    } else {
      ASSERT_EQ(kind, "product");
      const auto tail = timeloop_error.substr(timeloop_error.find("product of all factors"));
      EXPECT_NE(error.find(tail), std::string::npos) << error << " vs " << timeloop_error;
    }
    return;
  }

  const Mapping mapping = loadMapping((dir / "map.yaml").string(), arch, workload);
  Evaluator evaluator(arch, workload);
  const Evaluation result = evaluator.evaluate(mapping);
  ASSERT_TRUE(result.valid) << result.error;
  EXPECT_EQ(result.macs, expected["macs"].get<std::int64_t>());
  EXPECT_EQ(result.compute_cycles, expected["compute_cycles"].get<std::int64_t>());
  EXPECT_EQ(result.cycles, expected["cycles"].get<std::int64_t>());
  EXPECT_EQ(result.utilized_mac_instances, expected["arithmetic"]["utilized_instances"].get<std::int64_t>());
  expectRelativelyNear(result.utilization, expected["utilization"].get<double>(), 1e-12, "utilization");
  expectRelativelyNear(result.energy_pJ, expected["energy_pJ"].get<double>(), 1e-3, "energy");
  expectRelativelyNear(result.arithmetic_energy_pJ, expected["arithmetic"]["energy_pJ"].get<double>(), 1e-3,
                       "MAC energy");

  const auto& levels = expected["levels"];
  ASSERT_EQ(result.levels.size(), levels.size());
  for (std::size_t l = 0; l < levels.size(); ++l) {
    const auto& want = levels[l];
    const LevelStats& got = result.levels[l];
    const std::string name = want["name"];
    EXPECT_EQ(got.name, name);
    EXPECT_EQ(got.cycles, want["cycles"].get<std::int64_t>()) << name;
    expectRelativelyNear(got.bandwidth_throttling, want["bandwidth_throttling"].get<double>(), 1e-12,
                         name + " throttling");
    expectRelativelyNear(got.energy_total_pJ, want["energy_total_pJ"].get<double>(), 1e-3, name + " energy");
    for (int ds = 0; ds < workload.numDataSpaces(); ++ds) {
      const std::string ds_name = workload.data_spaces[ds].name;
      const DataSpaceStats& s = got.data_spaces[ds];
      if (!want["dataspaces"].contains(ds_name)) {
        EXPECT_FALSE(s.kept) << name << " " << ds_name;
        continue;
      }
      const auto& w = want["dataspaces"][ds_name];
      const std::string where = name + " " + ds_name;
      EXPECT_TRUE(s.kept) << where;
      EXPECT_EQ(s.partition_size, w["partition_size"].get<std::int64_t>()) << where;
      EXPECT_EQ(s.utilized_capacity, w["utilized_capacity"].get<std::int64_t>()) << where;
      EXPECT_EQ(s.utilized_instances, w["utilized_instances"].get<std::int64_t>()) << where;
      EXPECT_EQ(s.utilized_clusters, w["utilized_clusters"].get<std::int64_t>()) << where;
      EXPECT_EQ(s.reads, w["reads_per_instance"].get<std::int64_t>()) << where;
      EXPECT_EQ(s.updates, w["updates_per_instance"].get<std::int64_t>()) << where;
      EXPECT_EQ(s.fills, w["fills_per_instance"].get<std::int64_t>()) << where;
      EXPECT_EQ(s.temporal_reductions, w["temporal_reductions_per_instance"].get<std::int64_t>()) << where;
      EXPECT_EQ(s.address_generations, w["address_generations_per_cluster"].get<std::int64_t>()) << where;
      expectRelativelyNear(s.energy_total_pJ, w["energy_total_pJ"].get<double>(), 1e-3, where + " energy");
      expectRelativelyNear(s.read_bandwidth, w["read_bandwidth_per_instance"].get<double>(), 1e-9,
                           where + " read bandwidth");
      expectRelativelyNear(s.write_bandwidth, w["write_bandwidth_per_instance"].get<double>(), 1e-9,
                           where + " write bandwidth");
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Timeloop, ReferenceCase, ::testing::ValuesIn(caseNames()), [](const auto& info) {
  std::string name = info.param;
  std::replace(name.begin(), name.end(), '-', '_');
  return name;
});

}  // namespace
}  // namespace cosa
