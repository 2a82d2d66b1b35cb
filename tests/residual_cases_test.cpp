// Residual (imperfect) factors: every visible case of tests/data/residual must give what
// timeloop-model 019f107 reported (ref.json), residual mappings round-trip through the YAML writer,
// and nonsense residuals are refused with clear messages.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "io/timeloop/arch_yaml.hpp"
#include "io/timeloop/mapping_yaml.hpp"
#include "io/timeloop/problem_yaml.hpp"
#include "model/evaluator.hpp"
#include "test_support.hpp"

namespace cosa {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using ::testing::HasSubstr;

const fs::path kCases = fs::path(COSA_TEST_DATA_DIR) / "residual";

std::vector<std::string> caseNames() {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(kCases))
    if (entry.is_directory()) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

struct Case {
  Architecture arch;
  Workload workload;
  Mapping mapping;
};

Case loadCase(const std::string& name) {
  const fs::path dir = kCases / name;
  Case c{loadArchitecture((dir / "arch.yaml").string()), loadProblem((dir / "problem.yaml").string()), {}};
  c.mapping = loadMapping((dir / "map.yaml").string(), c.arch, c.workload);
  return c;
}

class ResidualCase : public ::testing::TestWithParam<std::string> {};

TEST_P(ResidualCase, MatchesTimeloop) {
  const json expected = test::readJson(kCases / GetParam() / "ref.json");
  const Case c = loadCase(GetParam());
  Evaluator evaluator(c.arch, c.workload);
  const Evaluation result = evaluator.evaluate(c.mapping);
  ASSERT_TRUE(result.valid) << result.error;
  EXPECT_EQ(result.cycles, expected["cycles"].get<std::int64_t>());
  EXPECT_EQ(result.computes, expected["computes"].get<std::int64_t>());
  EXPECT_EQ(result.macs, expected["exact_macs"].get<std::int64_t>());
  const double energy_uJ = result.energy_pJ / 1e6;
  const double expected_uJ = expected["energy_uJ"].get<double>();
  EXPECT_LE(std::abs(energy_uJ - expected_uJ) / expected_uJ, 1e-6) << energy_uJ << " vs " << expected_uJ;

  const json& levels = expected["levels"];
  for (int l = 0; l < c.arch.numLevels(); ++l) {
    const std::string& level = c.arch.levels[l].name;
    for (int ds = 0; ds < c.workload.numDataSpaces(); ++ds) {
      const std::string& space = c.workload.data_spaces[ds].name;
      SCOPED_TRACE(level + " " + space);
      const DataSpaceStats& s = result.levels[l].data_spaces[ds];
      const bool listed = levels.contains(level) && levels[level].contains(space);
      EXPECT_EQ(s.kept, listed);
      if (!listed) continue;
      const json& want = levels[level][space];
      EXPECT_EQ(s.reads, want["reads"].get<std::int64_t>());
      EXPECT_EQ(s.fills, want["fills"].get<std::int64_t>());
      EXPECT_EQ(s.updates, want["updates"].get<std::int64_t>());
      EXPECT_EQ(s.utilized_capacity, want["utilized_capacity"].get<std::int64_t>());
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Visible, ResidualCase, ::testing::ValuesIn(caseNames()),
                         [](const auto& info) { return info.param; });

TEST(Residual, MappingsRoundTrip) {
  for (const std::string& name : caseNames()) {
    SCOPED_TRACE(name);
    const Case c = loadCase(name);
    const std::string text = mappingToYaml(c.mapping, c.arch, c.workload);
    const Mapping again = parseMapping(YamlView::loadString(text, "roundtrip.yaml"), c.arch, c.workload);
    EXPECT_EQ(again, c.mapping);
    EXPECT_EQ(mappingToYaml(again, c.arch, c.workload), text);
    EXPECT_EQ(again.hasResiduals(), name.rfind("control_", 0) != 0);
  }
}

TEST(Residual, WrittenInTimeloopSyntax) {
  const Case c = loadCase("sws_fc_spatial_M1000");
  const std::string text = mappingToYaml(c.mapping, c.arch, c.workload);
  EXPECT_THAT(text, HasSubstr("factors: C=16 M=16,8 R=1 S=1 N=1 P=1 Q=1"));
  EXPECT_THAT(text, HasSubstr("factors: C=32 M=63 R=1"));
  // A perfect factor written as `M16,16` reads as a perfect mapping and is written as today.
  const Case control = loadCase("control_eyeriss_fc");
  EXPECT_FALSE(control.mapping.hasResiduals());
  EXPECT_THAT(mappingToYaml(control.mapping, control.arch, control.workload),
              ::testing::Not(::testing::ContainsRegex("factors: [^\\n]*,")));
}

// The Eyeriss-like design with the FC layer's C cut to 16; `dram_c` is the DRAM level's C factor.
std::string mappingWithDramC(const std::string& dram_c) {
  std::ifstream in(kCases / "eyeriss_fc_dram_C" / "map.yaml");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string from = "factors: C256,200 ";
  text.replace(text.find(from), from.size(), "factors: " + dram_c + " ");
  return text;
}

std::string parseError(const std::string& text, bool* product_error = nullptr) {
  const Architecture arch = loadArchitecture((kCases / "eyeriss_fc_dram_C" / "arch.yaml").string());
  Workload workload = loadProblem((kCases / "eyeriss_fc_dram_C" / "problem.yaml").string());
  workload.bounds[workload.dimIndex("C")] = 16;  // C8 at weights_spad, the rest at DRAM
  try {
    parseMapping(YamlView::loadString(text, "map.yaml"), arch, workload);
  } catch (const MappingError& e) {
    if (product_error) *product_error = true;
    return e.what();
  } catch (const InputError& e) {
    if (product_error) *product_error = false;
    return e.what();
  }
  return "";
}

TEST(Residual, RefusesNonsense) {
  bool product = true;
  // Timeloop 019f107 evaluates both silently.
  EXPECT_EQ(
      parseError(mappingWithDramC("C4,6"), &product),
      "map.yaml:76:12: mapping[13].factors: residual 6 of C4,6 in 'C4,6 M1 R1 S1 N1 P1 Q1' must be between 1 "
      "and the factor 4");
  EXPECT_FALSE(product);
  EXPECT_EQ(
      parseError(mappingWithDramC("C4,0"), &product),
      "map.yaml:76:12: mapping[13].factors: residual 0 of C4,0 in 'C4,0 M1 R1 S1 N1 P1 Q1' must be between 1 "
      "and the factor 4");
  EXPECT_FALSE(product);
  // C: 0*4 + 3 - 1 = 2 at DRAM, then 2*8 + 8 - 1 = 23 at weights_spad: 24, not 16.
  EXPECT_EQ(parseError(mappingWithDramC("C4,3"), &product),
            "map.yaml:2:1: mapping: product of all factors of dimension C is 24, which is not equal to the "
            "dimension "
            "size of the workload 16.");
  EXPECT_TRUE(product);
  // C2,1 at DRAM: 0*2 + 0 = 0, then 0*8 + 7 = 7: 8.
  EXPECT_THAT(parseError(mappingWithDramC("C2,1")), HasSubstr("dimension C is 8, which is not equal"));
  EXPECT_EQ(parseError(mappingWithDramC("C2,2")), "");
  EXPECT_EQ(parseError(mappingWithDramC("C2")), "");
}

TEST(Residual, EvaluatorChecksResidualsOfBuiltMappings) {
  Case c = loadCase("sws_fc_spatial_M1000");
  Evaluator evaluator(c.arch, c.workload);
  const int glb = c.arch.levelIndex("shared_glb");
  const int m = c.workload.dimIndex("M");
  c.mapping.levels[glb].spatial_residual[m] = 0;
  Evaluation result = evaluator.evaluate(c.mapping);
  EXPECT_FALSE(result.valid);
  EXPECT_EQ(result.error, "level shared_glb: residual 0 of the spatial factor M16 must be between 1 and 16");
  c.mapping.levels[glb].spatial_residual[m] = 9;
  result = evaluator.evaluate(c.mapping);
  EXPECT_FALSE(result.valid);
  EXPECT_EQ(result.error,
            "product of all factors of dimension M is 1001, which is not equal to the dimension size of the "
            "workload 1000.");
}

// The walk that evaluates residual mappings, run on perfect mappings, must give what the closed
// form gives: every count, cycles and energy, on every valid Timeloop reference case and every
// timeloop-mapper mapping of the four exercise designs.
void expectSameEvaluation(const Evaluation& walk, const Evaluation& closed) {
  ASSERT_EQ(walk.valid, closed.valid) << walk.error << " / " << closed.error;
  EXPECT_EQ(walk.cycles, closed.cycles);
  EXPECT_EQ(walk.compute_cycles, closed.compute_cycles);
  EXPECT_EQ(walk.computes, closed.computes);
  EXPECT_NEAR(walk.energy_pJ, closed.energy_pJ, 1e-9 * closed.energy_pJ);
  ASSERT_EQ(walk.levels.size(), closed.levels.size());
  for (std::size_t l = 0; l < walk.levels.size(); ++l)
    for (std::size_t ds = 0; ds < walk.levels[l].data_spaces.size(); ++ds) {
      SCOPED_TRACE(walk.levels[l].name + " data space " + std::to_string(ds));
      const DataSpaceStats& a = walk.levels[l].data_spaces[ds];
      const DataSpaceStats& b = closed.levels[l].data_spaces[ds];
      EXPECT_EQ(a.kept, b.kept);
      EXPECT_EQ(a.reads, b.reads);
      EXPECT_EQ(a.fills, b.fills);
      EXPECT_EQ(a.updates, b.updates);
      EXPECT_EQ(a.utilized_capacity, b.utilized_capacity);
      EXPECT_EQ(a.partition_size, b.partition_size);
      EXPECT_EQ(a.utilized_instances, b.utilized_instances);
    }
}

TEST(Residual, WalkEqualsClosedFormOnPerfectMappings) {
  int compared = 0;
  for (const std::string& dir : test::referenceCases()) {
    if (!test::isValidCase(dir)) continue;
    SCOPED_TRACE(dir);
    const Architecture arch = test::referenceArch(dir);
    const Workload workload = test::referenceWorkload(dir);
    const Mapping mapping = loadMapping(dir + "/map.yaml", arch, workload);
    Evaluator evaluator(arch, workload);
    expectSameEvaluation(evaluator.evaluateByWalk(mapping), evaluator.evaluate(mapping));
    ++compared;
  }
  const fs::path designs = fs::path(COSA_TEST_DATA_DIR) / "anyarch";
  for (const auto& design : fs::directory_iterator(designs)) {
    if (!design.is_directory()) continue;
    const Architecture arch = loadArchitecture((design.path() / "arch.yaml").string());
    for (const auto& layer : fs::directory_iterator(design.path())) {
      if (!fs::exists(layer.path() / "timeloop-mapper.map.yaml")) continue;
      SCOPED_TRACE(layer.path().string());
      const Workload workload = loadProblem((layer.path() / "problem.yaml").string());
      const Mapping mapping =
          loadMapping((layer.path() / "timeloop-mapper.map.yaml").string(), arch, workload);
      Evaluator evaluator(arch, workload);
      expectSameEvaluation(evaluator.evaluateByWalk(mapping), evaluator.evaluate(mapping));
      ++compared;
    }
  }
  EXPECT_GE(compared, 40);
}

}  // namespace
}  // namespace cosa
