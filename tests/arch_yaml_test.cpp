#include "io/timeloop/arch_yaml.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "io/timeloop/problem_yaml.hpp"

namespace cosa {
namespace {

const std::string kDir = std::string(COSA_TEST_DATA_DIR) + "/arch/";

struct Expected {
  const char* name;
  const char* technology;
  std::optional<std::int64_t> entries;
  std::int64_t instances;
  int word_bits;
  int block_size;
  int cluster_size;
  int num_ports;
  int num_banks;
  std::optional<double> bandwidth;  // read and write
  std::optional<int> network_word_bits;
  std::int64_t fanout;
};

void expectSimba(const Architecture& a) {
  EXPECT_EQ(a.arithmetic.instances, 1024);
  EXPECT_EQ(a.arithmetic.word_bits, 8);
  EXPECT_FALSE(a.arithmetic.mesh_x);
  EXPECT_FALSE(a.arithmetic.mesh_y);
  EXPECT_FALSE(a.arithmetic.energy_per_op_pJ);
  const Expected expected[] = {
      {"Registers", "SRAM", 1, 1024, 8, 1, 64, 2, 8, std::nullopt, std::nullopt, 1},
      {"AccumulationBuffer", "SRAM", 64, 128, 24, 1, 8, 2, 2, std::nullopt, 16, 8},
      {"WeightBuffer", "SRAM", 16384, 128, 8, 8, 1, 1, 8, std::nullopt, std::nullopt, 1},
      {"InputBuffer", "SRAM", 4096, 16, 8, 8, 1, 2, 1, std::nullopt, std::nullopt, 8},
      {"GlobalBuffer", "SRAM", 65536, 1, 8, 8, 1, 2, 256, std::nullopt, std::nullopt, 16},
      {"DRAM", "DRAM", std::nullopt, 1, 8, 64, 1, 2, 2, 10.0, std::nullopt, 1},
  };
  ASSERT_EQ(a.numLevels(), 6);
  for (int i = 0; i < 6; ++i) {
    const StorageLevel& l = a.levels[i];
    const Expected& e = expected[i];
    SCOPED_TRACE(e.name);
    EXPECT_EQ(l.name, e.name);
    EXPECT_EQ(a.levelIndex(e.name), i);
    EXPECT_EQ(l.technology, e.technology);
    EXPECT_EQ(l.entries, e.entries);
    EXPECT_EQ(l.instances, e.instances);
    EXPECT_EQ(l.word_bits, e.word_bits);
    EXPECT_EQ(l.block_size, e.block_size);
    EXPECT_EQ(l.cluster_size, e.cluster_size);
    EXPECT_EQ(l.num_ports, e.num_ports);
    EXPECT_EQ(l.num_banks, e.num_banks);
    EXPECT_EQ(l.read_bandwidth, e.bandwidth);
    EXPECT_EQ(l.write_bandwidth, e.bandwidth);
    EXPECT_EQ(l.network_word_bits, e.network_word_bits);
    EXPECT_FALSE(l.mesh_x);
    EXPECT_FALSE(l.mesh_y);
    EXPECT_EQ(l.multiple_buffering, 1.0);
    EXPECT_EQ(a.fanout(i), e.fanout);
    EXPECT_EQ(a.fanoutX(i), e.fanout);
    EXPECT_EQ(a.fanoutY(i), 1);
  }
}

TEST(ArchYaml, SimbaFlatForm) {
  const Architecture a = loadArchitecture(kDir + "simba.yaml");
  EXPECT_EQ(a.name, "simba");
  EXPECT_EQ(a.arithmetic.name, "__ARITH__");  // Timeloop's name for an unnamed arithmetic level
  expectSimba(a);
  // Fan-outs named in the brief: GlobalBuffer->InputBuffer 16, InputBuffer->WeightBuffer 8,
  // WeightBuffer->AccumulationBuffer 1, AccumulationBuffer->Registers 8, Registers->MACs 1.
  EXPECT_EQ(a.fanout(a.levelIndex("GlobalBuffer")), 16);
  EXPECT_EQ(a.fanout(a.levelIndex("InputBuffer")), 8);
  EXPECT_EQ(a.fanout(a.levelIndex("WeightBuffer")), 1);
  EXPECT_EQ(a.fanout(a.levelIndex("AccumulationBuffer")), 8);
  EXPECT_EQ(a.fanout(a.levelIndex("Registers")), 1);
}

TEST(ArchYaml, SimbaTreeFormEqualsFlatForm) {
  const Architecture flat = loadArchitecture(kDir + "simba.yaml");
  Architecture tree = loadArchitecture(kDir + "simba_tree.yaml");
  EXPECT_EQ(tree.name, "simba_tree");
  EXPECT_EQ(tree.arithmetic.name, "MACs");
  expectSimba(tree);
  tree.name = flat.name;
  tree.arithmetic.name = flat.arithmetic.name;
  EXPECT_EQ(tree, flat);
}

TEST(ArchYaml, ArchitectureKeyAndDefaults) {
  const Architecture a = parseArchitecture(YamlView::loadString(R"(
architecture:
  name: tiny
  arithmetic: {name: PE, instances: 4, meshX: 2, energy: 0.5}
  storage:
  - {name: Buf, sizeKB: 1, instances: 4, meshX: 2, meshY: 2}
  - {name: Main, technology: DRAM, instances: 1, read_bandwidth: 4, write_bandwidth: 2.5}
)",
                                                                "tiny.yaml"));
  EXPECT_EQ(a.name, "tiny");
  EXPECT_EQ(a.arithmetic.name, "PE");
  EXPECT_EQ(a.arithmetic.word_bits, 16);
  EXPECT_EQ(a.arithmetic.mesh_x, 2);
  EXPECT_EQ(a.arithmetic.energy_per_op_pJ, 0.5);
  const StorageLevel& buf = a.levels[0];
  EXPECT_EQ(buf.entries, 512);  // 1 KB of 16-bit words
  EXPECT_EQ(buf.word_bits, 16);
  EXPECT_EQ(buf.block_size, 1);
  EXPECT_EQ(buf.cluster_size, 1);
  EXPECT_EQ(buf.num_ports, 2);
  EXPECT_EQ(buf.num_banks, 2);
  EXPECT_EQ(buf.technology, "SRAM");
  EXPECT_FALSE(buf.read_bandwidth);
  EXPECT_EQ(buf.mesh_x, 2);
  EXPECT_EQ(buf.mesh_y, 2);
  const StorageLevel& main = a.levels[1];
  EXPECT_EQ(main.technology, "DRAM");
  EXPECT_FALSE(main.entries);
  EXPECT_EQ(main.read_bandwidth, 4.0);
  EXPECT_EQ(main.write_bandwidth, 2.5);
  EXPECT_EQ(a.fanout(1), 4);
  EXPECT_EQ(a.fanoutX(1), 2);
  EXPECT_EQ(a.fanoutY(1), 2);
}

TEST(ArchYaml, WidthDerivesBlockAndClusterSize) {
  const Architecture a = parseArchitecture(YamlView::loadString(R"(
arch:
  arithmetic: {instances: 16, word-bits: 8}
  storage:
  - {name: A, depth: 4, width: 128, word-bits: 8, cluster-size: 16, instances: 16}
  - {name: B, depth: 100, width: 256, word_width: 8, block-size: 16, instances: 8}
  - {name: C, memory_depth: 10, memory_width: 64, word-bits: 8, multiple-buffering: 2, instances: 1}
  - {name: D, technology: DRAM, instances: 1, bandwidth: 8, read_bandwidth: 6}
)",
                                                                "width.yaml"));
  EXPECT_EQ(a.levels[0].block_size, 1);
  EXPECT_EQ(a.levels[0].cluster_size, 16);
  EXPECT_EQ(a.levels[0].entries, 4);
  EXPECT_EQ(a.levels[1].block_size, 16);
  EXPECT_EQ(a.levels[1].cluster_size, 2);
  EXPECT_EQ(a.levels[1].entries, 1600);  // depth counts blocks
  EXPECT_EQ(a.levels[2].block_size, 8);
  EXPECT_EQ(a.levels[2].cluster_size, 1);
  EXPECT_EQ(a.levels[2].entries, 80);
  EXPECT_EQ(a.levels[2].multiple_buffering, 2.0);
  EXPECT_EQ(a.levels[3].read_bandwidth, 6.0);  // explicit read bandwidth overrides half the shared one
  EXPECT_EQ(a.levels[3].write_bandwidth, 4.0);
}

TEST(ArchYaml, TreeFormSingleLocalListOrdersInnermostFirst) {
  // As in Timeloop's sample-accelergy.yaml: one subtree whose local list runs outermost first;
  // the compute component may sit anywhere in it.
  const Architecture a = parseArchitecture(YamlView::loadString(R"(
architecture:
  version: 0.2
  subtree:
  - name: system
    local:
    - {name: DRAM, class: DRAM, attributes: {word-bits: 8, block-size: 64}}
    - {name: Shared, class: smartbuffer_SRAM, attributes: {entries: 256, word-bits: 8}}
    - {name: 'MAC[0..15]', class: intmac, attributes: {meshX: 4, word-bits: 8}}
    - {name: 'Regs[0..15]', class: regfile, attributes: {entries: 2, word-bits: 8, meshX: 4}}
)",
                                                                "sample.yaml"));
  ASSERT_EQ(a.numLevels(), 3);
  EXPECT_EQ(a.levels[0].name, "Regs");
  EXPECT_EQ(a.levels[0].instances, 16);
  EXPECT_EQ(a.levels[0].mesh_x, 4);
  EXPECT_EQ(a.levels[1].name, "Shared");
  EXPECT_EQ(a.levels[2].name, "DRAM");
  EXPECT_EQ(a.levels[2].technology, "DRAM");
  EXPECT_EQ(a.arithmetic.name, "MAC");
  EXPECT_EQ(a.arithmetic.instances, 16);
  EXPECT_EQ(a.fanout(1), 16);
  EXPECT_EQ(a.fanoutX(1), 4);
  EXPECT_EQ(a.fanoutY(1), 4);
}

// Every reference case's arch.yaml and problem.yaml read as Timeloop resolved them.
TEST(ArchYaml, ReferenceCasesMatchTimeloopSpecs) {
  const std::filesystem::path root = std::filesystem::path(COSA_TEST_DATA_DIR) / "timeloop-model" / "visible";
  int checked = 0;
  for (const auto& entry : std::filesystem::directory_iterator(root)) {
    if (!entry.is_directory()) continue;
    SCOPED_TRACE(entry.path().string());
    std::ifstream in(entry.path() / "expected.json");
    const nlohmann::json expected = nlohmann::json::parse(in);
    const Architecture arch = loadArchitecture((entry.path() / "arch.yaml").string());
    const Workload problem = loadProblem((entry.path() / "problem.yaml").string());
    for (const auto& [key, value] : expected["case"]["problem"].items()) {
      const int dim = problem.dimIndex(key);
      EXPECT_EQ(dim >= 0 ? problem.bounds[dim] : problem.coefficient(key), value.get<std::int64_t>()) << key;
    }
    ++checked;
    if (!expected.value("valid", false)) continue;
    EXPECT_EQ(arch.arithmetic.name, expected["arithmetic"]["name"].get<std::string>());
    EXPECT_EQ(arch.arithmetic.instances, expected["arithmetic"]["instances"].get<std::int64_t>());
    ASSERT_EQ(arch.numLevels(), static_cast<int>(expected["levels"].size()));
    for (int i = 0; i < arch.numLevels(); ++i) {
      const auto& e = expected["levels"][i];
      const StorageLevel& l = arch.levels[i];
      EXPECT_EQ(l.name, e["name"].get<std::string>());
      EXPECT_EQ(l.technology, e["technology"].get<std::string>());
      EXPECT_EQ(l.entries.has_value(), !e["size_entries"].is_null());
      if (l.entries && !e["size_entries"].is_null()) {
        EXPECT_EQ(*l.entries, e["size_entries"].get<std::int64_t>());
      }
      EXPECT_EQ(l.word_bits, e["word_bits"].get<int>());
      EXPECT_EQ(l.block_size, e["block_size"].get<int>());
      EXPECT_EQ(l.cluster_size, e["cluster_size"].get<int>());
      EXPECT_EQ(l.instances, e["instances"].get<std::int64_t>());
      EXPECT_EQ(arch.fanout(i), e["fanout_to_child"].get<std::int64_t>());
      EXPECT_EQ(l.read_bandwidth.has_value(), !e["read_bandwidth"].is_null());
      if (l.read_bandwidth && !e["read_bandwidth"].is_null()) {
        EXPECT_EQ(*l.read_bandwidth, e["read_bandwidth"].get<double>());
      }
      if (l.write_bandwidth && !e["write_bandwidth"].is_null()) {
        EXPECT_EQ(*l.write_bandwidth, e["write_bandwidth"].get<double>());
      }
    }
  }
  EXPECT_GE(checked, 45);
}

// Bad input: the message names the file, the field and the reason.
struct BadArch {
  const char* yaml;
  const char* field;
  const char* reason;
};

class ArchYamlBad : public ::testing::TestWithParam<BadArch> {};

TEST_P(ArchYamlBad, Rejected) {
  const BadArch& c = GetParam();
  try {
    parseArchitecture(YamlView::loadString(c.yaml, "bad_arch.yaml"));
    FAIL() << "accepted: " << c.yaml;
  } catch (const InputError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("bad_arch.yaml:"), std::string::npos) << what;
    EXPECT_NE(what.find(c.field), std::string::npos) << what;
    EXPECT_NE(what.find(c.reason), std::string::npos) << what;
  }
}

#define FLAT(storage) "arch:\n  arithmetic: {instances: 16}\n  storage:\n" storage
#define TREE(local) "architecture:\n  version: 0.3\n  subtree:\n  - name: top\n    local:\n" local

INSTANTIATE_TEST_SUITE_P(
    ArchYaml, ArchYamlBad,
    ::testing::Values(
        BadArch{FLAT("  - {name: A, entries: -1, instances: 16}\n"), "arch.storage[0].entries",
                "must be >= 0"},
        BadArch{FLAT("  - {name: A, depth: -2, instances: 16}\n"), "arch.storage[0].depth", "must be >= 0"},
        BadArch{FLAT("  - {name: A, entries: 4, instances: -4}\n"), "arch.storage[0].instances",
                "must be >= 1"},
        BadArch{FLAT("  - {name: A, entries: 4, instances: 16}\n  - {name: B, entries: 4, instances: 3}\n"),
                "arch.storage[1].instances",
                "instances 3 of 'B' do not divide the 16 instances of its child 'A'"},
        BadArch{FLAT("  - {name: A, entries: 4, instances: 5}\n"), "arch.storage[0].instances",
                "do not divide the 16 instances of its child '__ARITH__'"},
        BadArch{FLAT("  []\n"), "arch", "no storage levels"},
        BadArch{FLAT("  - {name: A, entries: 4, instances: 16}\n  - {name: A, entries: 4, instances: 1}\n"),
                "arch.storage[1].name", "duplicate level name 'A'"},
        BadArch{"arch:\n  storage: []\n", "arch", "missing required key 'arithmetic'"},
        BadArch{FLAT("  - {name: A, entries: 4, instances: 16, num-ports: 3}\n"), "arch.storage[0].num-ports",
                "must be 1 or 2"},
        BadArch{FLAT("  - {name: A, technology: DRAM, instances: 1, bandwidth: 0}\n"),
                "arch.storage[0].bandwidth", "must be > 0"},
        BadArch{FLAT("  - {name: A, instances: 16}\n"), "arch.storage[0]", "needs a size"},
        BadArch{FLAT("  - {name: A, entries: 4, instances: 16, word-bits: 8, datawidth: 16}\n"),
                "arch.storage[0].datawidth", "conflicts with 'word-bits'"},
        BadArch{FLAT("  - {name: A, depth: 4, width: 12, word-bits: 8, instances: 16}\n"),
                "arch.storage[0].width", "is not a multiple of word-bits 8"},
        BadArch{FLAT("  - {name: A, entries: 4, instances: 16, meshX: 5}\n"), "arch.storage[0].instances",
                "meshX 5 does not divide instances 16"},
        BadArch{FLAT("  - {name: A, technology: DRAM, instances: 1, cluster-size: 4}\n"),
                "arch.storage[0].cluster-size", "cluster-size 1"},
        BadArch{FLAT("  - {name: A, entries: 4, instances: 16, energy-per-hop: 1}\n"),
                "arch.storage[0].energy-per-hop", "not supported"},
        BadArch{FLAT("  - {name: A, entries: 4}\n"), "arch.storage[0]",
                "instances (or meshX and meshY) must be given"},
        BadArch{"arch:\n  arithmetic: {instances: 0}\n  storage: []\n", "arch.arithmetic.instances",
                "must be >= 1"},
        BadArch{"layer: {}\n", "", "the architecture (an 'arch' or 'architecture' section) not found"},
        BadArch{"architecture:\n  version: 0.5\n  nodes: []\n", "architecture.version",
                "unsupported version '0.5'"},
        BadArch{"architecture:\n  version: 0.4\n  nodes: []\n", "architecture",
                "no components in the architecture"},
        BadArch{"architecture:\n  subtree: []\n", "architecture", "needs 'version: 0.2' or 'version: 0.3'"},
        BadArch{TREE("    - {name: B, class: SRAM, attributes: {entries: 4}}\n"), "architecture",
                "no compute component"},
        BadArch{TREE("    - {name: 'B[0..x]', class: SRAM, attributes: {entries: 4}}\n"),
                "architecture.subtree[0].local[0].name", "malformed replicated name 'B[0..x]'"},
        BadArch{TREE("    - {name: 'M[0..3]', class: mac}\n    - {name: 'B[0..2]', class: SRAM, attributes: "
                     "{entries: "
                     "4}}\n"),
                "architecture.subtree[0].local[1].name", "do not divide the 4 instances of its child 'M'"},
        BadArch{"architecture:\n  version: 0.3\n  subtree:\n  - {name: a}\n  - {name: b}\n",
                "architecture.subtree", "only one subtree per level"},
        // Found by fuzzing (docs/hardening.md): each used to escape as another exception type or
        // to overflow a signed 64-bit product.
        BadArch{"arch:\n  ? [a, b]\n  : 1\n", "arch", "expected a plain key"},
        BadArch{FLAT("  - {name: A, entries: 4, meshX: 4294967296, meshY: 4294967296}\n"), "arch.storage[0]",
                "meshX x meshY (4294967296 x 4294967296) is too large"},
        BadArch{"arch:\n  arithmetic: {instances: 33554432}\n  storage:\n  - {name: A, entries: 4, "
                "instances: 1}\n",
                "arch.arithmetic.instances", "33554432 instances exceed the supported maximum of 16777216"},
        BadArch{
            FLAT("  - {name: A, entries: 4, instances: 16, word-bits: 2147483647, block-size: 2147483647, "
                 "cluster-size: 2147483647, width: 4611686014132420609}\n"),
            "arch.storage[0].width", "does not equal word-bits"},
        BadArch{FLAT("  - {name: A, depth: 9223372036854775807, block-size: 2, instances: 16}\n"),
                "arch.storage[0].depth", "depth x block-size (9223372036854775807 x 2) is too large"},
        BadArch{FLAT("  - {name: A, sizeKB: 1e300, instances: 16}\n"), "arch.storage[0].sizeKB",
                "sizeKB 1e300 is too large"},
        BadArch{"architecture:\n  version: 0.3\n  subtree:\n  - name: 'a[0..999999999999999]'\n    subtree:\n"
                "    - name: 'b[0..999999999999999]'\n      local:\n      - {name: M, class: mac}\n",
                "architecture.subtree[0].subtree[0].name",
                "replication (1000000000000000 x 1000000000000000)"}));

TEST(ArchYaml, FileErrorsNameTheFileAndLine) {
  try {
    loadArchitecture(kDir + "does_not_exist.yaml");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("does_not_exist.yaml"), std::string::npos);
  }
  try {
    parseArchitecture(
        YamlView::loadString(FLAT("  - name: A\n    entries: -1\n    instances: 16\n"), "x.yaml"));
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().file, "x.yaml");
    EXPECT_EQ(e.where().line, 5);
    EXPECT_EQ(e.field(), "arch.storage[0].entries");
  }
}

}  // namespace
}  // namespace cosa
