// End-to-end checks of the `cosa` binary: outputs, exit codes and error messages.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace {

namespace fs = std::filesystem;

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

RunResult runCosa(const std::string& args) {
  const fs::path err_file = fs::temp_directory_path() / ("cosa_cli_test_err_" + std::to_string(::getpid()));
  const std::string command = std::string(COSA_BINARY) + " " + args + " 2>" + err_file.string();
  RunResult result;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  std::array<char, 4096> buffer{};
  std::size_t n = 0;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) result.out.append(buffer.data(), n);
  const int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream err(err_file);
  std::stringstream text;
  text << err.rdbuf();
  result.err = text.str();
  fs::remove(err_file);
  return result;
}

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
