// End-to-end checks of the `cosa` binary: outputs, exit codes and error messages.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "cli_support.hpp"

namespace {

namespace fs = std::filesystem;

using cosa::test::runCosa;
using cosa::test::runCosaWith;
using cosa::test::RunResult;

const fs::path kCases = fs::path(COSA_TEST_DATA_DIR) / "timeloop-model" / "visible";

std::string caseArgs(const std::string& name) {
  const fs::path dir = kCases / name;
  return "--arch " + (dir / "arch.yaml").string() + " --problem " + (dir / "problem.yaml").string() +
         " --mapping " + (dir / "map.yaml").string();
}

fs::path writeTemp(const std::string& name, const std::string& content) {
  const fs::path path =
      fs::temp_directory_path() / ("cosa_cli_test_" + std::to_string(::getpid()) + "_" + name);
  std::ofstream(path) << content;
  return path;
}

TEST(Cli, EvaluateJsonMatchesReference) {
  const RunResult r = runCosa("evaluate --json " + caseArgs("case-011"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto got = nlohmann::json::parse(r.out);
  std::ifstream in(kCases / "case-011" / "expected.json");
  const auto expected = nlohmann::json::parse(in);
  EXPECT_TRUE(got["valid"].get<bool>());
  EXPECT_EQ(got["cycles"], expected["cycles"]);
  EXPECT_EQ(got["macs"], expected["macs"]);
  EXPECT_NEAR(got["energy_pJ"].get<double>(), expected["energy_pJ"].get<double>(),
              1e-6 * expected["energy_pJ"].get<double>());
  ASSERT_EQ(got["levels"].size(), expected["levels"].size());
  for (std::size_t l = 0; l < got["levels"].size(); ++l)
    for (const auto& [ds, stats] : expected["levels"][l]["dataspaces"].items())
      for (const char* field : {"reads_per_instance", "updates_per_instance", "fills_per_instance",
                                "utilized_capacity", "utilized_instances", "partition_size"})
        EXPECT_EQ(got["levels"][l]["dataspaces"][ds][field], stats[field]) << l << " " << ds << " " << field;
}

TEST(Cli, EvaluateTextSummary) {
  const RunResult r = runCosa("evaluate " + caseArgs("case-024"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("for P in [0:8) (Spatial-X)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Cycles:"), std::string::npos);
  EXPECT_NE(r.out.find("pJ/MAC:"), std::string::npos);
}

TEST(Cli, InvalidMappingExitsOneWithReason) {
  const RunResult r = runCosa("evaluate --json " + caseArgs("case-041"));
  EXPECT_EQ(r.exit_code, 1);
  const auto got = nlohmann::json::parse(r.out);
  EXPECT_FALSE(got["valid"].get<bool>());
  EXPECT_NE(
      got["error"].get<std::string>().find("couldn't map level WeightBuffer: mapped tile size 18432 exceeds "
                                           "buffer capacity 16384"),
      std::string::npos);
  EXPECT_NE(r.err.find("mapped tile size 18432"), std::string::npos);
}

TEST(Cli, FactorProductMismatchIsAnInvalidMapping) {
  const RunResult r = runCosa("evaluate " + caseArgs("case-045"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("product of all factors of dimension Q is 28"), std::string::npos) << r.err;
}

TEST(Cli, MalformedYamlExitsTwoNamingTheFile) {
  const fs::path bad = writeTemp("bad.yaml", "arch:\n  storage: [\n");
  const RunResult r = runCosa("evaluate --arch " + bad.string() + " --problem " +
                              (kCases / "case-001" / "problem.yaml").string() + " --mapping " +
                              (kCases / "case-001" / "map.yaml").string());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(bad.string()), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("malformed YAML"), std::string::npos) << r.err;
  fs::remove(bad);
}

TEST(Cli, UnknownKeyExitsTwoNamingTheField) {
  const fs::path bad = writeTemp("problem.yaml", "problem:\n  shape: cnn-layer\n  C: 4\n  Kay: 3\n");
  const RunResult r =
      runCosa("evaluate --arch " + (kCases / "case-001" / "arch.yaml").string() + " --problem " +
              bad.string() + " --mapping " + (kCases / "case-001" / "map.yaml").string());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(bad.string() + ":4:3"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("Kay"), std::string::npos) << r.err;
  fs::remove(bad);
}

TEST(Cli, MissingFileExitsTwo) {
  const RunResult r = runCosa("evaluate --arch /nonexistent/arch.yaml --problem x --mapping y");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("/nonexistent/arch.yaml"), std::string::npos) << r.err;
}

TEST(Cli, UsageErrorExitsTwo) {
  const RunResult r = runCosa("evaluate --arch");
  EXPECT_EQ(r.exit_code, 2);
}

}  // namespace

namespace {

fs::path writeWorkloadDir(const std::string& name) { return cosa::test::writeSmallWorkloadDir(name); }

using cosa::test::kBypass;
using cosa::test::kSimba;

TEST(Cli, NetworkTotalsLayersAndIsDeterministicAcrossJobs) {
  const fs::path dir = writeWorkloadDir("net");
  const fs::path out1 = dir / "out1", out2 = dir / "out2";
  const std::string common =
      "network --arch " + kSimba + " --mapspace " + kBypass + " --workload " + dir.string();
  const RunResult r1 = runCosa(common + " --jobs 1 --out " + out1.string());
  const RunResult r2 = runCosa(common + " --jobs 2 --out " + out2.string());
  ASSERT_EQ(r1.exit_code, 0) << r1.err;
  ASSERT_EQ(r2.exit_code, 0) << r2.err;
  std::ifstream in1(out1 / "summary.json"), in2(out2 / "summary.json");
  const auto s1 = nlohmann::json::parse(in1), s2 = nlohmann::json::parse(in2);
  EXPECT_EQ(s1["layers"], 3);
  EXPECT_EQ(s1["unique_layers"], 2);
  double cycles = 0;
  for (const auto& layer : s1["per_layer"])
    cycles += layer["count"].get<double>() * layer["cycles"].get<double>();
  EXPECT_DOUBLE_EQ(s1["total_cycles"].get<double>(), cycles);
  ASSERT_EQ(s1["per_layer"].size(), s2["per_layer"].size());
  for (std::size_t i = 0; i < s1["per_layer"].size(); ++i) {
    EXPECT_EQ(s1["per_layer"][i]["cycles"], s2["per_layer"][i]["cycles"]);
    EXPECT_EQ(s1["per_layer"][i]["energy_pJ"], s2["per_layer"][i]["energy_pJ"]);
  }
  EXPECT_TRUE(fs::exists(out1 / "layers" / "a" / "mapping.yaml"));
  EXPECT_TRUE(fs::exists(out1 / "layers" / "b" / "stats.json"));
  // The mapping written is accepted by evaluate with the same cycles.
  const RunResult check =
      runCosa("evaluate --json --arch " + kSimba + " --problem " + (dir / "a.yaml").string() + " --mapping " +
              (out1 / "layers" / "a" / "mapping.yaml").string());
  ASSERT_EQ(check.exit_code, 0) << check.err;
  EXPECT_EQ(nlohmann::json::parse(check.out)["cycles"], s1["per_layer"][0]["cycles"]);
  fs::remove_all(dir);
}

TEST(Cli, CompareWritesResults) {
  const fs::path dir = writeWorkloadDir("cmp");
  const fs::path out = dir / "out";
  const RunResult r = runCosa("compare --arch " + kSimba + " --mapspace " + kBypass + " --workload " +
                              dir.string() + " --mappers cosa --out " + out.string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::ifstream csv(out / "results.csv");
  std::string header, line;
  std::getline(csv, header);
  EXPECT_EQ(header.rfind("network,layer,count,mapper,found,cycles,energy_pJ", 0), 0u) << header;
  int rows = 0;
  while (std::getline(csv, line)) ++rows;
  EXPECT_EQ(rows, 2);  // two unique layers, one mapper
  std::ifstream json_in(out / "results.json");
  const auto results = nlohmann::json::parse(json_in);
  EXPECT_EQ(results["networks"][0]["results"][1]["count"], 2);
  EXPECT_TRUE(fs::exists(out / "summary.md"));
  EXPECT_NE(r.out.find("| cosa | 2/2 |"), std::string::npos) << r.out;
  fs::remove_all(dir);
}

TEST(Cli, InterruptedNetworkWritesWhatIsDoneAndSaysIncomplete) {
  const fs::path out = fs::temp_directory_path() / ("cosa_cli_test_int_" + std::to_string(::getpid()));
  // SIGINT after 2 s: ResNet-50's 24 unique layers take several times longer.
  const RunResult r = runCosaWith("timeout --preserve-status -s INT 2 ",
                                  "network --arch " + kSimba + " --mapspace " + kBypass +
                                      " --network resnet50 --jobs 1 --out " + out.string());
  EXPECT_EQ(r.exit_code, 130) << r.err;
  EXPECT_NE(r.err.find("interrupted"), std::string::npos) << r.err;
  std::ifstream in(out / "summary.json");
  const auto summary = nlohmann::json::parse(in);
  EXPECT_FALSE(summary["complete"].get<bool>());
  int scheduled = 0;
  for (const auto& layer : summary["per_layer"])
    if (layer["found"].get<bool>()) {
      ++scheduled;
      EXPECT_TRUE(fs::exists(out / layer["output"].get<std::string>() / "mapping.yaml"));
    } else {
      // Not started, or stopped mid-way (the layer in progress when SIGINT came).
      const std::string message = layer["message"].get<std::string>();
      EXPECT_TRUE(message == "not run: interrupted" || message.rfind("interrupted: ", 0) == 0)
          << message;
    }
  EXPECT_LT(scheduled, 24);
  EXPECT_NE(r.out.find("Incomplete"), std::string::npos);
  fs::remove_all(out);
}

// A long exhaustive search stops on SIGINT too: compare exits 130 soon after, the run marked
// interrupted, rather than finishing an enumeration of hours first.
TEST(Cli, InterruptedCompareStopsALongSearch) {
  const fs::path out = fs::temp_directory_path() / ("cosa_cli_test_cmpint_" + std::to_string(::getpid()));
  const auto start = std::chrono::steady_clock::now();
  const RunResult r =
      runCosaWith("timeout --preserve-status -s INT 2 ",
                  "compare --arch " + kSimba + " --mapspace " + kBypass +
                      " --network resnet50 --mappers exhaustive --jobs 1 --out " + out.string());
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(r.exit_code, 130) << r.err;
  EXPECT_LT(seconds, 60);  // generous: the first layer's enumeration alone would take hours
  std::ifstream in(out / "results.json");
  const auto results = nlohmann::json::parse(in);
  EXPECT_FALSE(results["complete"].get<bool>());
  const std::string dump = results.dump();
  EXPECT_NE(dump.find("interrupted"), std::string::npos);
  fs::remove_all(out);
}

TEST(Cli, CompareBaselinesAreDeterministicAcrossJobs) {
  const fs::path dir = writeWorkloadDir("cmpjobs");
  const std::string common =
      "compare --arch " + kSimba + " --mapspace " + kBypass + " --workload " + dir.string() +
      " --mappers cosa,random,hybrid,exhaustive --search-size 300 --max-evaluations 2000 "
      "--seed 7";
  const RunResult r1 = runCosa(common + " --jobs 1 --out " + (dir / "o1").string());
  const RunResult r2 = runCosa(common + " --jobs 2 --out " + (dir / "o2").string());
  ASSERT_EQ(r1.exit_code, 0) << r1.err;
  ASSERT_EQ(r2.exit_code, 0) << r2.err;
  std::ifstream a(dir / "o1" / "results.json"), b(dir / "o2" / "results.json");
  const auto j1 = nlohmann::json::parse(a), j2 = nlohmann::json::parse(b);
  const auto& runs1 = j1["networks"][0]["results"];
  const auto& runs2 = j2["networks"][0]["results"];
  ASSERT_EQ(runs1.size(), 8u);  // 2 unique layers x 4 mappers
  for (std::size_t i = 0; i < runs1.size(); ++i) {
    EXPECT_EQ(runs1[i]["mapper"], runs2[i]["mapper"]);
    EXPECT_TRUE(runs1[i]["found"].get<bool>()) << runs1[i].dump();
    EXPECT_EQ(runs1[i]["cycles"], runs2[i]["cycles"]) << runs1[i]["mapper"];
    EXPECT_EQ(runs1[i]["energy_pJ"], runs2[i]["energy_pJ"]) << runs1[i]["mapper"];
    EXPECT_EQ(runs1[i]["samples"], runs2[i]["samples"]) << runs1[i]["mapper"];
    // Every mapping written is one `evaluate` accepts with the same cycles.
    const std::string layer_file = (dir / (runs1[i]["layer"].get<std::string>() + ".yaml")).string();
    const RunResult check =
        runCosa("evaluate --json --arch " + kSimba + " --problem " + layer_file + " --mapping " +
                (dir / "o1" / runs1[i]["mapping_file"].get<std::string>()).string());
    ASSERT_EQ(check.exit_code, 0) << check.err;
    EXPECT_EQ(nlohmann::json::parse(check.out)["cycles"], runs1[i]["cycles"]);
  }
  fs::remove_all(dir);
}

TEST(Cli, UnknownBackendIsRejectedBeforeAnyWork) {
  const fs::path dir = writeWorkloadDir("badbackend");
  const std::string specs = " --arch " + kSimba + " --mapspace " + kBypass;
  for (const std::string& command : {"schedule --problem " + (dir / "a.yaml").string() + specs,
                                     "network --workload " + dir.string() + specs,
                                     "compare --mappers cosa --workload " + dir.string() + specs}) {
    const RunResult r = runCosa(command + " --backend gurobi --out " + (dir / "out").string());
    EXPECT_EQ(r.exit_code, 2) << command;
    EXPECT_NE(r.err.find("unknown MIP solver backend 'gurobi' (known: cbc"), std::string::npos) << r.err;
  }
  EXPECT_FALSE(fs::exists(dir / "out"));
  fs::remove_all(dir);
}

TEST(Cli, NetworkUsesAndRecordsItsSolverSettings) {
  const fs::path dir = writeWorkloadDir("settings");
  const RunResult r =
      runCosa("network --arch " + kSimba + " --mapspace " + kBypass + " --workload " + dir.string() +
              " --gap 0.05 --seed 7 --time-limit 5 --no-polish --out " + (dir / "out").string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::ifstream summary_file(dir / "out" / "summary.json");
  const auto summary = nlohmann::json::parse(summary_file);
  const nlohmann::json expected{{"time_limit_s", 5.0}, {"relative_gap", 0.05}, {"threads", 1},
                                {"seed", 7},           {"polish", false},      {"polish_evaluations", 20000}};
  EXPECT_EQ(summary["settings"], expected);
  std::ifstream stats_file(dir / "out" / "layers" / "a" / "stats.json");
  const auto stats = nlohmann::json::parse(stats_file);
  EXPECT_EQ(stats["solver"]["settings"], expected);
  EXPECT_EQ(stats["solver"]["polish_evaluations"], 0);  // --no-polish was honoured
  fs::remove_all(dir);
}

TEST(Cli, NegativeOrNonFiniteGapAndTimeLimitAreRejected) {
  const fs::path dir = writeWorkloadDir("badnumbers");
  const std::string specs =
      " --arch " + kSimba + " --mapspace " + kBypass + " --out " + (dir / "out").string();
  const std::vector<std::string> commands{"schedule --problem " + (dir / "a.yaml").string() + specs,
                                          "network --workload " + dir.string() + specs};
  for (const std::string& command : commands)
    for (const std::string option : {"--gap -0.1", "--gap nan", "--time-limit -1", "--time-limit inf"}) {
      const RunResult r = runCosa(command + " " + option);
      EXPECT_EQ(r.exit_code, 2) << command << " " << option;
      EXPECT_NE(r.err.find("must be a finite number >= 0"), std::string::npos) << r.err;
      EXPECT_NE(r.err.find(option.substr(0, option.find(' '))), std::string::npos) << r.err;
    }
  const RunResult r =
      runCosa("compare --mappers cosa --workload " + dir.string() + specs + " --time-limit -3");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("must be a finite number >= 0, not '-3'"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir / "out"));
  fs::remove_all(dir);
}

TEST(Cli, ScheduleWritesEveryMipItSolvesEvenWhenInfeasible) {
  const fs::path dir = writeWorkloadDir("writemip");
  const std::string layer = " --arch " + kSimba + " --problem " + (dir / "a.yaml").string();
  const RunResult r =
      runCosa("schedule" + layer + " --mapspace " + kBypass + " --write-mip --out " + (dir / "out").string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::ifstream stats_file(dir / "out" / "stats.json");
  const auto stats = nlohmann::json::parse(stats_file);
  // The default objective (edp) solves its own proxy and the published objective.
  for (const std::string proxy : {"edp", "cosa-paper"}) {
    std::ifstream lp_file(dir / "out" / ("mip." + proxy + ".lp"));
    std::stringstream lp;
    lp << lp_file.rdbuf();
    EXPECT_NE(lp.str().find("Minimize\n"), std::string::npos) << proxy;
    EXPECT_NE(lp.str().find("End\n"), std::string::npos) << proxy;
    if (proxy == stats["solver"]["mip_objective"]) {
      const std::string size =
          fmt::format("\\ cosa MIP model: {} variables, {} rows\n", stats["solver"]["variables"].get<int>(),
                      stats["solver"]["constraints"].get<int>());
      EXPECT_EQ(lp.str().rfind(size, 0), 0u) << lp.str().substr(0, 80);
    }
    EXPECT_TRUE(fs::exists(dir / "out" / ("mip." + proxy + ".mps"))) << proxy;
    EXPECT_NE(r.err.find("wrote " + (dir / "out").string() + "/mip." + proxy + ".{lp,mps}"),
              std::string::npos)
        << r.err;
  }
  // Registers pinned to keep all three data spaces cannot hold them in one word: no schedule, but
  // the MIP is there to inspect.
  std::ofstream(dir / "keep_all.yaml") << "mapspace:\n  constraints:\n  - {target: Registers, type: bypass, "
                                          "keep: [Weights, Inputs, Outputs]}\n";
  const RunResult infeasible =
      runCosa("schedule" + layer + " --mapspace " + (dir / "keep_all.yaml").string() +
              " --objective latency --write-mip --out " + (dir / "bad").string());
  EXPECT_EQ(infeasible.exit_code, 1) << infeasible.err;
  EXPECT_TRUE(fs::exists(dir / "bad" / "mip.latency.lp"));
  EXPECT_FALSE(fs::exists(dir / "bad" / "mapping.yaml"));
  fs::remove_all(dir);
}

TEST(Cli, VersionNamesTheReleaseAndTheSolverBackends) {
  const RunResult r = runCosa("--version");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("cosa ", 0), 0u) << r.out;
  EXPECT_NE(r.out.find("(MIP solver backends: cbc"), std::string::npos) << r.out;
}

TEST(Cli, CompareRejectsUnknownMapper) {
  const fs::path dir = writeWorkloadDir("bad");
  const RunResult r = runCosa("compare --arch " + kSimba + " --workload " + dir.string() +
                              " --mappers magic --out " + (dir / "out").string());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unknown mapper 'magic'"), std::string::npos) << r.err;
  fs::remove_all(dir);
}

}  // namespace
