#include "model/energy.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include "common/error.hpp"
#include "io/timeloop/ert.hpp"
#include "io/yaml/yaml_util.hpp"

namespace cosa {
namespace {

void expectRel(double actual, double expected, double rel = 1e-9) {
  EXPECT_NEAR(actual, expected, std::fabs(expected) * rel) << "expected " << expected;
}

StorageLevel sram(std::string name, std::int64_t entries, std::int64_t instances, int word_bits,
                  int block_size = 1, int cluster_size = 1, int ports = 2, int banks = 2) {
  StorageLevel l;
  l.name = std::move(name);
  l.entries = entries;
  l.instances = instances;
  l.word_bits = word_bits;
  l.block_size = block_size;
  l.cluster_size = cluster_size;
  l.num_ports = ports;
  l.num_banks = banks;
  return l;
}

// CoSA's simba.yaml, as in the reference cases.
Architecture simba() {
  Architecture a;
  a.name = "simba";
  a.arithmetic.instances = 1024;
  a.arithmetic.word_bits = 8;
  a.levels.push_back(sram("Registers", 1, 1024, 8, 1, 64, 2, 8));
  a.levels.push_back(sram("AccumulationBuffer", 64, 128, 24, 1, 8, 2, 2));
  a.levels.push_back(sram("WeightBuffer", 16384, 128, 8, 8, 1, 1, 8));
  a.levels.push_back(sram("InputBuffer", 4096, 16, 8, 8, 1, 2, 1));
  a.levels.push_back(sram("GlobalBuffer", 65536, 1, 8, 8, 1, 2, 256));
  StorageLevel dram;
  dram.name = "DRAM";
  dram.technology = "DRAM";
  dram.word_bits = 8;
  dram.block_size = 64;
  a.levels.push_back(dram);
  return a;
}

Architecture single(const StorageLevel& level, int mac_bits = 16) {
  Architecture a;
  a.arithmetic.word_bits = mac_bits;
  a.levels.push_back(level);
  return a;
}

double only(const Architecture& a) { return builtinEnergyTable(a).levels.at(0).read_pJ; }

TEST(Energy, SimbaMatchesTimeloopReference) {
  // Full-precision vector access energies from the Timeloop 019f107 reference cases.
  const double expected[] = {0.489007537688442, 1.5753768844221103, 7.115577889447236,
                             4.703517587939698, 16.76381909547739,  6400.0};
  const EnergyTable t = builtinEnergyTable(simba());
  ASSERT_EQ(t.levels.size(), 6u);
  for (std::size_t i = 0; i < 6; ++i) {
    SCOPED_TRACE(i);
    expectRel(t.levels[i].read_pJ, expected[i]);
    EXPECT_EQ(t.levels[i].fill_pJ, t.levels[i].read_pJ);
    EXPECT_EQ(t.levels[i].update_pJ, t.levels[i].read_pJ);
  }
  expectRel(t.mac_pJ, 0.25);
}

// Hand-checked SRAM values. The model: width = word_bits*block*cluster, height = ceil(entries/block),
// x = width*height/8192 (KiB), y = 1 + 5/99.5*(x - 0.5), energy = y*width/16/cluster.

TEST(Energy, SramHeightRoundsUpPartialBlocks) {
  // entries 1000, 16-bit words, block 3: height = ceil(1000/3) = 334, width = 48.
  // x = 48*334/8192 = 1.95703125; y = 1 + 5*1.45703125/99.5 = 1.0732176507537687;
  // energy = y*48/16 = 3.2196529522613065.
  expectRel(only(single(sram("B", 1000, 1, 16, 3))), 3.2196529522613065);
}

TEST(Energy, SramLargeBufferBanksAndPortsDoNotMatter) {
  // 128 Ki 8-bit entries, block 8: width 64, height 16384, x = 128 KiB;
  // y = 1 + 5*127.5/99.5 = 7.407035175879397; energy = y*64/16 = 29.628140703517587.
  for (int ports : {1, 2})
    for (int banks : {1, 2, 32})
      expectRel(only(single(sram("B", 131072, 4, 8, 8, 1, ports, banks))), 29.628140703517587);
}

TEST(Energy, SramClusterWidensTheArrayAndSharesTheCost) {
  // entries 256, 16-bit words, block 4, cluster 4: width = 16*4*4 = 256, height = 64,
  // x = 16384/8192 = 2; y = 1 + 5*1.5/99.5 = 1.0753768844221105; cluster energy = y*256/16 =
  // 17.206030150753768; per instance /4 = 4.301507537688442.
  expectRel(only(single(sram("B", 256, 16, 16, 4, 4))), 4.301507537688442);
  // Same without a cluster: width 64, x = 0.5 -> y = 1, energy = 64/16 = 4.
  expectRel(only(single(sram("B", 256, 16, 16, 4, 1))), 4.0);
}

TEST(Energy, SramBelowTheSmallestDataPointExtrapolates) {
  // One 32-bit word: x = 32/8192 = 0.00390625, y = 1 - 5*0.49609375/99.5 = 0.9750706658291457,
  // energy = y*32/16 = 1.9501413316582914.
  expectRel(only(single(sram("R", 1, 1, 32))), 1.9501413316582914);
}

TEST(Energy, SramWithoutCapacityCostsNothing) {
  StorageLevel zero = sram("Z", 0, 1, 8);
  EXPECT_EQ(only(single(zero)), 0.0);
  StorageLevel unbounded = sram("U", 1, 1, 8);
  unbounded.entries.reset();
  EXPECT_EQ(only(single(unbounded)), 0.0);
}

TEST(Energy, DramIsPerBit) {
  // 200 pJ per 16 bits: 16-bit words, block 4 -> 200*64/16 = 800; entries do not matter.
  StorageLevel d;
  d.name = "DRAM";
  d.technology = "DRAM";
  d.word_bits = 16;
  d.block_size = 4;
  expectRel(only(single(d)), 800.0);
  d.entries = 1 << 20;
  expectRel(only(single(d)), 800.0);
  // 32-bit words, block 1: 200*32/16 = 400.
  d.word_bits = 32;
  d.block_size = 1;
  expectRel(only(single(d)), 400.0);
}

TEST(Energy, MacScalesWithSquareOfWordBits) {
  // 1 pJ * (bits/16)^2.
  expectRel(builtinEnergyTable(single(sram("B", 1, 1, 8), 16)).mac_pJ, 1.0);
  expectRel(builtinEnergyTable(single(sram("B", 1, 1, 8), 32)).mac_pJ, 4.0);
  expectRel(builtinEnergyTable(single(sram("B", 1, 1, 8), 4)).mac_pJ, 0.0625);
  Architecture a = single(sram("B", 1, 1, 8), 8);
  a.arithmetic.energy_per_op_pJ = 0.7;
  expectRel(builtinEnergyTable(a).mac_pJ, 0.7);
}

TEST(Energy, RejectsNonPositiveSizes) {
  EXPECT_THROW(builtinEnergyTable(single(sram("B", 16, 1, 8, 0))), InputError);
  EXPECT_THROW(builtinEnergyTable(single(sram("B", 16, 1, 0))), InputError);
}

// ---------------------------------------------------------------------------------------------
// ERT

class Ert : public ::testing::Test {
 protected:
  std::string write(const std::string& text) {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = std::filesystem::temp_directory_path() /
            (std::string("cosa_ert_") + info->name() + "_" + std::to_string(::getpid()) + ".yaml");
    std::ofstream(path_) << text;
    return path_.string();
  }
  void TearDown() override {
    if (!path_.empty()) std::filesystem::remove(path_);
  }
  std::filesystem::path path_;
};

TEST_F(Ert, ListFormatTakesMaxOverArgumentsAndMapsActions) {
  Architecture a = simba();
  a.arithmetic.name = "mac";
  const std::string file = write(R"(
ERT:
  version: 0.3
  tables:
  - name: system.chip.GlobalBuffer
    actions:
    - name: read
      arguments: {data_delta: 0, address_delta: 0}
      energy: 1.5
    - name: read
      arguments: {data_delta: 1, address_delta: 1}
      energy: 20.25
    - name: read
      arguments: {data_delta: 1, address_delta: 0}
      energy: 3.0
    - name: write
      arguments: {data_delta: 1, address_delta: 1}
      energy: 18.0
    - name: idle
      arguments: null
      energy: 0.01
  - name: system.PE[0..15].Registers
    actions:
    - name: random_read
      energy: 0.1
    - name: read
      energy: 9.0
    - name: random_fill
      energy: 0.2
  - name: system.PE[0..15].mac[0..63]
    actions:
    - name: mac_reused
      energy: 2.0
    - name: mac_random
      energy: 0.5
  - name: system.chip.wire
    actions:
    - name: transfer_random
      energy: 3.0
)");
  const EnergyTable builtin = builtinEnergyTable(a);
  const EnergyTable t = loadErt(file, a);
  // GlobalBuffer: read = max of the argument entries, fill and update from `write`.
  EXPECT_DOUBLE_EQ(t.levels[4].read_pJ, 20.25);
  EXPECT_DOUBLE_EQ(t.levels[4].fill_pJ, 18.0);
  EXPECT_DOUBLE_EQ(t.levels[4].update_pJ, 18.0);
  // Registers: random_read beats read; update falls back to random_fill.
  EXPECT_DOUBLE_EQ(t.levels[0].read_pJ, 0.1);
  EXPECT_DOUBLE_EQ(t.levels[0].fill_pJ, 0.2);
  EXPECT_DOUBLE_EQ(t.levels[0].update_pJ, 0.2);
  EXPECT_DOUBLE_EQ(t.mac_pJ, 0.5);
  // Levels the file does not mention keep the built-in values.
  for (int i : {1, 2, 3, 5}) {
    EXPECT_EQ(t.levels[static_cast<std::size_t>(i)].read_pJ,
              builtin.levels[static_cast<std::size_t>(i)].read_pJ);
    EXPECT_EQ(t.levels[static_cast<std::size_t>(i)].fill_pJ,
              builtin.levels[static_cast<std::size_t>(i)].fill_pJ);
  }
}

TEST_F(Ert, MissingOperationsKeepBuiltinAndArithmeticMatchesByName) {
  const Architecture a = simba();  // arithmetic named "MACs"
  const std::string file = write(R"(
ERT:
  version: '0.4'
  tables:
  - name: system.DRAM
    actions:
    - name: read
      arguments: {data_delta: 1, address_delta: 1}
      energy: 512
  - name: system.PE[0..15].mac
    actions:
    - name: mac_random
      energy: 9.0
  - name: system.PE[0..15].MACs
    actions:
    - name: compute
      energy: 0.75
)");
  const EnergyTable t = loadErt(file, a);
  EXPECT_DOUBLE_EQ(t.levels[5].read_pJ, 512.0);
  EXPECT_DOUBLE_EQ(t.levels[5].fill_pJ, 6400.0);
  EXPECT_DOUBLE_EQ(t.levels[5].update_pJ, 6400.0);
  EXPECT_DOUBLE_EQ(t.mac_pJ, 0.75);
}

TEST_F(Ert, Version02MapFormat) {
  const Architecture a = simba();
  const std::string file = write(R"(
ERT:
  version: 0.2
  tables:
    system.chip.InputBuffer:
      read:
      - arguments: {data_delta: 1, address_delta: 1}
        energy: 2.0
      - arguments: {data_delta: 0, address_delta: 1}
        energy: 1.0
      write: {energy: 3.0}
      random_update: {energy: 4.0}
)");
  const EnergyTable t = loadErt(file, a);
  EXPECT_DOUBLE_EQ(t.levels[3].read_pJ, 2.0);
  EXPECT_DOUBLE_EQ(t.levels[3].fill_pJ, 3.0);
  EXPECT_DOUBLE_EQ(t.levels[3].update_pJ, 4.0);
}

TEST_F(Ert, DuplicateTablesMergeByMax) {
  const Architecture a = simba();
  const std::string file = write(R"(
ERT:
  version: 0.3
  tables:
  - name: system.chip.GlobalBuffer
    actions: [{name: read, energy: 5.0}]
  - name: system.chip.GlobalBuffer
    actions: [{name: read, energy: 2.0}]
)");
  EXPECT_DOUBLE_EQ(loadErt(file, a).levels[4].read_pJ, 5.0);
}

void expectInputError(const std::string& path, const Architecture& a, const std::string& needle) {
  try {
    loadErt(path, a);
    ADD_FAILURE() << "expected InputError containing '" << needle << "'";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    EXPECT_EQ(e.where().file, path);
  }
}

TEST_F(Ert, RejectsNegativeEnergy) {
  const std::string file = write(R"(
ERT:
  version: 0.3
  tables:
  - name: system.chip.GlobalBuffer
    actions:
    - name: read
      energy: -1.0
)");
  expectInputError(file, simba(), "negative");
}

TEST_F(Ert, RejectsUnknownKeysAndVersions) {
  const Architecture a = simba();
  expectInputError(write("ERT:\n  version: 0.3\n  tables:\n  - name: x\n    actionz: []\n"), a, "actionz");
  expectInputError(write("ERT:\n  version: 0.9\n  tables: []\n"), a, "version");
  expectInputError(write("ERT:\n  version: 0.3\n  tables: {a: {read: {energy: 1}}}\n"), a, "list");
  expectInputError(write("ERT:\n  version: 0.3\n  tables:\n  - name: x\n    actions:\n    - name: read\n"), a,
                   "energy");
  expectInputError(
      write("ERT:\n  version: 0.3\n  tables:\n  - name: x\n    actions:\n    - {name: read, energy: abc}\n"),
      a, "number");
  expectInputError(write("tables: []\n"), a, "ERT");
  expectInputError(write("ERT: [\n"), a, "YAML");
}

TEST_F(Ert, ParsesAnAlreadyLoadedDocumentLikeTheFile) {
  // parseErt takes a YamlView (what the fuzz target feeds it); loadErt is a thin wrapper.
  const Architecture a = simba();
  const std::string text =
      "ERT:\n  version: 0.3\n  tables:\n  - name: system.DRAM\n    actions: [{name: read, energy: 7}]\n";
  EXPECT_DOUBLE_EQ(parseErt(YamlView::loadString(text, "ert.yaml"), a).levels[5].read_pJ, 7.0);
  EXPECT_DOUBLE_EQ(loadErt(write(text), a).levels[5].read_pJ, 7.0);
  // Found by fuzzing: a mapping as a key used to escape as YAML::TypedBadConversion.
  expectInputError(write("ERT:\n  version: 0.2\n  tables: {? {a: 1} : {read: {energy: 1}}}\n"), a,
                   "plain key");
}

TEST_F(Ert, MissingFileIsAnInputError) {
  EXPECT_THROW(loadErt("/nonexistent/cosa/ert.yaml", simba()), InputError);
}

}  // namespace
}  // namespace cosa
