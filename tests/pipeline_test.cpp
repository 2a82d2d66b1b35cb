// The one pipeline: every command runs any registered mapper through the same driver, takes a
// network file for --network, and uses an ERT given among its input files.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "cli_support.hpp"

namespace {

namespace fs = std::filesystem;

using cosa::test::kBypass;
using cosa::test::kSimba;
using cosa::test::runCosa;
using cosa::test::RunResult;

nlohmann::json readJson(const fs::path& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in);
}

const std::string kSpecs = " --arch " + kSimba + " --mapspace " + kBypass;

// network --mapper NAME schedules every layer with that mapper, and gives the same layers as
// compare --mappers NAME with the same seed (both run the one driver).
TEST(Pipeline, NetworkRunsEverySearchMapperAsCompareDoes) {
  const fs::path dir = cosa::test::writeSmallWorkloadDir("pipeline_mappers");
  for (const std::string mapper : {"random", "hybrid"}) {
    const std::string flags =
        " --seed 3 --search-size 300 --victory-condition 50 --hybrid-sampling fanout-valid --random-valid 3";
    const RunResult net = runCosa("network --workload " + dir.string() + kSpecs + " --mapper " + mapper +
                                  flags + " --out " + (dir / ("net-" + mapper)).string());
    ASSERT_EQ(net.exit_code, 0) << net.err;
    const auto summary = readJson(dir / ("net-" + mapper) / "summary.json");
    EXPECT_EQ(summary["mapper"], mapper);
    ASSERT_EQ(summary["per_layer"].size(), 2u);  // b and c are one shape
    EXPECT_EQ(summary["per_layer"][1]["count"], 2);

    const RunResult cmp = runCosa("compare --workload " + dir.string() + kSpecs + " --mappers " + mapper +
                                  flags + " --out " + (dir / ("cmp-" + mapper)).string());
    ASSERT_EQ(cmp.exit_code, 0) << cmp.err;
    const auto results = readJson(dir / ("cmp-" + mapper) / "results.json");
    const auto& runs = results["networks"][0]["results"];
    ASSERT_EQ(runs.size(), 2u);
    std::int64_t total = 0;
    for (std::size_t i = 0; i < 2; ++i) {
      const auto& layer = summary["per_layer"][i];
      ASSERT_TRUE(layer["found"].get<bool>()) << mapper << " " << layer;
      EXPECT_EQ(layer["solver_status"], mapper);  // a search mapper has no solver
      EXPECT_EQ(layer["cycles"], runs[i]["cycles"]) << mapper << " layer " << i;
      EXPECT_DOUBLE_EQ(layer["energy_pJ"].get<double>(), runs[i]["energy_pJ"].get<double>());
      total += layer["count"].get<std::int64_t>() * layer["cycles"].get<std::int64_t>();
      const auto stats =
          readJson(dir / ("net-" + mapper) / layer["output"].get<std::string>() / "stats.json");
      EXPECT_EQ(stats["mapper"], mapper);
      EXPECT_EQ(stats["cycles"], layer["cycles"]);
      EXPECT_GT(stats["samples"].get<std::int64_t>(), 0);
      EXPECT_TRUE(fs::exists(dir / ("net-" + mapper) / layer["output"].get<std::string>() / "mapping.yaml"));
    }
    EXPECT_EQ(summary["total_cycles"], total);
  }
  fs::remove_all(dir);
}

// schedule --mapper exhaustive finds the same optimum as compare's exhaustive run, and no cosa
// schedule is better than it in cycles (the exhaustive mapper's metric is delay first).
TEST(Pipeline, ScheduleRunsTheExhaustiveMapper) {
  const fs::path dir = cosa::test::writeSmallWorkloadDir("pipeline_exhaustive");
  std::ofstream(dir / "tiny.yaml")
      << "problem: {shape: cnn-layer, R: 1, S: 1, P: 4, Q: 2, C: 4, K: 8, N: 1}\n";
  const RunResult ex = runCosa("schedule --problem " + (dir / "tiny.yaml").string() + kSpecs +
                               " --mapper exhaustive --out " + (dir / "ex").string());
  ASSERT_EQ(ex.exit_code, 0) << ex.err;
  EXPECT_NE(ex.out.find("mapper exhaustive:"), std::string::npos) << ex.out;
  const auto stats = readJson(dir / "ex" / "stats.json");
  EXPECT_EQ(stats["mapper"], "exhaustive");
  const RunResult cosa = runCosa("schedule --problem " + (dir / "tiny.yaml").string() + kSpecs + " --out " +
                                 (dir / "cosa").string());
  ASSERT_EQ(cosa.exit_code, 0) << cosa.err;
  const auto cosa_stats = readJson(dir / "cosa" / "stats.json");
  EXPECT_LE(stats["cycles"].get<std::int64_t>(), cosa_stats["cycles"].get<std::int64_t>());
  EXPECT_TRUE(cosa_stats.contains("solver"));
  EXPECT_FALSE(stats.contains("solver"));
  fs::remove_all(dir);
}

TEST(Pipeline, UnknownMapperIsABadInput) {
  const fs::path dir = cosa::test::writeSmallWorkloadDir("pipeline_unknown");
  const RunResult r = runCosa("network --workload " + dir.string() + kSpecs + " --mapper annealing --out " +
                              (dir / "o").string());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unknown mapper 'annealing' (expected one of: cosa, exhaustive, hybrid, random)"),
            std::string::npos)
      << r.err;
  EXPECT_FALSE(fs::exists(dir / "o"));
  fs::remove_all(dir);
}

// --network takes a network file in the bundled format: a copy of a bundled network gives the
// bundled network's layers; a bad file is an error naming the file and line.
TEST(Pipeline, NetworkTakesANetworkFile) {
  const fs::path dir = cosa::test::writeSmallWorkloadDir("pipeline_netfile");
  const fs::path copy = dir / "my_alexnet.yaml";
  fs::copy_file(fs::path(COSA_TEST_DATA_DIR) / "../../data/networks/alexnet.yaml", copy);
  const std::string flags = kSpecs + " --mapper random --random-valid 1 --seed 1";
  const RunResult by_path =
      runCosa("network --network " + copy.string() + flags + " --out " + (dir / "p").string());
  ASSERT_EQ(by_path.exit_code, 0) << by_path.err;
  const RunResult by_name = runCosa("network --network alexnet" + flags + " --out " + (dir / "n").string());
  ASSERT_EQ(by_name.exit_code, 0) << by_name.err;
  const auto a = readJson(dir / "p" / "summary.json");
  const auto b = readJson(dir / "n" / "summary.json");
  EXPECT_EQ(a["network"], "alexnet");
  EXPECT_EQ(a["layers"], 8);
  EXPECT_EQ(a["total_cycles"], b["total_cycles"]);

  std::ofstream(dir / "bad.yaml")
      << "network: bad\nlayers:\n  - {name: x, R: 3, S: 3, P: 0, Q: 4, C: 2, K: 2, N: 1}\n";
  const RunResult bad =
      runCosa("network --network " + (dir / "bad.yaml").string() + flags + " --out " + (dir / "b").string());
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find((dir / "bad.yaml").string() + ":3:"), std::string::npos) << bad.err;
  const RunResult missing =
      runCosa("network --network " + (dir / "none.yaml").string() + flags + " --out " + (dir / "m").string());
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("none.yaml"), std::string::npos) << missing.err;
  fs::remove_all(dir);
}

// An `ERT` section among the input files replaces the built-in energies in schedule, network and
// compare, as it does in evaluate (and in Timeloop): the same energy as with --ert.
TEST(Pipeline, AnErtAmongTheInputsIsUsedByEveryCommand) {
  const fs::path dir = cosa::test::writeSmallWorkloadDir("pipeline_ert");
  const fs::path ert = dir / "ert.yaml";
  std::ofstream(ert) << "ERT:\n  version: '0.4'\n  tables:\n"
                        "    - name: system.DRAM\n      actions:\n"
                        "        - {name: read, energy: 1000000.0}\n        - {name: write, energy: 1000000.0}\n";
  const std::string problem = " --problem " + (dir / "a.yaml").string();
  const auto energyOf = [&](const std::string& command, const std::string& energy_flags,
                            const std::string& out, const std::string& file) {
    const RunResult r = runCosa(command + energy_flags + " --mapspace " + kBypass + " --seed 0 --out " +
                                (dir / out).string());
    EXPECT_EQ(r.exit_code, 0) << command << energy_flags << "\n" << r.err;
    const auto json = readJson(dir / out / file);
    return file == "results.json"
               ? json["networks"][0]["results"][0]["energy_pJ"].get<double>()
               : json[file == "stats.json" ? "energy_pJ" : "total_energy_pJ"].get<double>();
  };
  for (const auto& [command, file] : std::vector<std::pair<std::string, std::string>>{
           {"schedule" + problem, "stats.json"},
           {"network --workload " + dir.string(), "summary.json"},
           {"compare --mappers cosa --workload " + dir.string(), "results.json"}}) {
    const std::string name = command.substr(0, command.find(' '));
    const double builtin = energyOf(command, " --arch " + kSimba, name + "-builtin", file);
    const double flag =
        energyOf(command, " --arch " + kSimba + " --ert " + ert.string(), name + "-flag", file);
    const double among = energyOf(command, " --arch " + kSimba + " " + ert.string(), name + "-among", file);
    EXPECT_DOUBLE_EQ(among, flag) << name;
    EXPECT_GT(flag, builtin * 1.5) << name;  // DRAM at 1 uJ an access dominates
  }
  fs::remove_all(dir);
}

}  // namespace
