// Timeloop v0.4 specifications (timeloopfe): the four example designs of
// timeloop-accelergy-exercises (tests/data/v04/README.md), in their v0.4 user form and as
// timeloopfe's processed output, against Timeloop 019f107's numbers and their v0.3 forms; and the
// reader's handling of expressions, merge keys, templates and errors.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <functional>
#include <string>
#include <tuple>
#include <vector>

#include "cli_support.hpp"
#include "io/timeloop/arch_v04.hpp"
#include "io/timeloop/arch_yaml.hpp"
#include "io/timeloop/constraints_yaml.hpp"
#include "io/timeloop/ert.hpp"
#include "io/timeloop/mapping_yaml.hpp"
#include "io/timeloop/problem_yaml.hpp"
#include "model/energy.hpp"
#include "model/evaluator.hpp"

namespace cosa {
namespace {

const std::string kDir = std::string(COSA_TEST_DATA_DIR) + "/v04/";

std::string design(const std::string& name, const std::string& file) { return kDir + name + "/" + file; }

struct Reference {
  const char* design;
  std::int64_t cycles;
  double energy_pJ;
};

// timeloop-model 019f107 on each design's parsed-processed-input.yaml converted to its input
// (version 0.3, data-spaces, read-write, architecture_constraints and `mapping: []` removed, ERT
// version 0.3) with the design's timeloop-mapper.map.yaml (type bypass) and ERT: the summary's
// "Energy: ... uJ" (2 decimals) and cycles. docs/timeloop-v04.md.
const std::vector<Reference> kTimeloop019f107 = {{"simple_weight_stationary", 903168, 154.28e6},
                                                 {"simple_output_stationary", 677376, 119.08e6},
                                                 {"eyeriss_like", 86016, 60.76e6},
                                                 {"simba_like", 225792, 241.51e6}};

Evaluation evaluateDesign(const std::string& name, const std::string& arch_file) {
  const Architecture arch = loadArchitecture(design(name, arch_file));
  const Workload workload = loadProblem(kDir + "default_problem.yaml");
  const EnergyTable energy = loadErt(design(name, "timeloop-mapper.ERT.yaml"), arch);
  const Mapping mapping = loadMapping(design(name, "timeloop-mapper.map.yaml"), arch, workload);
  return Evaluator(arch, workload, energy).evaluate(mapping);
}

TEST(TimeloopV04, ReferenceMappingsMatchTimeloop019f107FromBothForms) {
  for (const Reference& ref : kTimeloop019f107) {
    for (const char* file : {"arch.yaml", "parsed-processed-input.yaml"}) {
      SCOPED_TRACE(fmt::format("{} / {}", ref.design, file));
      const Evaluation e = evaluateDesign(ref.design, file);
      ASSERT_TRUE(e.valid) << e.error;
      EXPECT_EQ(e.cycles, ref.cycles);
      EXPECT_NEAR(e.energy_pJ, ref.energy_pJ, ref.energy_pJ * 1e-3);  // within 0.1%
      EXPECT_NEAR(e.energy_pJ, ref.energy_pJ, 0.005e6);               // and to the printed 2 decimals
    }
  }
}

// Constraints in a fixed order (timeloopfe writes a node's constraints in the order they were
// written, and bypass lists in set order).
Constraints canonical(Constraints c) {
  for (LevelConstraint& item : c.items) {
    std::sort(item.keep.begin(), item.keep.end());
    std::sort(item.bypass.begin(), item.bypass.end());
  }
  std::sort(c.items.begin(), c.items.end(), [](const LevelConstraint& a, const LevelConstraint& b) {
    return std::tie(a.level, a.kind) < std::tie(b.level, b.kind);
  });
  return c;
}

TEST(TimeloopV04, ProcessedFileIsArchProblemAndConstraintsAtOnce) {
  for (const Reference& ref : kTimeloop019f107) {
    SCOPED_TRACE(ref.design);
    const std::string processed = design(ref.design, "parsed-processed-input.yaml");
    const Architecture from_processed = loadArchitecture(processed);
    Architecture from_user = loadArchitecture(design(ref.design, "arch.yaml"));
    from_user.name = from_processed.name;  // both named after their files
    EXPECT_EQ(from_user, from_processed);
    const Workload workload = loadProblem(processed);
    Workload user_problem = loadProblem(kDir + "default_problem.yaml");
    user_problem.name = workload.name;
    EXPECT_EQ(workload, user_problem);
    // The constraints written inside the v0.4 tree are the ones timeloopfe wrote out.
    EXPECT_EQ(canonical(loadConstraints(design(ref.design, "arch.yaml"), from_user, workload)),
              canonical(loadConstraints(processed, from_processed, workload)));
  }
}

TEST(TimeloopV04, DummyLevelsAndMeshesAsTimeloopfeNamesThem) {
  const Architecture eyeriss = loadArchitecture(design("eyeriss_like", "arch.yaml"));
  std::vector<std::string> names;
  for (const StorageLevel& l : eyeriss.levels) names.push_back(fmt::format("{}x{}", l.name, l.instances));
  // Innermost first; !Parallel branches become consecutive levels in the order written.
  EXPECT_THAT(names, ::testing::ElementsAre("psum_spadx168", "weights_spadx168", "ifmap_spadx168",
                                            "inter_PE_spatialx14", "inter_PE_column_spatialx1",
                                            "shared_glbx1", "DRAMx1"));
  const StorageLevel& dummy = eyeriss.levels[3];
  EXPECT_EQ(dummy.entries, 1);
  EXPECT_EQ(dummy.word_bits, 1);
  EXPECT_EQ(dummy.mesh_x, 14);
  EXPECT_EQ(eyeriss.fanout(3), 12);  // PE: meshY 12
  EXPECT_EQ(eyeriss.fanoutX(3), 1);
  EXPECT_EQ(eyeriss.fanout(4), 14);  // PE_column: meshX 14
  EXPECT_EQ(eyeriss.fanoutX(4), 14);
  EXPECT_EQ(eyeriss.arithmetic.instances, 168);
  // simba_like: the System container's datawidth 8 reaches every component that does not set one.
  const Architecture simba = loadArchitecture(design("simba_like", "arch.yaml"));
  EXPECT_EQ(simba.levels[simba.levelIndex("PEAccuBuffer")].word_bits, 24);
  EXPECT_EQ(simba.arithmetic.word_bits, 8);
}

// --- v0.3 against v0.4 ---------------------------------------------------------------------------

// The v0.3 form (commit 1c8dd19) with the keys Timeloop ignores and cosa's v0.3 reader may not
// (subclass, nports, update_fifo_depth) taken out, so the comparison does not depend on how unknown
// keys are treated.
Architecture loadV03(const std::string& name) {
  YamlView root = YamlView::loadFile(design(name, "v03/arch.yaml"));
  std::function<void(YAML::Node)> strip = [&](YAML::Node node) {
    if (node.IsMap()) {
      for (const char* key : {"subclass", "nports", "update_fifo_depth"}) node.remove(key);
      for (auto entry : node) strip(entry.second);
    } else if (node.IsSequence()) {
      for (auto element : node) strip(element);
    }
  };
  strip(root.node());
  return parseArchitecture(root);
}

// Every difference between the two forms, level by level (by name; the dummy levels timeloopfe
// adds and levels only one form has are listed as such).
std::vector<std::string> differences(const Architecture& v03, const Architecture& v04) {
  std::vector<std::string> out;
  for (const StorageLevel& a : v03.levels)
    if (v04.levelIndex(a.name) < 0) out.push_back("only in v0.3: " + a.name);
  for (const StorageLevel& b : v04.levels) {
    const int i = v03.levelIndex(b.name);
    if (i < 0) {
      out.push_back("only in v0.4: " + b.name);
      continue;
    }
    const StorageLevel& a = v03.levels[i];
    auto field = [&](const char* what, const auto& x, const auto& y) {
      if (!(x == y)) out.push_back(fmt::format("{}.{}: {} vs {}", a.name, what, x, y));
    };
    auto optional = [](const auto& v) { return v ? fmt::format("{}", *v) : std::string("-"); };
    field("technology", a.technology, b.technology);
    field("entries", optional(a.entries), optional(b.entries));
    field("instances", a.instances, b.instances);
    field("word_bits", a.word_bits, b.word_bits);
    field("block_size", a.block_size, b.block_size);
    field("cluster_size", a.cluster_size, b.cluster_size);
    field("num_banks", a.num_banks, b.num_banks);
    field("read_bandwidth", optional(a.read_bandwidth), optional(b.read_bandwidth));
    field("write_bandwidth", optional(a.write_bandwidth), optional(b.write_bandwidth));
    // No meshX means all instances on X.
    field("mesh_x", a.mesh_x.value_or(a.instances), b.mesh_x.value_or(b.instances));
  }
  if (!(v03.arithmetic.instances == v04.arithmetic.instances))
    out.push_back(
        fmt::format("arithmetic.instances: {} vs {}", v03.arithmetic.instances, v04.arithmetic.instances));
  if (!(v03.arithmetic.word_bits == v04.arithmetic.word_bits))
    out.push_back(
        fmt::format("arithmetic.word_bits: {} vs {}", v03.arithmetic.word_bits, v04.arithmetic.word_bits));
  return out;
}

TEST(TimeloopV04, SameDesignsInV03AndV04Forms) {
  const auto diff = [](const std::string& name) {
    return differences(loadV03(name), loadArchitecture(design(name, "arch.yaml")));
  };
  // The simple designs are the same but for the dummy level that carries the PE array's fan-out
  // (in v0.3 the fan-out hangs off shared_glb directly).
  EXPECT_THAT(diff("simple_weight_stationary"), ::testing::ElementsAre("only in v0.4: inter_PE_spatial"));
  EXPECT_THAT(diff("simple_output_stationary"), ::testing::ElementsAre("only in v0.4: inter_PE_spatial"));
  // eyeriss_like: the v0.4 design is 8-bit (datawidth 8: twice the words in the same bits, twice
  // the words per 64-bit access) where the v0.3 one is 16-bit; v0.3's DummyBuffer[0..13] (a 16-word
  // regfile that carried the column fan-out) became the two dummy levels.
  EXPECT_THAT(
      diff("eyeriss_like"),
      ::testing::ElementsAre("only in v0.3: DummyBuffer", "weights_spad.entries: 192 vs 384",
                             "weights_spad.word_bits: 16 vs 8", "weights_spad.block_size: 1 vs 2",
                             "ifmap_spad.entries: 12 vs 24", "ifmap_spad.word_bits: 16 vs 8",
                             "ifmap_spad.block_size: 1 vs 2", "only in v0.4: inter_PE_spatial",
                             "only in v0.4: inter_PE_column_spatial", "shared_glb.entries: 65536 vs 131072",
                             "shared_glb.word_bits: 16 vs 8", "shared_glb.block_size: 4 vs 8",
                             "DRAM.word_bits: 16 vs 8", "DRAM.block_size: 4 vs 8"));
  // simba_like: the same levels plus three dummies, except PEWeightRegs: v0.4 writes `cluster_size:
  // 64` (with an underscore), which Timeloop 019f107 does not read (it reads `cluster-size`), so
  // its 512-bit width makes 64-word blocks instead of 64 one-word clusters.
  EXPECT_THAT(diff("simba_like"),
              ::testing::ElementsAre(
                  "PEWeightRegs.entries: 1 vs 64", "PEWeightRegs.block_size: 1 vs 64",
                  "PEWeightRegs.cluster_size: 64 vs 1", "only in v0.4: inter_reg_mac_spatial",
                  "only in v0.4: inter_distributed_buffers_spatial", "only in v0.4: inter_PE_spatial"));
}

// --- expressions, anchors, errors --------------------------------------------------------------

TEST(TimeloopV04, VariablesExpressionsAndMergeKeys) {
  const std::string file = kDir + "expressions_and_anchors.yaml";
  const Architecture arch = loadArchitecture(file);
  ASSERT_EQ(arch.numLevels(), 4);
  const StorageLevel& dram = arch.levels[3];
  EXPECT_EQ(dram.technology, "DRAM");
  EXPECT_EQ(dram.block_size, 4);  // width_bits = word * 4 = 64 (the container's), datawidth 16
  const StorageLevel& glb = arch.levels[2];
  EXPECT_EQ(glb.word_bits, 16);   // datawidth: word, through `<<: *buf`
  EXPECT_EQ(glb.num_banks, 2);    // n_banks through `<<: *buf`
  EXPECT_EQ(glb.block_size, 4);   // width 64 / 16
  EXPECT_EQ(glb.entries, 32768);  // depth = 64 * 1024 * 8 // 64 = 8192 rows of 4 words
  EXPECT_EQ(arch.levels[1].name, "inter_PE_spatial");
  EXPECT_EQ(arch.fanout(1), 8);  // meshX pe_rows = 4, meshY 2 ** 1
  EXPECT_EQ(arch.fanoutX(1), 4);
  const StorageLevel& spad = arch.levels[0];
  EXPECT_EQ(spad.entries, 16);  // "max(16, 2 * 4)"
  EXPECT_EQ(spad.instances, 8);
  EXPECT_EQ(arch.arithmetic.instances, 8);

  const Workload workload = loadProblem(kDir + "default_problem.yaml");
  const Constraints c = canonical(loadConstraints(file, arch, workload));
  auto dims = [&](const std::vector<int>& list) {
    std::string out;
    for (int d : list) out += workload.dimensions[d];
    return out;
  };
  // spad: `<<<: *cons` adds keep [Weights] and merges temporal factors [R=1] into the temporal
  // map that also sets a permutation; the optimizer puts R (factor 1) and N (bound 1) innermost.
  const LevelConstraint* temporal = nullptr;
  const LevelConstraint* spatial = nullptr;
  const LevelConstraint* bypass = nullptr;
  for (const LevelConstraint& item : c.items) {
    if (item.level == 0 && item.kind == ConstraintKind::Temporal) temporal = &item;
    if (item.level == 0 && item.kind == ConstraintKind::Bypass) bypass = &item;
    if (item.level == 1 && item.kind == ConstraintKind::Spatial) spatial = &item;
  }
  ASSERT_TRUE(temporal && spatial && bypass);
  EXPECT_EQ(dims(temporal->permutation), "NRPQ");
  EXPECT_EQ(temporal->factors, (std::vector<std::pair<int, std::int64_t>>{{workload.dimIndex("R"), 1}}));
  EXPECT_EQ(bypass->keep, std::vector<int>{workload.dataSpaceIndex("Weights")});
  // The container's spatial constraints ("CM" as a string) went to its dummy level.
  EXPECT_EQ(dims(spatial->permutation), "NSRCM");
}

// The InputError `text` gives, as "file:line:col: field: reason" (what the CLI prints).
std::string errorOf(const std::string& text, const std::function<void(const YamlView&)>& read) {
  try {
    read(YamlView::loadString(text, "spec.yaml"));
  } catch (const InputError& e) {
    return fmt::format("{}: {}: {}", describe(e.where()), e.field(), e.reason());
  }
  return "no error";
}
std::string archError(const std::string& text) {
  return errorOf(text, [](const YamlView& root) { parseArchitecture(root); });
}

const std::string kHead =
    "architecture:\n  version: 0.4\n  nodes:\n  - !Component {name: DRAM, class: DRAM, attributes: "
    "{width: 64, datawidth: 16}}\n";
const std::string kMac = "  - !Component {name: mac, class: intmac}\n";

TEST(TimeloopV04, ErrorsNameFileLineAndReason) {
  EXPECT_EQ(
      archError(kHead +
                "  - !Component\n    name: buf\n    class: SRAM\n    attributes:\n      depth: 10 / 0\n"
                "      width: 16\n      datawidth: 16\n" +
                kMac),
      "spec.yaml:9:14: architecture.nodes[1].attributes.depth: cannot evaluate '10 / 0': division by zero");
  EXPECT_EQ(
      archError("variables: {rows: 12}\n" + kHead + "  - !Container {name: PE, spatial: {meshX: cols}}\n" +
                kMac),
      "spec.yaml:6:44: architecture.nodes[1].spatial.meshX: cannot evaluate 'cols': unknown name 'cols'");
  EXPECT_EQ(
      archError(kHead + "  - !Box {name: b}\n" + kMac),
      "spec.yaml:5:5: architecture.nodes[1]: unknown tag '!Box' (a v0.4 architecture node needs one of the "
      "tags !Container, !Component, !Parallel, !Hierarchical, !Nothing)");
  EXPECT_EQ(
      archError(kHead + kMac +
                "  - !Component {name: r, class: regfile, attributes: {depth: 1, width: 16}}\n"),
      "spec.yaml:2:3: architecture: the last component of a v0.4 architecture must be a compute component "
      "(class mac, intmac, fpmac or compute)");
  EXPECT_THAT(archError(kHead +
                        "  - !Component {name: r, class: regfile, attributes: {depth: 4, width: 16, "
                        "datawidth: 16, compression_supported: true}}\n" +
                        kMac),
              ::testing::HasSubstr("attribute 'compression_supported' = true is not supported by cosa"));
  EXPECT_THAT(archError("sparse_optimizations: {version: 0.4, targets: [{target: DRAM}]}\n" + kHead + kMac),
              ::testing::HasSubstr("sparse optimizations are not supported by cosa"));
  // Jinja templates: named at their line, with what to do instead.
  EXPECT_EQ(
      archError(kHead + "  - !Component {name: b, class: SRAM, attributes: {depth: {{depth}}}}\n" + kMac),
      "spec.yaml:5:59: : '{{' looks like a Jinja template, which cosa does not render; render it with "
      "timeloopfe first, or pass the parsed-processed-input.yaml it writes");
  EXPECT_EQ(archError("{% include 'x.yaml' %}\n"),
            "spec.yaml:1:1: : '{%' looks like a Jinja template, which cosa does not render; render it with "
            "timeloopfe first, or pass the parsed-processed-input.yaml it writes");
  // Densities (sparse workloads).
  EXPECT_THAT(errorOf("problem:\n  version: 0.4\n  instance: {C: 2, densities: {Inputs: 0.5}}\n  shape: "
                      "{name: x, dimensions: [C], data_spaces: [{name: A, projection: [[[C]]]}]}\n",
                      [](const YamlView& root) { parseProblem(root); }),
              ::testing::HasSubstr("densities (sparse workloads) are not supported by cosa"));
}

TEST(TimeloopV04, ParallelBranchesKeepEachDataSpaceOnce) {
  const Workload workload = loadProblem(kDir + "default_problem.yaml");
  auto constraintsError = [&](const std::string& branches) {
    return errorOf(kHead + "  - !Parallel\n    nodes:\n" + branches + kMac,
                   [&](const YamlView& root) { parseConstraints(root, parseArchitecture(root), workload); });
  };
  auto reg = [](const char* name, const char* keep) {
    return fmt::format(
        "    - !Component {{name: {}, class: regfile, attributes: {{depth: 4, width: 16, datawidth: 16}}, "
        "constraints: {{dataspace: {{keep: [{}]}}}}}}\n",
        name, keep);
  };
  EXPECT_EQ(
      constraintsError(reg("a", "Weights, Inputs") + reg("b", "Inputs, Outputs")),
      "spec.yaml:5:5: architecture.nodes[1]: data space 'Inputs' is kept in two branches of this !Parallel "
      "(each data space may be kept in one branch only)");
  EXPECT_THAT(constraintsError(reg("a", "Weights") + reg("b", "Outputs")),
              ::testing::HasSubstr("no branch of this !Parallel keeps data space 'Inputs'"));
  // A !Nothing branch keeps a data space without a level: every real branch bypasses it.
  EXPECT_EQ(constraintsError(reg("a", "Weights") + reg("b", "Outputs") +
                             "    - !Nothing {constraints: {dataspace: {keep: [Inputs]}}}\n"),
            "no error");
  EXPECT_THAT(
      errorOf(kHead +
                  "  - !Component {name: b, class: SRAM, attributes: {depth: 4, width: 16, datawidth: "
                  "16}, constraints: {temporal: {maximize_dims: [[C, M]]}}}\n" +
                  kMac,
              [&](const YamlView& root) { parseConstraints(root, parseArchitecture(root), workload); }),
      ::testing::HasSubstr("'maximize_dims' is not supported by cosa"));
}

// The CLI: the processed file as architecture, problem and mapspace at once; schedule with an ERT.
TEST(TimeloopV04, CliTakesTheProcessedFileForEverything) {
  const std::string processed = design("eyeriss_like", "parsed-processed-input.yaml");
  const auto evaluated =
      test::runCosa(fmt::format("evaluate --arch {0} --problem {0} --mapping {1} --ert {2} --json", processed,
                                design("eyeriss_like", "timeloop-mapper.map.yaml"),
                                design("eyeriss_like", "timeloop-mapper.ERT.yaml")));
  ASSERT_EQ(evaluated.exit_code, 0) << evaluated.err;
  EXPECT_THAT(evaluated.out, ::testing::HasSubstr("\"cycles\": 86016"));
  const std::string out = ::testing::TempDir() + "v04_schedule";
  const auto scheduled =
      test::runCosa(fmt::format("schedule --arch {0} --problem {0} --mapspace {0} --ert {1} --out {2}",
                                processed, design("eyeriss_like", "timeloop-mapper.ERT.yaml"), out));
  ASSERT_EQ(scheduled.exit_code, 0) << scheduled.err;
  // Scored with the same ERT, the schedule's EDP is no worse than the reference mapping's
  // (86,016 cycles x 60.76 uJ).
  const Architecture arch = loadArchitecture(processed);
  const Workload workload = loadProblem(processed);
  const Evaluation e =
      Evaluator(arch, workload, loadErt(design("eyeriss_like", "timeloop-mapper.ERT.yaml"), arch))
          .evaluate(loadMapping(out + "/mapping.yaml", arch, workload));
  ASSERT_TRUE(e.valid) << e.error;
  EXPECT_LE(static_cast<double>(e.cycles) * e.energy_pJ, 86016 * 60.76e6);

  // A Jinja template: exit 2, the file and line named.
  const std::string jinja = ::testing::TempDir() + "v04_jinja.yaml";
  std::ofstream(jinja) << "architecture:\n  version: 0.4\n  nodes: {{ nodes }}\n";
  const auto rejected = test::runCosa(fmt::format("evaluate --arch {0} --problem {0} --mapping {0}", jinja));
  EXPECT_EQ(rejected.exit_code, 2);
  EXPECT_THAT(rejected.err, ::testing::HasSubstr(jinja + ":3:10"));
  EXPECT_THAT(rejected.err, ::testing::HasSubstr("looks like a Jinja template"));
}

TEST(TimeloopV04, TopLevelConstraintsFile) {
  const Architecture arch = loadArchitecture(design("simple_weight_stationary", "arch.yaml"));
  const Workload workload = loadProblem(kDir + "default_problem.yaml");
  const Constraints c = parseConstraints(
      YamlView::loadString(
          "constraints:\n  version: 0.4\n  targets:\n"
          "  - {target: pe_spad, type: dataspace, keep_only: [Weights]}\n"
          "  - {target: shared_glb, type: temporal, factors: [C=1, M=0], permutation: [M, P]}\n",
          "constraints.yaml"),
      arch, workload);
  ASSERT_EQ(c.items.size(), 2u);
  EXPECT_EQ(c.items[0].level, arch.levelIndex("pe_spad"));
  EXPECT_EQ(c.items[0].keep, std::vector<int>{workload.dataSpaceIndex("Weights")});
  EXPECT_EQ(c.items[0].bypass.size(), 2u);  // keep_only: every other data space is bypassed
  EXPECT_EQ(c.items[1].level, arch.levelIndex("shared_glb"));
  // M=0 is the whole dimension (32), as in Timeloop.
  EXPECT_EQ(c.items[1].factors, (std::vector<std::pair<int, std::int64_t>>{{workload.dimIndex("C"), 1},
                                                                           {workload.dimIndex("M"), 32}}));
  EXPECT_EQ(c.items[1].permutation, (std::vector<int>{workload.dimIndex("M"), workload.dimIndex("P")}));
}

}  // namespace
}  // namespace cosa
