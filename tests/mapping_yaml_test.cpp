#include "io/timeloop/mapping_yaml.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "test_support.hpp"

namespace cosa {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kProductMessage =
    "product of all factors of dimension Q is 28, which is not equal to the dimension size of the workload "
    "14.";

Mapping parseText(const std::string& text, const Architecture& arch, const Workload& workload) {
  return parseMapping(YamlView::loadString(text, "test.yaml"), arch, workload);
}

// The message of the InputError thrown by parsing `text` ("" when it parses).
std::string parseError(const std::string& text, const Architecture& arch, const Workload& workload) {
  try {
    parseText(text, arch, workload);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

// A small layer: R3 S1 P4 Q1 C2 K2 N1 on simba.
Workload smallLayer() {
  test::CnnBounds b;
  b.R = 3;
  b.P = 4;
  b.C = 2;
  b.K = 2;
  return test::cnnLayer(b);
}

constexpr const char* kSmallDram = "- {target: DRAM, type: temporal, factors: R=3 P=4 C=2 K=2}\n";

TEST(MappingYaml, RoundTripsEveryReferenceCase) {
  const std::string scratch = test::scratchDir("mapping-roundtrip");
  int parsed = 0;
  for (const std::string& dir : test::referenceCases()) {
    SCOPED_TRACE(dir);
    const Workload workload = test::referenceWorkload(dir);
    const Architecture arch = test::referenceArch(dir);
    const nlohmann::json expected = nlohmann::json::parse(test::readText(dir + "/expected.json"));
    const std::string kind = expected["case"].value("invalid_kind", "");
    if (kind == "product") {
      try {
        loadMapping(dir + "/map.yaml", arch, workload);
        ADD_FAILURE() << "the product case was accepted";
      } catch (const MappingError& e) {
        EXPECT_THAT(e.what(), HasSubstr(kProductMessage));
        EXPECT_THAT(e.what(), HasSubstr("map.yaml"));
        EXPECT_EQ(e.field(), "mapping");
      }
      continue;
    }
    const Mapping mapping = loadMapping(dir + "/map.yaml", arch, workload);
    ++parsed;

    // Cross-check with the JSON copy of the mapping in expected.json.
    const auto& levels = expected["case"]["mapping"];
    ASSERT_EQ(levels.size(), mapping.levels.size());
    for (std::size_t l = 0; l < levels.size(); ++l) {
      const auto& level = levels[l];
      const LevelMapping& got = mapping.levels[l];
      for (int d = 0; d < workload.numDims(); ++d) {
        EXPECT_EQ(got.temporal[d], level["temporal"][workload.dimensions[d]].get<std::int64_t>());
        const std::int64_t spatial =
            level["spatial"].is_null() ? 1 : level["spatial"][workload.dimensions[d]].get<std::int64_t>();
        EXPECT_EQ(got.spatial[d], spatial);
      }
      std::string order;
      for (int d : got.temporal_order) order += workload.dimensions[d];
      EXPECT_EQ(order, level["temporal_permutation"].get<std::string>());
      for (int ds = 0; ds < workload.numDataSpaces(); ++ds) {
        const auto& keep = level["keep"];
        const bool kept = std::find(keep.begin(), keep.end(), workload.data_spaces[ds].name) != keep.end();
        EXPECT_EQ(got.keep[ds], kept) << "level " << l << " data space " << ds;
      }
      EXPECT_EQ(got.spatial_split, -1);
    }

    // Write, read again: the same mapping, both from a string and through a file.
    const std::string yaml = mappingToYaml(mapping, arch, workload);
    EXPECT_EQ(parseText(yaml, arch, workload), mapping) << yaml;
    const std::string path = scratch + "/" + std::filesystem::path(dir).filename().string() + ".yaml";
    writeMapping(path, mapping, arch, workload);
    EXPECT_EQ(loadMapping(path, arch, workload), mapping);
    EXPECT_EQ(test::readText(path), yaml);
  }
  EXPECT_EQ(parsed, 44);
}

TEST(MappingYaml, HandBuiltSimbaMatchesTheReferenceArchitecture) {
  const Architecture loaded = test::referenceArch(test::referenceCases().front());
  const Architecture built = test::simbaArch();
  EXPECT_EQ(loaded.levels, built.levels);
  EXPECT_EQ(loaded.arithmetic, built.arithmetic);
}

TEST(MappingYaml, FactorFormsAreEquivalent) {
  const Architecture arch = test::simbaArch();
  const Workload workload = smallLayer();
  const Mapping a = parseText(std::string("mapping:\n") + kSmallDram, arch, workload);
  const Mapping b = parseText("mapping:\n- {target: DRAM, type: temporal, factors: R3 P4 C2 K2 S1 Q1 N1}\n",
                              arch, workload);
  const Mapping c = parseText(
      "mapping:\n- {target: DRAM, type: temporal, factors: 'R = 3, P 4,C==2, K2,2'}\n", arch, workload);
  // Factor 0 = the whole dimension.
  const Mapping d =
      parseText("mapping:\n- {target: DRAM, type: temporal, factors: R=0 P=0 C0 K=0}\n", arch, workload);
  EXPECT_EQ(a, b);
  EXPECT_EQ(a, c);
  EXPECT_EQ(a, d);
  EXPECT_EQ(a.levels[5].temporal, (std::vector<std::int64_t>{3, 1, 4, 1, 2, 2, 1}));
  // Levels without entries: factors 1, natural order, keep everything.
  for (int l = 0; l < 5; ++l) {
    EXPECT_EQ(a.levels[l].temporal, std::vector<std::int64_t>(7, 1));
    EXPECT_EQ(a.levels[l].temporal_order, (std::vector<int>{0, 1, 2, 3, 4, 5, 6}));
    EXPECT_EQ(a.levels[l].keep, std::vector<bool>(3, true));
  }
}

TEST(MappingYaml, PartialPermutationIsCompletedInDimensionOrder) {
  const Architecture arch = test::simbaArch();
  const Workload workload = smallLayer();
  const Mapping m = parseText(std::string("mapping:\n") + kSmallDram +
                                  "- {target: GlobalBuffer, type: temporal, permutation: KC}\n"
                                  "- {target: InputBuffer, type: temporal, permutation: 'Q, P K'}\n",
                              arch, workload);
  EXPECT_EQ(m.levels[4].temporal_order, (std::vector<int>{5, 4, 0, 1, 2, 3, 6}));
  EXPECT_EQ(m.levels[3].temporal_order, (std::vector<int>{3, 2, 5, 0, 1, 4, 6}));
}

TEST(MappingYaml, SpatialSplitAndDatatypeSynonym) {
  const Architecture arch = test::simbaArch();
  const Workload workload = smallLayer();
  const std::string text =
      std::string("mapping:\n") +
      "- {target: DRAM, type: temporal, factors: R=3 P=2}\n"
      "- {target: GlobalBuffer, type: spatial, factors: P=2 C=2 K=2, permutation: CKP,"
      " split: 2}\n"
      "- {target: InputBuffer, type: spatial, factors: R=1, split: 7}\n"
      "- {target: InputBuffer, type: datatype, keep: [Inputs], bypass: [Weights, Outputs]}\n"
      "- {target: 0, type: bypass, keep: Weights, bypass: [Outputs]}\n";
  const Mapping m = parseText(text, arch, workload);
  EXPECT_EQ(m.levels[4].spatial, (std::vector<std::int64_t>{1, 1, 2, 1, 2, 2, 1}));
  EXPECT_EQ(m.levels[4].spatial_order, (std::vector<int>{4, 5, 2, 0, 1, 3, 6}));
  EXPECT_EQ(m.levels[4].spatial_split, 2);
  EXPECT_EQ(m.levels[3].spatial_split, -1);  // split >= #dims = all on X
  EXPECT_EQ(m.levels[3].keep, (std::vector<bool>{false, true, false}));
  EXPECT_EQ(m.levels[0].keep, (std::vector<bool>{true, true, false}));  // Inputs not mentioned: kept
  const std::string yaml = mappingToYaml(m, arch, workload);
  EXPECT_THAT(yaml, HasSubstr("split: 2"));
  EXPECT_EQ(parseText(yaml, arch, workload), m);
}

TEST(MappingYaml, WriterEmitsTimeloopForm) {
  const Architecture arch = test::simbaArch();
  const Workload workload = smallLayer();
  const Mapping m = parseText(std::string("mapping:\n") + kSmallDram, arch, workload);
  const std::string yaml = mappingToYaml(m, arch, workload);
  EXPECT_THAT(yaml, HasSubstr("factors: R=3 S=1 P=4 Q=1 C=2 K=2 N=1"));
  EXPECT_THAT(yaml, HasSubstr("permutation: RSPQCKN"));
  EXPECT_THAT(yaml, HasSubstr("keep: [Weights, Inputs, Outputs]"));
  EXPECT_THAT(yaml, HasSubstr("bypass: []"));
  // Spatial entries only where simba fans out (AccumulationBuffer, InputBuffer, GlobalBuffer).
  std::size_t spatial = 0;
  for (std::size_t pos = 0; (pos = yaml.find("type: spatial", pos)) != std::string::npos; ++pos) ++spatial;
  EXPECT_EQ(spatial, 3u);
  EXPECT_THAT(yaml, Not(HasSubstr("split")));
}

TEST(MappingYaml, MultiLetterDimensionsUseSeparators) {
  Architecture arch = test::simbaArch();
  Workload workload;
  workload.dimensions = {"M", "Nn", "K"};
  workload.bounds = {4, 6, 2};
  workload.data_spaces = {{"A", {{{0, 1, ""}}, {{2, 1, ""}}}, false},
                          {"B", {{{2, 1, ""}}, {{1, 1, ""}}}, false},
                          {"Z", {{{0, 1, ""}}, {{1, 1, ""}}}, true}};
  const Mapping m = parseText(
      "mapping:\n"
      "- {target: DRAM, type: temporal, factors: M=4 Nn=3 K=2, permutation: K Nn}\n"
      "- {target: GlobalBuffer, type: spatial, factors: Nn=2, permutation: 'Nn,K,M'}\n",
      arch, workload);
  EXPECT_EQ(m.levels[5].temporal_order, (std::vector<int>{2, 1, 0}));
  EXPECT_EQ(m.levels[4].spatial_order, (std::vector<int>{1, 2, 0}));
  const std::string yaml = mappingToYaml(m, arch, workload);
  EXPECT_THAT(yaml, HasSubstr("permutation: K Nn M"));
  EXPECT_EQ(parseText(yaml, arch, workload), m);
  // Concatenation is only for single-letter dimension names.
  EXPECT_THAT(
      parseError("mapping:\n- {target: DRAM, type: temporal, factors: M=4 Nn=6 K=2, permutation: KM}\n", arch,
                 workload),
      HasSubstr("unknown dimension 'KM'"));
}

struct BadCase {
  const char* name;
  std::string text;    // the `mapping:` list
  const char* field;   // expected field path in the message
  const char* reason;  // expected part of the reason
  int line;            // expected line (0 = not checked)
};

TEST(MappingYaml, RejectsBadInputWithLocationFieldAndReason) {
  const Architecture arch = test::simbaArch();
  const Workload workload = smallLayer();
  const std::string dram = kSmallDram;
  const std::vector<BadCase> cases = {
      {"unknown level", dram + "- {target: L9, type: temporal}\n", "mapping[1].target",
       "unknown storage level 'L9'", 3},
      {"arithmetic level", dram + "- {target: __ARITH__, type: temporal}\n", "mapping[1].target",
       "'__ARITH__' is the arithmetic level", 3},
      {"level index out of range", dram + "- {target: 6, type: temporal}\n", "mapping[1].target",
       "index 6 is out of range", 3},
      {"unknown dimension in factors", "- {target: DRAM, type: temporal, factors: R=3 X=4}\n",
       "mapping[0].factors", "unknown dimension 'X'", 2},
      {"unknown dimension in permutation",
       dram + "- {target: GlobalBuffer, type: temporal, permutation: PZ}\n", "mapping[1].permutation",
       "unknown dimension 'Z'", 3},
      {"repeated dimension in permutation",
       dram + "- {target: GlobalBuffer, type: temporal, permutation: PKP}\n", "mapping[1].permutation",
       "appears twice", 3},
      {"unknown data space", dram + "- {target: DRAM, type: bypass, keep: [Weights, Psums]}\n",
       "mapping[1].keep[1]", "unknown data space 'Psums'", 3},
      {"kept and bypassed", dram + "- {target: DRAM, type: bypass, keep: [Weights], bypass: [Weights]}\n",
       "mapping[1].bypass", "both kept and bypassed", 3},
      {"duplicate entry", dram + "- {target: DRAM, type: temporal, factors: R=3}\n", "mapping[1]",
       "a second temporal entry for level DRAM", 3},
      {"duplicate bypass via synonym",
       dram + "- {target: DRAM, type: bypass, keep: [Weights]}\n- {target: DRAM, type: datatype}\n",
       "mapping[2]", "a second bypass entry", 4},
      {"negative factor", "- {target: DRAM, type: temporal, factors: R=-3 P=4 C=2 K=2}\n",
       "mapping[0].factors", "must be positive", 2},
      {"malformed factor text", "- {target: DRAM, type: temporal, factors: R=3 P=four}\n",
       "mapping[0].factors", "malformed factors", 2},
      {"factor without value", "- {target: DRAM, type: temporal, factors: R=3 P}\n", "mapping[0].factors",
       "no factor given for 'P'", 2},
      {"repeated dimension in factors", "- {target: DRAM, type: temporal, factors: R=3 R=1}\n",
       "mapping[0].factors", "given twice", 2},
      {"residual above its factor", "- {target: DRAM, type: temporal, factors: 'R=3 P=4,5 C2 K2'}\n",
       "mapping[0].factors", "residual 5 of P4,5", 2},
      {"unknown type", dram + "- {target: DRAM, type: tempral}\n", "mapping[1].type",
       "unknown mapping entry type 'tempral'", 3},
      {"skew", dram + "- {target: DRAM, type: skew}\n", "mapping[1].type",
       "skew directives are not supported", 3},
      {"negative split", dram + "- {target: GlobalBuffer, type: spatial, split: -1}\n", "mapping[1].split",
       "split must be >= 0", 3},
      {"missing type", dram + "- {target: DRAM}\n", "mapping[1]", "missing required key 'type'", 3},
      {"missing target", dram + "- {type: temporal}\n", "mapping[1]", "missing required key 'target'", 3},
      {"unsupported option", dram + "- {target: GlobalBuffer, type: spatial, no_link_transfer: [Inputs]}\n",
       "mapping[1].no_link_transfer", "not supported", 3},
      {"entry not a map", dram + "- temporal\n", "mapping[1]", "expected a mapping", 3},
  };
  for (const BadCase& c : cases) {
    SCOPED_TRACE(c.name);
    const std::string text = "mapping:\n" + c.text;
    try {
      parseText(text, arch, workload);
      ADD_FAILURE() << "accepted:\n" << text;
    } catch (const MappingError& e) {
      ADD_FAILURE() << "a syntax error was reported as a factor-product error: " << e.what();
    } catch (const InputError& e) {
      EXPECT_EQ(e.where().file, "test.yaml");
      EXPECT_EQ(e.field(), c.field) << e.what();
      EXPECT_THAT(e.reason(), HasSubstr(c.reason)) << e.what();
      if (c.line > 0) {
        EXPECT_EQ(e.where().line, c.line) << e.what();
      }
      EXPECT_THAT(e.what(), HasSubstr("test.yaml:"));
    }
  }
  // `mapping` itself missing or not a list.
  EXPECT_THAT(parseError("map: []\n", arch, workload),
              HasSubstr("the mapping (a 'mapping' section) not found"));
  EXPECT_THAT(parseError("mapping: {target: DRAM}\n", arch, workload), HasSubstr("expected a list"));
}

TEST(MappingYaml, FactorProductMismatchIsAMappingError) {
  const Architecture arch = test::simbaArch();
  const Workload workload = smallLayer();
  try {
    parseText(
        "mapping:\n- {target: DRAM, type: temporal, factors: R=3 P=4 C=2 K=2}\n"
        "- {target: GlobalBuffer, type: temporal, factors: P=2 K=0}\n",
        arch, workload);
    FAIL() << "accepted";
  } catch (const MappingError& e) {
    EXPECT_EQ(e.field(), "mapping");
    EXPECT_EQ(e.where().file, "test.yaml");
    EXPECT_THAT(e.reason(), HasSubstr("product of all factors of dimension P is 8, which is not equal to the "
                                      "dimension size of the workload 4"));
    EXPECT_THAT(e.reason(), HasSubstr("dimension K is 4, which"));
  }
  // Missing factors make the product too small.
  EXPECT_THAT(
      parseError("mapping:\n- {target: DRAM, type: temporal, factors: R=3 P=4 C=2}\n", arch, workload),
      HasSubstr("dimension K is 1, which is not equal to the dimension size of the workload 2"));
  // Overflowing products are reported, not wrapped around.
  EXPECT_THAT(parseError("mapping:\n- {target: DRAM, type: temporal, factors: R=3 P=4 C=2 K=2}\n"
                         "- {target: GlobalBuffer, type: temporal, factors: N=4294967296}\n"
                         "- {target: InputBuffer, type: temporal, factors: N=4294967296}\n",
                         arch, workload),
              HasSubstr("dimension N overflows"));
}

TEST(MappingYaml, WriterRejectsMismatchedMapping) {
  const Architecture arch = test::simbaArch();
  const Workload workload = smallLayer();
  EXPECT_THROW(mappingToYaml(trivialMapping(5, 7, 3), arch, workload), std::invalid_argument);
  EXPECT_THROW(mappingToYaml(trivialMapping(6, 6, 3), arch, workload), std::invalid_argument);
  Mapping m = trivialMapping(6, 7, 3);
  m.levels[2].temporal_order[0] = 1;  // 1 twice
  EXPECT_THROW(mappingToYaml(m, arch, workload), std::invalid_argument);
}

TEST(MappingYaml, LoadReportsMissingFile) {
  const Architecture arch = test::simbaArch();
  const Workload workload = smallLayer();
  EXPECT_THROW(loadMapping("/nonexistent/map.yaml", arch, workload), InputError);
}

}  // namespace
}  // namespace cosa
