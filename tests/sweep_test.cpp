// Sweeps: the architecture writer's round trip, spec reading, point expansion and ids, overrides,
// shards, the Pareto front and the CSV. End-to-end runs are in tests/check_sweep.sh.
#include "app/sweep.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "common/error.hpp"
#include "io/results/points_csv.hpp"
#include "io/timeloop/arch_writer.hpp"
#include "io/timeloop/arch_yaml.hpp"
#include "io/yaml/yaml_util.hpp"
#include "report/sweep_report.hpp"
#include "test_support.hpp"

namespace cosa {
namespace {

namespace fs = std::filesystem;

const std::string kDataDir = COSA_TEST_DATA_DIR;

Architecture roundTrip(const Architecture& arch) {
  return parseArchitecture(YamlView::loadString(architectureYaml(arch), "written.yaml"));
}

TEST(ArchWriter, RoundTripsSimbaAndEveryReferenceArchitecture) {
  const Architecture simba = loadArchitecture(kDataDir + "/arch/simba.yaml");
  EXPECT_EQ(roundTrip(simba), simba);
  EXPECT_EQ(simba, test::simbaArch());
  const Architecture tree = loadArchitecture(kDataDir + "/arch/simba_tree.yaml");
  EXPECT_EQ(roundTrip(tree), tree);
  int checked = 0;
  for (const auto& entry : fs::directory_iterator(test::referenceDir())) {
    if (!fs::exists(entry.path() / "arch.yaml")) continue;
    const Architecture arch = loadArchitecture((entry.path() / "arch.yaml").string());
    EXPECT_EQ(roundTrip(arch), arch) << entry.path();
    ++checked;
  }
  EXPECT_GT(checked, 10);
}

TEST(ArchWriter, KeepsMeshesBandwidthsAndArithmeticEnergy) {
  Architecture arch = test::simbaArch();
  arch.levels[0].mesh_x = 32;
  arch.levels[0].mesh_y = 32;
  arch.arithmetic.mesh_x = 32;
  arch.arithmetic.energy_per_op_pJ = 0.3125;
  arch.levels[4].read_bandwidth = 12.5;
  arch.levels[4].write_bandwidth = 3;
  arch.levels[3].multiple_buffering = 2;
  EXPECT_EQ(roundTrip(arch), arch);
}

// A spec in a temporary folder, next to a copy of simba.yaml.
class SweepSpecTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("cosa_sweep_test_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
    fs::copy_file(kDataDir + "/arch/simba.yaml", dir_ / "simba.yaml", fs::copy_options::overwrite_existing);
  }
  void TearDown() override { fs::remove_all(dir_); }

  app::SweepSpec load(const std::string& text) {
    const fs::path path = dir_ / "spec.yaml";
    std::ofstream(path) << text;
    return app::loadSweepSpec(path.string());
  }

  fs::path dir_;
};

constexpr const char* kPesAndGlb = R"(
name: t
architecture: simba.yaml
workloads: [{network: small_layers}, {network: alexnet}]
parameters:
  - name: pes
    values: [4, 16]
    set:
      - {level: InputBuffer, attribute: instances}
      - {level: WeightBuffer, attribute: instances, times: 8}
      - {level: AccumulationBuffer, attribute: instances, times: 8}
      - {level: Registers, attribute: instances, times: 64}
      - {level: arithmetic, attribute: instances, times: 64}
  - name: glb_kib
    range: {from: 32, to: 128, factor: 2}
    set: [{level: GlobalBuffer, attribute: entries, times: 1024}]
)";

TEST_F(SweepSpecTest, ExpandsTheProductWithWorkloadsSlowestAndTheLastParameterFastest) {
  const app::SweepSpec spec = load(kPesAndGlb);
  EXPECT_EQ(spec.parameters[1].values, (std::vector<double>{32, 64, 128}));
  const std::vector<app::SweepPoint> points = app::expandPoints(spec);
  ASSERT_EQ(points.size(), 2u * 2u * 3u);
  EXPECT_EQ(points[0].id, "small_layers-pes4-glb_kib32");
  EXPECT_EQ(points[1].id, "small_layers-pes4-glb_kib64");
  EXPECT_EQ(points[3].id, "small_layers-pes16-glb_kib32");
  EXPECT_EQ(points[6].id, "alexnet-pes4-glb_kib32");
  EXPECT_EQ(points[11].id, "alexnet-pes16-glb_kib128");
  for (std::size_t i = 0; i < points.size(); ++i) EXPECT_EQ(points[i].index, i);
  // Deterministic: a second expansion gives the same ids.
  EXPECT_EQ(app::expandPoints(spec)[7].id, points[7].id);
}

TEST_F(SweepSpecTest, ZipPairsTheValues) {
  const app::SweepSpec spec =
      load(std::string(kPesAndGlb)
               .replace(std::string(kPesAndGlb).find("from: 32"), 29, "from: 32, to: 64, step: 32}") +
           "combine: zip\n");
  const std::vector<app::SweepPoint> points = app::expandPoints(spec);
  ASSERT_EQ(points.size(), 4u);
  EXPECT_EQ(points[0].id, "small_layers-pes4-glb_kib32");
  EXPECT_EQ(points[1].id, "small_layers-pes16-glb_kib64");
}

TEST_F(SweepSpecTest, OverridesScaleEveryTargetAndKeepTheRest) {
  const app::SweepSpec spec = load(kPesAndGlb);
  const Architecture base = loadArchitecture(spec.architecture);
  const app::SweepPoint point = app::expandPoints(spec)[2];  // pes 4, glb 128 KiB
  const Architecture arch = app::applyOverrides(spec, base, point);
  EXPECT_EQ(arch.levels[arch.levelIndex("InputBuffer")].instances, 4);
  EXPECT_EQ(arch.levels[arch.levelIndex("WeightBuffer")].instances, 32);
  EXPECT_EQ(arch.levels[arch.levelIndex("AccumulationBuffer")].instances, 32);
  EXPECT_EQ(arch.levels[arch.levelIndex("Registers")].instances, 256);
  EXPECT_EQ(arch.arithmetic.instances, 256);
  EXPECT_EQ(arch.levels[arch.levelIndex("GlobalBuffer")].entries, 131072);
  // Everything else as in the base; the fan-outs per PE are Simba's.
  EXPECT_EQ(arch.levels[arch.levelIndex("WeightBuffer")].entries, 16384);
  EXPECT_EQ(arch.fanout(arch.levelIndex("InputBuffer")), 8);
  EXPECT_EQ(arch.fanout(arch.levelIndex("GlobalBuffer")), 4);
  EXPECT_EQ(roundTrip(arch), arch);
}

TEST_F(SweepSpecTest, BandwidthIsHalvedLikeTimeloopsAndFractionsOfWholeAttributesAreRejected) {
  const app::SweepSpec spec = load(R"(
architecture: simba.yaml
workloads: [{network: small_layers}]
parameters:
  - name: dram_bw
    values: [40]
    set: [{level: DRAM, attribute: bandwidth}]
  - name: pes
    values: [2.5]
    set: [{level: InputBuffer, attribute: instances}]
)");
  const Architecture base = loadArchitecture(spec.architecture);
  app::SweepSpec bandwidth_only = spec;
  bandwidth_only.parameters.pop_back();
  const Architecture arch = app::applyOverrides(bandwidth_only, base, {0, "x", {40}, 0});
  EXPECT_EQ(arch.levels.back().read_bandwidth, 20.0);
  EXPECT_EQ(arch.levels.back().write_bandwidth, 20.0);
  try {
    app::applyOverrides(spec, base, app::expandPoints(spec)[0]);
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "parameter pes: InputBuffer instances = 2.5 is not a whole number >= 1");
  }
}

TEST_F(SweepSpecTest, BadSpecsNameTheFieldAndReason) {
  const auto message = [&](const std::string& text) {
    try {
      load(text);
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  const std::string head = "architecture: simba.yaml\nworkloads: [{network: small_layers}]\n";
  EXPECT_NE(message(head +
                    "parameters: [{name: x, values: [1], set: [{level: GlobalBufer, attribute: entries}]}]\n")
                .find("no level 'GlobalBufer' in the architecture"),
            std::string::npos);
  EXPECT_NE(message(head + "parameters: [{name: x, values: [1], set: [{level: DRAM, attribute: size}]}]\n")
                .find("'size' is not an attribute a sweep can set"),
            std::string::npos);
  EXPECT_NE(
      message(head + "parameters: [{name: x, values: [1], set: [{level: arithmetic, attribute: entries}]}]\n")
          .find("on the arithmetic level"),
      std::string::npos);
  EXPECT_NE(message("architecture: simba.yaml\nworkloads: [{network: resnet51}]\n")
                .find("unknown network 'resnet51'"),
            std::string::npos);
  EXPECT_NE(
      message(head + "parameters: [{name: a b, values: [1], set: [{level: DRAM, attribute: bandwidth}]}]\n")
          .find("a parameter name is letters"),
      std::string::npos);
  EXPECT_NE(
      message(head + "parameters: [{name: x, values: [1, 2], set: [{level: DRAM, attribute: bandwidth}]},"
                     " {name: y, values: [1], set: [{level: DRAM, attribute: bandwidth}]}]\ncombine: zip\n")
          .find("zip needs parameters with equally many values"),
      std::string::npos);
  EXPECT_NE(message(head + "jobs: 2\n").find("spec.yaml:3:1"), std::string::npos);
  // Values 1 and 1.0 print alike: the ids would clash.
  EXPECT_NE(message(head +
                    "parameters: [{name: x, values: [1, 1.0], set: [{level: DRAM, attribute: bandwidth}]}]\n")
                .find("two points get the id 'small_layers-x1'"),
            std::string::npos);
}

TEST(SweepShard, ParsesIndexOfCountAndSlurmsArrayVariables) {
  const auto no_env = [](const char*) -> const char* { return nullptr; };
  const app::Shard shard = app::parseShard("2/3", no_env);
  EXPECT_EQ(shard.index, 2);
  EXPECT_EQ(shard.count, 3);
  EXPECT_THROW(app::parseShard("3/3", no_env), std::invalid_argument);
  EXPECT_THROW(app::parseShard("1", no_env), std::invalid_argument);
  EXPECT_THROW(app::parseShard("-1/3", no_env), std::invalid_argument);
  EXPECT_THROW(app::parseShard("slurm", no_env), std::invalid_argument);
  const std::map<std::string, std::string> env{
      {"SLURM_ARRAY_TASK_ID", "11"}, {"SLURM_ARRAY_TASK_COUNT", "4"}, {"SLURM_ARRAY_TASK_MIN", "10"}};
  const app::Shard slurm = app::parseShard("slurm", [&](const char* name) -> const char* {
    auto it = env.find(name);
    return it == env.end() ? nullptr : it->second.c_str();
  });
  EXPECT_EQ(slurm.index, 1);
  EXPECT_EQ(slurm.count, 4);
}

SweepReportPoint okPoint(std::string id, std::int64_t cycles, double energy, std::string workload = "w") {
  SweepReportPoint p;
  p.id = std::move(id);
  p.workload = std::move(workload);
  p.status = "ok";
  p.cycles = cycles;
  p.energy_pJ = energy;
  p.edp = static_cast<double>(cycles) * energy;
  return p;
}

TEST(SweepPareto, KeepsPointsNoOtherBeatsOnBothPerWorkload) {
  std::vector<SweepReportPoint> points{okPoint("a", 100, 50), okPoint("b", 200, 40),
                                       okPoint("c", 150, 60), okPoint("d", 300, 40),
                                       okPoint("e", 100, 50), okPoint("f", 400, 10, "v")};
  SweepReportPoint invalid;
  invalid.id = "g";
  invalid.workload = "w";
  invalid.status = "invalid";
  points.push_back(invalid);
  // a and e tie (both kept); b beats d (same energy, fewer cycles); a beats c; f is alone in v.
  EXPECT_EQ(paretoFront(points), (std::vector<bool>{true, true, false, false, true, true, false}));
}

TEST(SweepCsv, QuotesMessagesAndLeavesTotalsOfPointsWithoutScheduleEmpty) {
  SweepReportData data;
  data.parameters = {"glb"};
  data.workloads = {"w"};
  data.points.push_back(okPoint("w-glb32", 5794, 9726940.5));
  data.points.back().values = {32};
  data.points.back().pj_per_mac = 2.5;
  data.points.back().unique_layers = 2;
  data.points.back().failed_layers = 0;
  SweepReportPoint invalid;
  invalid.id = "w-glb0.5";
  invalid.workload = "w";
  invalid.values = {0.5};
  invalid.status = "invalid";
  invalid.message = "arch.yaml:3:1: entries: \"0\", too small";
  data.points.push_back(invalid);
  EXPECT_EQ(
      pointsCsv(data, paretoFront(data.points)),
      "id,workload,glb,status,total_cycles,total_energy_pJ,total_edp,pJ_per_mac,unique_layers,failed_layers,"
      "pareto,message\n"
      "w-glb32,w,32,ok,5794,9726940.5,56357893257,2.5,2,0,yes,\n"
      "w-glb0.5,w,0.5,invalid,,,,,,,,\"arch.yaml:3:1: entries: \"\"0\"\", too small\"\n");
}

}  // namespace
}  // namespace cosa
