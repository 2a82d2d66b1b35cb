// CBC against GLPK on the scheduler's real MIPs: solved to optimality, both must reach the same
// objective (each lies within the gap tolerance of the true optimum). Then `--backend glpk` end to
// end: schedule, network and compare write outputs that evaluate accepts and that name the backend.
// Skipped when cosa is built without GLPK (COSA_WITH_GLPK=OFF).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli_support.hpp"
#include "io/network/network_yaml.hpp"
#include "io/timeloop/arch_yaml.hpp"
#include "io/timeloop/constraints_yaml.hpp"
#include "mappers/cosa_formulation.hpp"
#include "solver/mip.hpp"
#include "test_support.hpp"
#include "workload/network.hpp"

namespace cosa {
namespace {

namespace fs = std::filesystem;
using test::kBypass;
using test::kSimba;
using test::runCosa;
using test::RunResult;

const std::string kData = COSA_DATA_DIR;

class BackendCrossCheck : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::vector<std::string> names = solver::backendNames();
    if (std::find(names.begin(), names.end(), "glpk") == names.end())
      GTEST_SKIP() << "built without GLPK (COSA_WITH_GLPK=OFF)";
  }
};

nlohmann::json readJson(const fs::path& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in);
}

// The solution satisfies every bound and row of the model (to 1e-6, relative to the size of the
// values and terms) and its objective is the one reported.
void expectConsistent(const solver::Model& model, const solver::Solution& s, const std::string& what) {
  ASSERT_EQ(s.values.size(), static_cast<std::size_t>(model.numVariables())) << what;
  auto tolerance = [](double v) { return 1e-6 * std::max(1.0, std::abs(v)); };
  for (int j = 0; j < model.numVariables(); ++j) {
    const solver::Variable& v = model.variables()[j];
    EXPECT_GE(s.values[j], v.lower - tolerance(v.lower)) << what << ": " << v.name;
    EXPECT_LE(s.values[j], v.upper + tolerance(v.upper)) << what << ": " << v.name;
    if (v.type != solver::VarType::Continuous) {
      EXPECT_EQ(s.values[j], std::round(s.values[j])) << v.name;
    }
  }
  for (const solver::Row& row : model.rows()) {
    // Solvers' feasibility tolerances are relative to the size of the terms, not of their sum.
    double activity = 0, magnitude = 0;
    for (const solver::Term& t : row.terms) {
      activity += t.coef * s.values[t.var];
      magnitude += std::abs(t.coef * s.values[t.var]);
    }
    if (row.lower > -solver::kInfinity) {
      EXPECT_GE(activity, row.lower - tolerance(std::max(magnitude, std::abs(row.lower))))
          << what << ": " << row.name;
    }
    if (row.upper < solver::kInfinity) {
      EXPECT_LE(activity, row.upper + tolerance(std::max(magnitude, std::abs(row.upper))))
          << what << ": " << row.name;
    }
  }
  double objective = model.objectiveConstant();
  for (const solver::Term& t : model.objective()) objective += t.coef * s.values[t.var];
  EXPECT_NEAR(objective, s.objective, tolerance(s.objective)) << what;
}

TEST_F(BackendCrossCheck, SchedulerMipsHaveTheSameOptimumOnBothBackends) {
  const Architecture arch = loadArchitecture(kData + "/arch/simba.yaml");
  const std::vector<NetworkLayer> layers = uniqueLayers(builtinNetwork("resnet50"));
  // conv1 (7x7, stride 2), a 1x1 of the first stage, strided 3x3s at 28x28 and 14x14, a strided 1x1
  // projection, the last 3x3 and the fully connected layer: every kind of shape ResNet-50 has. (Some
  // other 3x3 layers take GLPK over 30 s to prove optimal to 1e-6, against CBC's 2 s.)
  const std::vector<std::size_t> picks = {0, 1, 6, 8, 12, layers.size() - 2, layers.size() - 1};
  // 1e-4: the EDP formulation's reuse runs make proving 1e-6 take GLPK minutes on some layers.
  const double gap = 1e-4;
  solver::SolveOptions options;
  options.relative_gap = gap;
  options.time_limit_s = 120;  // generous: the machine may be busy; both normally take well under 1 s
  const auto cbc = solver::makeBackend("cbc");
  const auto glpk = solver::makeBackend("glpk");
  for (std::size_t index : picks) {
    ASSERT_LT(index, layers.size());
    const NetworkLayer& layer = layers[index];
    const Constraints constraints =
        loadConstraints(kData + "/mapspace/simba_bypass.yaml", arch, layer.workload);
    for (ScheduleObjective objective : {ScheduleObjective::Edp, ScheduleObjective::CosaPaper}) {
      const std::string what = layer.name + " / " + toString(objective);
      const CosaFormulation formulation(arch, layer.workload, constraints, objective);
      const solver::Solution a = cbc->solve(formulation.model(), options);
      const solver::Solution b = glpk->solve(formulation.model(), options);
      ASSERT_EQ(a.status, solver::Status::Optimal) << what << ": cbc: " << a.message;
      ASSERT_EQ(b.status, solver::Status::Optimal) << what << ": glpk: " << b.message;
      // opt <= objective <= opt + gap * |objective| for each, so they differ by at most that.
      const double scale = std::max({std::abs(a.objective), std::abs(b.objective), 1.0});
      EXPECT_NEAR(a.objective, b.objective, gap * scale + 1e-7) << what;
      // Each backend's bound holds for the other's incumbent.
      EXPECT_LE(a.bound, b.objective + 1e-7 * scale) << what;
      EXPECT_LE(b.bound, a.objective + 1e-7 * scale) << what;
      expectConsistent(formulation.model(), a, what + " (cbc)");
      expectConsistent(formulation.model(), b, what + " (glpk)");
    }
  }
}

TEST_F(BackendCrossCheck, ScheduleWithGlpkWritesAMappingEvaluateAccepts) {
  const std::string out = test::scratchDir("glpk-conv1");
  const std::string problem = kData + "/problems/resnet50_conv1.yaml";
  const RunResult r = runCosa("schedule --backend glpk --arch " + kSimba + " --problem " + problem +
                              " --mapspace " + kBypass + " --out " + out);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("solver glpk optimal"), std::string::npos) << r.out;
  const nlohmann::json stats = readJson(fs::path(out) / "stats.json");
  EXPECT_EQ(stats["solver"]["backend"], "glpk");
  EXPECT_EQ(stats["solver"]["status"], "optimal");
  const RunResult check = runCosa("evaluate --json --arch " + kSimba + " --problem " + problem +
                                  " --mapping " + out + "/mapping.yaml");
  ASSERT_EQ(check.exit_code, 0) << check.err;
  const nlohmann::json evaluation = nlohmann::json::parse(check.out);
  EXPECT_EQ(evaluation["valid"], true);
  EXPECT_EQ(evaluation["cycles"], stats["cycles"]);
  fs::remove_all(out);
}

TEST_F(BackendCrossCheck, NetworkAndCompareRecordTheBackend) {
  const fs::path dir = test::writeSmallWorkloadDir("glpk_backend");
  const std::string specs = " --arch " + kSimba + " --mapspace " + kBypass + " --workload " + dir.string();
  const RunResult network =
      runCosa("network --backend GLPK --jobs 2" + specs + " --out " + (dir / "net").string());
  ASSERT_EQ(network.exit_code, 0) << network.err;
  const nlohmann::json summary = readJson(dir / "net" / "summary.json");
  EXPECT_EQ(summary["backend"], "glpk");  // the canonical name
  EXPECT_EQ(summary["failed_layers"], 0);
  EXPECT_NE(network.out.find("solver glpk"), std::string::npos) << network.out;
  EXPECT_EQ(readJson(dir / "net" / "layers" / "a" / "stats.json")["solver"]["backend"], "glpk");

  const RunResult compare =
      runCosa("compare --backend glpk --mappers cosa" + specs + " --out " + (dir / "cmp").string());
  ASSERT_EQ(compare.exit_code, 0) << compare.err;
  const nlohmann::json results = readJson(dir / "cmp" / "results.json");
  for (const auto& run : results["networks"][0]["results"]) {
    EXPECT_EQ(run["solver_backend"], "glpk");
    ASSERT_EQ(run["found"], true);
    EXPECT_EQ(readJson(dir / "cmp" / run["stats_file"].get<std::string>())["solver"]["backend"], "glpk");
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace cosa
