// Inputs as Timeloop 019f107 reads them: several files merged into one document (or one file with
// every section), libconfig .cfg files, attributes/classes/sections cosa does not use ignored with a
// warning naming file:line, dummy levels, Timeloop's own relaxations of constraints; errors kept for
// wrong values. Test data: Timeloop's configs/mapper (tests/data/timeloop-configs), the
// timeloop-accelergy-exercises designs (tests/data/exercises) and timeloop-mapper's best mappings on
// four of them (tests/data/anyarch); each folder's README says where the files come from.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "cli_support.hpp"
#include "io/timeloop/arch_yaml.hpp"
#include "io/timeloop/constraints_yaml.hpp"
#include "io/timeloop/ert.hpp"
#include "io/timeloop/mapping_yaml.hpp"
#include "io/timeloop/problem_yaml.hpp"
#include "io/yaml/input_files.hpp"
#include "model/energy.hpp"
#include "model/evaluator.hpp"

namespace cosa {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

const fs::path kData = fs::path(COSA_TEST_DATA_DIR);
const fs::path kConfigs = kData / "timeloop-configs";
const fs::path kExercises = kData / "exercises";
const fs::path kAnyarch = kData / "anyarch";

std::vector<std::string> paths(const fs::path& dir, const std::vector<std::string>& names) {
  std::vector<std::string> out;
  for (const auto& name : names) out.push_back((dir / name).string());
  return out;
}

// Every YAML file of a folder, sorted (the Accelergy components of a design).
std::vector<std::string> yamlFiles(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.path().extension() == ".yaml") out.push_back(entry.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

std::string allWarnings(const Warnings& warnings) {
  std::string out;
  for (const Warning& w : warnings.items()) out += w.text() + "\n";
  return out;
}

// Architecture, layer and constraints of a set of files, as the CLI reads them.
struct Loaded {
  Architecture arch;
  Workload workload;
  Constraints constraints;
};

Loaded loadAll(const std::vector<std::string>& files, Warnings& warnings) {
  const InputFiles inputs = InputFiles::load(files, &warnings);
  Loaded out{loadArchitecture(inputs), loadProblem(inputs), {}};
  if (hasConstraints(inputs)) out.constraints = parseConstraints(inputs, out.arch, out.workload);
  inputs.warnUnusedSections();
  return out;
}

const LevelConstraint* findConstraint(const Loaded& l, const std::string& level, ConstraintKind kind) {
  const int index = l.arch.levelIndex(level);
  for (const auto& item : l.constraints.items)
    if (item.level == index && item.kind == kind) return &item;
  return nullptr;
}

// ---------------------------------------------------------------------------------------------
// Building blocks.

TEST(TimeloopInputs, DidYouMeanFindsNearMissesOnly) {
  const std::vector<std::string> known = {"entries", "depth", "word-bits", "block-size", "num-banks"};
  EXPECT_EQ(closestName("entires", known), "entries");
  EXPECT_EQ(closestName("word_bits", known), "word-bits");
  EXPECT_EQ(closestName("num-bankz", known), "num-banks");
  EXPECT_EQ(closestName("update_fifo_depth", known), std::nullopt);
  EXPECT_EQ(closestName("nports", known), std::nullopt);
  EXPECT_EQ(editDistance("kitten", "sitting"), 3);
  EXPECT_EQ(didYouMean("dept", known), " (did you mean 'depth'?)");
}

TEST(TimeloopInputs, MergesFilesLikeTimeloopFirstSectionWins) {
  const fs::path dir = fs::temp_directory_path() / ("cosa_inputs_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "a.yaml") << "problem: {C: 3}\nmapper: {algorithm: hybrid}\n";
  std::ofstream(dir / "b.yaml") << "# a comment\nproblem: {C: 5}\nsomething: 1\n";
  Warnings warnings;
  const InputFiles files = InputFiles::load(paths(dir, {"a.yaml", "b.yaml"}), &warnings);
  EXPECT_EQ(files.roots().size(), 2u);
  EXPECT_EQ(files.section("problem")->get("C").asInt(), 3);
  EXPECT_TRUE(warnings.contains("b.yaml:2:1: problem: section 'problem' ignored: " +
                                (dir / "a.yaml").string() + ":1:10 already gives it"))
      << allWarnings(warnings);
  // A role's own files first: --problem b.yaml wins over a problem in another input file.
  EXPECT_EQ(files.preferring({(dir / "b.yaml").string()}).section("problem")->get("C").asInt(), 5);
  // The original order is untouched by preferring() (views are rebound, never written through).
  EXPECT_EQ(files.section("problem")->get("C").asInt(), 3);
  files.warnUnusedSections();
  EXPECT_TRUE(
      warnings.contains("a.yaml:2:1: mapper: section 'mapper' ignored (timeloop-mapper's search settings"));
  EXPECT_TRUE(warnings.contains("b.yaml:3:1: something: unknown section 'something' ignored"));
  EXPECT_THROW(files.preferring({}).section("nothing").value(), std::bad_optional_access);
  try {
    files.failMissing("the mapping (a 'mapping' section)");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("the mapping (a 'mapping' section) not found in the input files"));
  }
  fs::remove_all(dir);
}

// An input file with nothing in it is an error naming that file. (It used to be dropped, and the
// error then blamed the others: "the architecture ... not found in the input files (problem.yaml)".)
// Timeloop concatenates its input files as text, so an empty one adds nothing there.
TEST(TimeloopInputs, EmptyInputFileIsAnErrorNamingIt) {
  const fs::path dir = fs::temp_directory_path() / ("cosa_empty_inputs_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "problem.yaml") << "problem: {shape: cnn-layer, C: 3}\n";
  const std::vector<std::pair<std::string, std::string>> empties = {
      {"empty.yaml", ""},
      {"blank.yaml", "  \n\n   \n"},
      {"comment.yaml", "# nothing here\n\n"},
      {"null.yaml", "null\n"},
      {"tilde.yaml", "~\n"},
      {"document.yaml", "---\n# empty\n"},
      {"empty.cfg", ""},
      {"comment.cfg", "// nothing\n/* here */\n# either\n"}};
  for (const auto& [name, text] : empties) {
    std::ofstream(dir / name) << text;
    const std::string path = (dir / name).string();
    for (const std::vector<std::string>& files :
         {std::vector<std::string>{path}, paths(dir, {"problem.yaml", name}),
          paths(dir, {name, "problem.yaml"})}) {
      try {
        (void)InputFiles::load(files);
        FAIL() << name << " was accepted";
      } catch (const InputError& e) {
        EXPECT_EQ(std::string(e.what()),
                  path +
                      ": the file is empty (only whitespace, comments or null); an input "
                      "file holds one or more sections ('arch', 'problem', 'mapspace', "
                      "'mapping', ...)");
        EXPECT_EQ(e.where().file, path);
      }
    }
    // The readers of one YAML file say the same, without the sections.
    if (name.ends_with(".cfg")) continue;
    try {
      (void)loadProblem(path);
      FAIL() << name << " was accepted as a problem";
    } catch (const InputError& e) {
      EXPECT_EQ(std::string(e.what()), path + ": the file is empty (only whitespace, comments or null)");
    }
  }
  // An explicit empty map is a document holding no section: kept, and named when a section is missing.
  std::ofstream(dir / "map.yaml") << "{}\n";
  const InputFiles files = InputFiles::load(paths(dir, {"map.yaml", "problem.yaml"}));
  EXPECT_EQ(files.roots().size(), 2u);
  try {
    (void)loadArchitecture(files);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("not found in the input files (" + (dir / "map.yaml").string() + ", "));
  }
  fs::remove_all(dir);
}

TEST(TimeloopInputs, LibconfigKeepsLinesAndValues) {
  const std::string cfg =
      "mapper = { algorithm = \"hybrid\"; live = True; };  // comment\n"
      "/* block\n comment */ arch =\n{\n  storage = ( { name = \"A\"; entries = 64L; },\n"
      "   { name: \"B\", bandwidth = 10.0; } );\n  meshX = 16 # trailing\n};\n";
  const YamlView root = YamlView::loadString(libconfigToYaml(cfg, "x.cfg"), "x.cfg");
  EXPECT_EQ(root.get("mapper").get("algorithm").asString(), "hybrid");
  EXPECT_TRUE(root.get("mapper").get("live").asBool());
  const auto storage = root.get("arch").get("storage").elements();
  ASSERT_EQ(storage.size(), 2u);
  EXPECT_EQ(storage[0].get("entries").asInt(), 64);
  EXPECT_EQ(storage[0].get("entries").location().line, 5);
  EXPECT_EQ(storage[1].get("bandwidth").asDouble(), 10.0);
  EXPECT_EQ(root.get("arch").get("meshX").location().line, 7);
  EXPECT_THROW(libconfigToYaml("a = \"open;\n", "x.cfg"), InputError);
}

// ---------------------------------------------------------------------------------------------
// Timeloop 019f107 configs/mapper: every file loads.

struct ConfigSet {
  std::string name;
  std::vector<std::string> files;
};

std::ostream& operator<<(std::ostream& out, const ConfigSet& c) { return out << c.name; }

class TimeloopConfig : public ::testing::TestWithParam<ConfigSet> {};

TEST_P(TimeloopConfig, Loads) {
  Warnings warnings;
  const Loaded l = loadAll(paths(kConfigs, GetParam().files), warnings);
  EXPECT_GE(l.arch.numLevels(), 4);
  EXPECT_FALSE(l.constraints.items.empty());
  // Every warning names a file and line.
  for (const Warning& w : warnings.items()) {
    EXPECT_FALSE(w.where.file.empty()) << w.text();
    EXPECT_GT(w.where.line, 0) << w.text();
  }
}

INSTANTIATE_TEST_SUITE_P(
    ConfigsMapper, TimeloopConfig,
    ::testing::Values(
        ConfigSet{"sample_yaml", {"sample.yaml"}}, ConfigSet{"sample_accelergy", {"sample-accelergy.yaml"}},
        ConfigSet{"chen_asplos2014", {"chen-asplos2014.yaml"}},
        ConfigSet{"eyeriss_256", {"eyeriss-256.yaml"}},
        ConfigSet{"eyeriss_256_split", {"eyeriss-256-split-arg.yaml", "eyeriss-256-split-problem.yaml"}},
        ConfigSet{"eyeriss_256_split_accelergy",
                  {"eyeriss-256-split-accelergy-arg.yaml", "eyeriss-256-split-problem.yaml"}},
        ConfigSet{"sample_cfg", {"sample.cfg"}}, ConfigSet{"eyeriss_256_cfg", {"eyeriss-256.cfg"}},
        ConfigSet{"eyeriss_1024_cfg", {"eyeriss-1024.cfg"}},
        ConfigSet{"mapperstats_cfg", {"mapperstats.cfg"}}, ConfigSet{"simba_chip_cfg", {"simba-chip.cfg"}}),
    [](const auto& info) { return info.param.name; });

TEST(TimeloopInputs, SampleUtilizationConstraintIsRecordedWithAWarning) {
  Warnings warnings;
  const Loaded l = loadAll({(kConfigs / "sample.yaml").string()}, warnings);
  ASSERT_TRUE(l.constraints.min_utilization.has_value());
  EXPECT_DOUBLE_EQ(*l.constraints.min_utilization, 0.01);
  EXPECT_TRUE(warnings.contains("sample.yaml:107:11: mapspace.constraints[7].type: minimum utilization 0.01"))
      << allWarnings(warnings);
  // C64 on a layer with C=1 is clamped to the bound, as Timeloop does.
  EXPECT_TRUE(
      warnings.contains("sample.yaml:87:14: mapspace.constraints[2].factors: C=64 exceeds the dimension's "
                        "bound 1: taken as C=1"));
  const LevelConstraint* spatial = findConstraint(l, "AccumulationBuffer", ConstraintKind::Spatial);
  ASSERT_NE(spatial, nullptr);
  EXPECT_THAT(spatial->factors,
              ::testing::Contains(std::pair<int, std::int64_t>{l.workload.dimIndex("C"), 1}));
  // The libconfig version is the same configuration.
  Warnings cfg_warnings;
  Loaded cfg = loadAll({(kConfigs / "sample.cfg").string()}, cfg_warnings);
  cfg.arch.name = l.arch.name;
  EXPECT_EQ(cfg.arch, l.arch);
  EXPECT_EQ(cfg.constraints, l.constraints);
}

TEST(TimeloopInputs, SampleAccelergyWidthRoundsBlockSizeDownAsTimeloop) {
  Warnings warnings;
  const Loaded l = loadAll({(kConfigs / "sample-accelergy.yaml").string()}, warnings);
  // width 24 / cluster-size 16 / word-bits 24 = 0 in Timeloop's integer arithmetic, so depth 128
  // gives 0 words: the AccumulationBuffer (and the Registers, 8 / 64 / 8) hold nothing.
  const StorageLevel& accumulation = l.arch.levels[l.arch.levelIndex("AccumulationBuffer")];
  EXPECT_EQ(accumulation.entries, 0);
  EXPECT_EQ(accumulation.cluster_size, 16);
  EXPECT_EQ(l.arch.levels[l.arch.levelIndex("Registers")].entries, 0);
  EXPECT_EQ(l.arch.levels[l.arch.levelIndex("WeightInputBuffer")].entries, 4096 * 64);
  EXPECT_TRUE(
      warnings.contains("sample-accelergy.yaml:62:20: architecture.subtree[0].local[2].attributes.width: "
                        "width 24 is not a multiple of word-bits 24 x cluster-size 16: block-size is 24 / "
                        "16 / 24 rounded down = 0"))
      << allWarnings(warnings);
  EXPECT_TRUE(warnings.contains("'AccumulationBuffer' holds 0 words"));
  EXPECT_TRUE(
      warnings.contains("sample-accelergy.yaml:44:13: architecture.subtree[0].local[0].attributes.type: "
                        "attribute 'type' ignored (an Accelergy attribute"));
}

TEST(TimeloopInputs, ChenAsplosSplitUnderAttributesIsHonoured) {
  Warnings warnings;
  const Loaded l = loadAll({(kConfigs / "chen-asplos2014.yaml").string()}, warnings);
  const LevelConstraint* input = findConstraint(l, "InputBuffer", ConstraintKind::Spatial);
  const LevelConstraint* psum = findConstraint(l, "PsumRegFile", ConstraintKind::Spatial);
  ASSERT_NE(input, nullptr);
  ASSERT_NE(psum, nullptr);
  EXPECT_EQ(input->split, 1);
  EXPECT_EQ(psum->split, 0);
  EXPECT_THAT(input->factors,
              ::testing::Contains(std::pair<int, std::int64_t>{l.workload.dimIndex("K"), 16}));
  EXPECT_EQ(l.constraints.keeps(l.arch.levelIndex("OutputBuffer"), l.workload.dataSpaceIndex("Outputs")),
            true);
  EXPECT_EQ(l.arch.levels.front().name, "WeightBuffer");
  EXPECT_EQ(l.arch.levels.back().name, "DRAM");
}

TEST(TimeloopInputs, EyerissDummyLevelHoldsNothingAndEveryFormIsTheSame) {
  Warnings warnings;
  Loaded flat = loadAll({(kConfigs / "eyeriss-256.yaml").string()}, warnings);
  const int dummy = flat.arch.levelIndex("DummyBuffer");
  ASSERT_GE(dummy, 0);
  EXPECT_EQ(flat.arch.levels[dummy].entries, 0);
  EXPECT_EQ(flat.arch.fanout(dummy), 16);
  for (int ds = 0; ds < 3; ++ds) EXPECT_EQ(flat.constraints.keeps(dummy, ds), false);

  // The same architecture split over two files, and as a v0.2 tree with a `wire` component.
  Warnings split_warnings;
  Loaded split = loadAll(paths(kConfigs, {"eyeriss-256-split-arg.yaml", "eyeriss-256-split-problem.yaml"}),
                         split_warnings);
  split.arch.name = flat.arch.name;
  EXPECT_EQ(split.arch, flat.arch);
  EXPECT_EQ(split.constraints, flat.constraints);
  EXPECT_EQ(split.workload.bounds, flat.workload.bounds);

  Warnings tree_warnings;
  const Loaded tree =
      loadAll(paths(kConfigs, {"eyeriss-256-split-accelergy-arg.yaml", "eyeriss-256-split-problem.yaml"}),
              tree_warnings);
  ASSERT_EQ(tree.arch.numLevels(), flat.arch.numLevels());
  for (int l = 0; l < flat.arch.numLevels(); ++l) {
    EXPECT_EQ(tree.arch.levels[l].name, flat.arch.levels[l].name);
    EXPECT_EQ(tree.arch.levels[l].entries, flat.arch.levels[l].entries) << flat.arch.levels[l].name;
    EXPECT_EQ(tree.arch.levels[l].instances, flat.arch.levels[l].instances);
  }
  EXPECT_TRUE(
      tree_warnings.contains("eyeriss-256-split-accelergy-arg.yaml:35:18: architecture.subtree[0].local[0]."
                             "class: component 'Wire' (class 'wire') ignored"))
      << allWarnings(tree_warnings);
  // The libconfig Eyeriss is the same design too.
  Warnings cfg_warnings;
  Loaded cfg = loadAll({(kConfigs / "eyeriss-256.cfg").string()}, cfg_warnings);
  EXPECT_EQ(cfg.arch.levels[cfg.arch.levelIndex("DummyBuffer")].entries, 0);
  EXPECT_EQ(cfg.constraints.items.size(), flat.constraints.items.size());
}

// ---------------------------------------------------------------------------------------------
// timeloop-accelergy-exercises (1c8dd19), baseline designs: architecture + Accelergy components +
// two constraint files + a layer.

struct Design {
  std::string name;
  std::vector<std::string> files;  // arch file and components, then the constraint files
};

std::vector<std::string> designFiles(const std::string& design) {
  const fs::path dir = kExercises / "baseline_designs" / design;
  std::vector<std::string> files = {(dir / "arch" / (design + ".yaml")).string()};
  for (const auto& f : yamlFiles(dir / "arch" / "components")) files.push_back(f);
  for (const auto& f : yamlFiles(dir / "constraints")) files.push_back(f);
  return files;
}

class ExerciseDesign : public ::testing::TestWithParam<std::string> {};

TEST_P(ExerciseDesign, LoadsWithEveryLayer) {
  for (const auto& layer : yamlFiles(kExercises / "layer_shapes")) {
    SCOPED_TRACE(layer);
    std::vector<std::string> files = designFiles(GetParam());
    files.push_back(layer);
    Warnings warnings;
    const Loaded l = loadAll(files, warnings);
    EXPECT_FALSE(l.constraints.items.empty());
    // Both constraint files count: architecture constraints (bypass) and mapspace constraints.
    EXPECT_TRUE(std::any_of(l.constraints.items.begin(), l.constraints.items.end(),
                            [](const LevelConstraint& c) { return c.kind == ConstraintKind::Bypass; }));
    EXPECT_TRUE(std::any_of(l.constraints.items.begin(), l.constraints.items.end(),
                            [](const LevelConstraint& c) { return c.kind == ConstraintKind::Temporal; }));
    EXPECT_TRUE(warnings.contains("section 'compound_components' ignored (Accelergy compound components"))
        << allWarnings(warnings);
  }
}

INSTANTIATE_TEST_SUITE_P(BaselineDesigns, ExerciseDesign,
                         ::testing::Values("eyeriss_like", "simple_weight_stationary",
                                           "simple_output_stationary", "simba_like"));

TEST(TimeloopInputs, AccelergyOnlyAttributesAreNamedInWarnings) {
  Warnings eyeriss;
  std::vector<std::string> files = designFiles("eyeriss_like");
  files.push_back((kExercises / "layer_shapes" / "AlexNet_layer1.yaml").string());
  loadAll(files, eyeriss);
  EXPECT_TRUE(
      eyeriss.contains("eyeriss_like.yaml:67:19: architecture.subtree[0].subtree[0].subtree[0].local[2]."
                       "attributes.update_fifo_depth: attribute 'update_fifo_depth' ignored"))
      << allWarnings(eyeriss);

  Warnings simba;
  files = designFiles("simba_like");
  files.push_back((kExercises / "layer_shapes" / "AlexNet_layer1.yaml").string());
  const Loaded l = loadAll(files, simba);
  EXPECT_TRUE(
      simba.contains("simba_like.yaml:22:15: architecture.subtree[0].subtree[0].local[0].subclass: key "
                     "'subclass' ignored (an Accelergy key"))
      << allWarnings(simba);
  EXPECT_TRUE(simba.contains("attributes.nports: attribute 'nports' ignored"));
  // class: storage / class: compute with a subclass (the v0.3 form) are storage and compute.
  EXPECT_EQ(l.arch.numLevels(), 6);
  EXPECT_EQ(l.arch.arithmetic.name, "LMAC");
  EXPECT_EQ(l.arch.arithmetic.instances, 256);
}

TEST(TimeloopInputs, FixedFactorThatDoesNotDivideIsLeftFreeAsTimeloop) {
  // The weight-stationary design pins M=16 and C=16 spatially at shared_glb; on an FC layer with
  // M=1000 timeloop-mapper 019f107 drops M=16 (16 does not divide 1000) and maps M freely (M10).
  const fs::path dir = fs::temp_directory_path() / ("cosa_fc_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::vector<std::string> files = designFiles("simple_weight_stationary");
  // The designs name output channels M: use the design's own AlexNet shape with other bounds.
  std::ifstream shape_in(kExercises / "layer_shapes" / "AlexNet_layer1.yaml");
  std::stringstream shape;
  shape << shape_in.rdbuf();
  std::string text = shape.str();
  text = std::regex_replace(text, std::regex("M: 96"), "M: 1000");
  text = std::regex_replace(text, std::regex("C: 3"), "C: 4096");
  for (const char* dim : {"P: 55", "Q: 55", "R: 11", "S: 11"})
    text = std::regex_replace(text, std::regex(dim), std::string(1, dim[0]) + ": 1");
  std::ofstream(dir / "fc.yaml") << text;
  files.push_back((dir / "fc.yaml").string());
  Warnings warnings;
  const Loaded l = loadAll(files, warnings);
  ASSERT_EQ(l.workload.bounds[l.workload.dimIndex("M")], 1000);
  const LevelConstraint* spatial = findConstraint(l, "shared_glb", ConstraintKind::Spatial);
  ASSERT_NE(spatial, nullptr);
  const int m = l.workload.dimIndex("M");
  const int c = l.workload.dimIndex("C");
  EXPECT_FALSE(std::any_of(spatial->factors.begin(), spatial->factors.end(),
                           [&](const auto& f) { return f.first == m; }));
  EXPECT_THAT(spatial->factors, ::testing::Contains(std::pair<int, std::int64_t>{c, 16}));
  EXPECT_TRUE(
      warnings.contains("spatial factor M=16 at level shared_glb does not divide the dimension's bound "
                        "1000: ignored, that factor is left free, as Timeloop 019f107 does"))
      << allWarnings(warnings);
  fs::remove_all(dir);
}

// ---------------------------------------------------------------------------------------------
// The 2020 ISPASS exercises: every file loads, and every mapping of exercises 00-04 evaluates to
// what timeloop-model reported (with the Accelergy ERT of that run).

const fs::path kIspass = kExercises / "ispass" / "timeloop";

struct StatsLevel {
  std::map<std::string, std::map<std::string, std::int64_t>> data_spaces;  // ds -> field -> value
  std::map<std::string, double> energy_pJ;                                 // ds -> Energy (total)
};

struct Stats {
  std::int64_t cycles = 0;
  double energy_pJ = 0;
  std::map<std::string, StatsLevel> levels;
};

Stats readStats(const fs::path& file) {
  std::ifstream in(file);
  Stats stats;
  std::string line;
  std::string level;
  std::string ds;
  const std::regex level_re("^=== (.+) ===$");
  const std::regex ds_re("^    (\\w+):$");
  const std::regex field_re(
      "^        (Utilized capacity|Utilized instances \\(max\\)|Scalar reads \\(per-instance\\)|"
      "Scalar updates \\(per-instance\\)|Scalar fills \\(per-instance\\))\\s*: (\\d+)$");
  const std::regex energy_re("^        Energy \\(total\\)\\s*: ([0-9.]+) pJ$");
  std::smatch m;
  while (std::getline(in, line)) {
    if (line == "Networks") level.clear();
    if (std::regex_match(line, m, level_re)) {
      level = m[1];
      ds.clear();
    } else if (!level.empty() && std::regex_match(line, m, ds_re)) {
      ds = m[1];
    } else if (!level.empty() && !ds.empty() && std::regex_match(line, m, field_re)) {
      stats.levels[level].data_spaces[ds][m[1]] = std::stoll(m[2]);
    } else if (!level.empty() && !ds.empty() && std::regex_match(line, m, energy_re)) {
      stats.levels[level].energy_pJ[ds] = std::stod(m[1]);
    } else if (line.rfind("Total topology energy: ", 0) == 0) {
      stats.energy_pJ = std::stod(line.substr(23));
    } else if (line.rfind("Max topology cycles: ", 0) == 0) {
      stats.cycles = std::stoll(line.substr(21));
    }
  }
  return stats;
}

struct IspassCase {
  std::string exercise;
  std::string mapping;    // under map/
  std::string reference;  // under ref-output/
};

std::ostream& operator<<(std::ostream& out, const IspassCase& c) { return out << c.mapping; }

class IspassModel : public ::testing::TestWithParam<IspassCase> {};

TEST_P(IspassModel, EvaluatesAsTimeloopModel) {
  const IspassCase& c = GetParam();
  const fs::path dir = kIspass / c.exercise;
  std::vector<std::string> files = yamlFiles(dir / "arch");
  for (const auto& f : yamlFiles(dir / "prob")) files.push_back(f);
  files.push_back((dir / "map" / c.mapping).string());
  Warnings warnings;
  const InputFiles inputs = InputFiles::load(files, &warnings);
  const Architecture arch = loadArchitecture(inputs);
  const Workload workload = loadProblem(inputs);
  const Mapping mapping = parseMapping(inputs, arch, workload);
  const fs::path ref = dir / "ref-output" / c.reference;
  const EnergyTable energy = loadErt((ref / "timeloop-model.ERT.yaml").string(), arch);
  Evaluator evaluator(arch, workload, energy);
  const Evaluation result = evaluator.evaluate(mapping);
  ASSERT_TRUE(result.valid) << result.error;
  const Stats expected = readStats(ref / "timeloop-model.stats.txt");
  EXPECT_EQ(result.cycles, expected.cycles);
  // These statistics come from the exercises' own (2020) Timeloop, which charged every access of
  // a level at one energy (the ERT's read); 019f107, and cosa, charge fills and updates at the ERT's
  // write energy. Energies are compared where a level only reads (the ERT then applies alike).
  int checked = 0;
  int energies = 0;
  for (const LevelStats& level : result.levels) {
    auto it = expected.levels.find(level.name);
    ASSERT_NE(it, expected.levels.end()) << level.name;
    for (int ds = 0; ds < workload.numDataSpaces(); ++ds) {
      const DataSpaceStats& got = level.data_spaces[ds];
      auto e = it->second.data_spaces.find(workload.data_spaces[ds].name);
      if (!got.kept) continue;
      ASSERT_NE(e, it->second.data_spaces.end()) << level.name << " " << workload.data_spaces[ds].name;
      const auto& f = e->second;
      EXPECT_EQ(got.utilized_capacity, f.at("Utilized capacity")) << level.name;
      EXPECT_EQ(got.utilized_instances, f.at("Utilized instances (max)")) << level.name;
      EXPECT_EQ(got.reads, f.at("Scalar reads (per-instance)")) << level.name;
      EXPECT_EQ(got.updates, f.at("Scalar updates (per-instance)")) << level.name;
      EXPECT_EQ(got.fills, f.at("Scalar fills (per-instance)")) << level.name;
      ++checked;
      if (got.updates == 0 && got.fills == 0) {
        EXPECT_NEAR(got.energy_total_pJ, it->second.energy_pJ.at(workload.data_spaces[ds].name),
                    0.006 + 1e-6 * got.energy_total_pJ)
            << level.name << " " << workload.data_spaces[ds].name;
        ++energies;
      }
    }
  }
  EXPECT_GE(checked, 1);
  EXPECT_GE(energies, 1);
}

INSTANTIATE_TEST_SUITE_P(
    Ispass2020, IspassModel,
    ::testing::Values(
        IspassCase{"00-model-conv1d-1level", "conv1d-1level.map.yaml", "."},
        IspassCase{"01-model-conv1d-2level", "conv1d-2level-os.map.yaml", "os"},
        IspassCase{"01-model-conv1d-2level", "conv1d-2level-ws.map.yaml", "ws"},
        IspassCase{"02-model-conv1d+oc-2level", "conv1d+oc-2level-os.map.yaml", "untiled"},
        IspassCase{"02-model-conv1d+oc-2level", "conv1d+oc-2level-os-tiled.map.yaml", "tiled"},
        IspassCase{"03-model-conv1d+oc-3level", "conv1d+oc-3level.map.yaml", "no-bypass"},
        IspassCase{"03-model-conv1d+oc-3level", "conv1d+oc-3level-bypass.map.yaml", "bypass"},
        IspassCase{"04-model-conv1d+oc-3levelspatial", "conv1d+oc+ic-3levelspatial-cp-ws.map.yaml", "cp"},
        IspassCase{"04-model-conv1d+oc-3levelspatial", "conv1d+oc+ic-3levelspatial-kp-ws.map.yaml", "kp"}),
    [](const auto& info) {
      std::string name = info.param.mapping.substr(0, info.param.mapping.find(".map"));
      for (char& ch : name)
        if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
      return name;
    });

TEST(TimeloopInputs, IspassMapperExercisesLoad) {
  // 05: three constraint files (one fixes everything, one leaves bypass free, one is empty).
  const fs::path five = kIspass / "05-mapper-conv1d+oc-3level";
  for (const auto& constraints : yamlFiles(five / "constraints")) {
    SCOPED_TRACE(constraints);
    Warnings warnings;
    const Loaded l = loadAll(
        {(five / "arch" / "3level.arch.yaml").string(), (five / "prob" / "conv1d+oc.prob.yaml").string(),
         constraints, (five / "mapper" / "exhaustive.mapper.yaml").string()},
        warnings);
    EXPECT_EQ(l.arch.numLevels(), 3);
  }
  // 06 and timeloop+accelergy: Eyeriss-like with components and two constraint files.
  for (const fs::path& dir :
       {kIspass / "06-mapper-convlayer-eyeriss", kExercises / "ispass" / "timeloop+accelergy"}) {
    for (const auto& arch : yamlFiles(dir / "arch")) {
      SCOPED_TRACE(arch);
      std::vector<std::string> files = {arch};
      for (const auto& f : yamlFiles(dir / "arch" / "components")) files.push_back(f);
      for (const auto& f : yamlFiles(dir / "constraints")) files.push_back(f);
      for (const auto& f : yamlFiles(dir / "prob")) files.push_back(f);
      files.push_back((dir / "mapper" / "mapper.yaml").string());
      Warnings warnings;
      const Loaded l = loadAll(files, warnings);
      EXPECT_GE(l.arch.numLevels(), 5);
      EXPECT_FALSE(l.constraints.items.empty());
    }
  }
}

// ---------------------------------------------------------------------------------------------
// timeloop-mapper's best mappings on the four designs (anyarch): evaluate equals timeloop-model.

class AnyarchCase : public ::testing::TestWithParam<std::string> {};

TEST_P(AnyarchCase, EvaluatesAsTimeloopModel) {
  const std::string design = GetParam().substr(0, GetParam().find('/'));
  const fs::path dir = kAnyarch / design;
  const fs::path layer = kAnyarch / GetParam();
  std::vector<std::string> files = {(dir / "arch.yaml").string()};
  for (const auto& f : yamlFiles(dir / "components")) files.push_back(f);
  files.push_back((dir / "constraints.yaml").string());
  files.push_back((layer / "problem.yaml").string());
  files.push_back((layer / "timeloop-mapper.map.yaml").string());
  Warnings warnings;
  const InputFiles inputs = InputFiles::load(files, &warnings);
  const Architecture arch = loadArchitecture(inputs);
  const Workload workload = loadProblem(inputs);
  const Constraints constraints = parseConstraints(inputs, arch, workload);
  const Mapping mapping = parseMapping(inputs, arch, workload);
  Evaluator evaluator(arch, workload);
  const Evaluation result = evaluator.evaluate(mapping);
  ASSERT_TRUE(result.valid) << result.error;
  std::ifstream in(layer / "timeloop-mapper.json");
  const nlohmann::json expected = nlohmann::json::parse(in);
  EXPECT_EQ(result.cycles, expected["cycles"].get<std::int64_t>());
  // The reference energy is printed in uJ with 2 decimals.
  EXPECT_NEAR(result.energy_pJ / 1e6, expected["energy_uJ"].get<double>(), 0.005 + 1e-9);
  // timeloop-mapper's mapping satisfies the design's own bypass constraints.
  for (const auto& item : constraints.items) {
    if (item.kind != ConstraintKind::Bypass) continue;
    for (int ds : item.keep) EXPECT_TRUE(mapping.levels[item.level].keep[ds]);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Anyarch, AnyarchCase,
    ::testing::Values("eyeriss_like/alexnet1", "eyeriss_like/vgg02_5", "eyeriss_like/vgg02_9",
                      "simple_weight_stationary/alexnet1", "simple_weight_stationary/vgg02_5",
                      "simple_weight_stationary/vgg02_9", "simple_output_stationary/alexnet1",
                      "simple_output_stationary/vgg02_5", "simple_output_stationary/vgg02_9",
                      "simba_like/alexnet1", "simba_like/vgg02_5", "simba_like/vgg02_9"),
    [](const auto& info) {
      std::string name = info.param;
      std::replace(name.begin(), name.end(), '/', '_');
      return name;
    });

// The CLI as a Timeloop user calls it: the design's files as they are, several per option.
TEST(TimeloopInputs, CliEvaluatesADesignSplitOverFiles) {
  const fs::path dir = kAnyarch / "simba_like";
  std::string components;
  for (const auto& f : yamlFiles(dir / "components")) components += " " + f;
  const test::RunResult result = test::runCosa(
      "evaluate --json --arch " + (dir / "arch.yaml").string() + components + " --mapspace " +
      (dir / "constraints.yaml").string() + " --problem " + (dir / "alexnet1" / "problem.yaml").string() +
      " --mapping " + (dir / "alexnet1" / "timeloop-mapper.map.yaml").string());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const nlohmann::json json = nlohmann::json::parse(result.out);
  EXPECT_EQ(json["cycles"].get<std::int64_t>(), 732050);
  EXPECT_THAT(result.err,
              HasSubstr("cosa evaluate: warning: " + (dir / "arch.yaml").string() +
                        ":22:15: architecture.subtree[0].subtree[0].local[0].subclass: key 'subclass' "
                        "ignored"));
  EXPECT_THAT(result.err, HasSubstr("section 'compound_components' ignored"));
}

TEST(TimeloopInputs, CliSchedulesFromOneFileHoldingEverySection) {
  const fs::path out = fs::temp_directory_path() / ("cosa_eyeriss_" + std::to_string(::getpid()));
  const test::RunResult result =
      test::runCosa("schedule --arch " + (kConfigs / "eyeriss-256.cfg").string() + " --out " + out.string());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(result.err, HasSubstr("eyeriss-256.cfg:182:2: mapper: section 'mapper' ignored"));
  EXPECT_TRUE(fs::exists(out / "mapping.yaml"));
  fs::remove_all(out);
}

// ---------------------------------------------------------------------------------------------
// Wrong values stay errors, naming the file, field and reason.

struct WrongValue {
  std::string name;
  std::string text;
  std::string fragment;
};

std::ostream& operator<<(std::ostream& out, const WrongValue& w) { return out << w.name; }

class WrongValues : public ::testing::TestWithParam<WrongValue> {};

const std::string kTwoLevels =
    "arch:\n  arithmetic: {instances: 16, meshX: 16}\n  storage:\n"
    "  - {name: RF, entries: 16, instances: 16, meshX: 16}\n"
    "  - {name: Buf, entries: 1024, instances: 16, meshX: 16}\n"
    "  - {name: DRAM, technology: DRAM, instances: 1}\n"
    "problem: {shape: cnn-layer, R: 3, P: 8, C: 4, K: 8, Wstride: 1}\n";

TEST_P(WrongValues, AreErrors) {
  const WrongValue& w = GetParam();
  try {
    const InputFiles inputs = InputFiles::fromRoot(YamlView::loadString(w.text, "w.yaml"));
    const Architecture arch = loadArchitecture(inputs);
    const Workload workload = loadProblem(inputs);
    if (hasConstraints(inputs)) parseConstraints(inputs, arch, workload);
    if (inputs.has("mapping")) parseMapping(inputs, arch, workload);
    FAIL() << "accepted:\n" << w.text;
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr(w.fragment));
    EXPECT_EQ(e.where().file, "w.yaml");
  }
}

std::string replacedText(std::string text, const std::string& from, const std::string& to) {
  return text.replace(text.find(from), from.size(), to);
}

INSTANTIATE_TEST_SUITE_P(
    TimeloopInputs, WrongValues,
    ::testing::Values(
        WrongValue{"negative_depth", replacedText(kTwoLevels, "entries: 16,", "depth: -4,"),
                   "w.yaml:4:23: arch.storage[0].depth: -4 must be >= 0"},
        WrongValue{"negative_entries", replacedText(kTwoLevels, "entries: 16,", "entries: -1,"),
                   "arch.storage[0].entries: -1 must be >= 0"},
        WrongValue{"stride_zero", replacedText(kTwoLevels, "Wstride: 1", "Wstride: 0"),
                   "w.yaml:7:62: problem.Wstride: stride 0 must be >= 1"},
        WrongValue{
            "spatial_factor_without_fanout",
            kTwoLevels + "mapping:\n- {target: Buf, type: spatial, factors: K=2}\n"
                         "- {target: DRAM, type: temporal, factors: R=3 P=8 C=4 K=4}\n",
            "w.yaml:9:3: mapping[0]: spatial factors K=2: level Buf has no spatial fan-out (its child RF "
            "has as many instances as it, 16)"},
        WrongValue{
            "spatial_constraint_without_fanout",
            kTwoLevels + "mapspace_constraints:\n- {target: Buf, type: spatial, factors: K=2}\n",
            "mapspace_constraints[0]: spatial factor K=2 cannot be placed: level Buf has no spatial fan-out"},
        WrongValue{"unknown_dimension",
                   kTwoLevels + "mapspace_constraints:\n- {target: DRAM, type: temporal, "
                                "factors: Z=2}\n",
                   "unknown dimension 'Z'"},
        WrongValue{"unknown_data_space",
                   kTwoLevels + "mapspace_constraints:\n- {target: Buf, type: bypass, keep: [Psums]}\n",
                   "unknown data space or role 'Psums'"},
        WrongValue{"unknown_level", kTwoLevels + "mapping:\n- {target: Cache, type: temporal}\n",
                   "unknown storage level 'Cache'"}),
    [](const auto& info) { return info.param.name; });

TEST(TimeloopInputs, UnknownKeysAreWarningsWithDidYouMean) {
  Warnings warnings;
  const std::string text =
      replacedText(kTwoLevels, "entries: 1024,", "entries: 1024, num-bankz: 2, colour: red,") +
      "mapspace_constraints:\n- {target: DRAM, type: temporal, factor: K=2}\n"
      "mapping:\n- {target: DRAM, type: temporal, factors: R=3 P=8 C=4 K=8, split: 2}\n";
  const InputFiles inputs = InputFiles::fromRoot(YamlView::loadString(text, "u.yaml", &warnings));
  const Architecture arch = loadArchitecture(inputs);
  const Workload workload = loadProblem(inputs);
  const Constraints constraints = parseConstraints(inputs, arch, workload);
  const Mapping mapping = parseMapping(inputs, arch, workload);
  EXPECT_EQ(arch.levels[1].num_banks, 2);  // the misspelt key is not read
  EXPECT_TRUE(constraints.items.front().factors.empty());
  EXPECT_TRUE(
      warnings.contains("u.yaml:5:32: arch.storage[1].num-bankz: unknown attribute 'num-bankz' ignored (did "
                        "you mean 'num-banks'?)"))
      << allWarnings(warnings);
  EXPECT_TRUE(warnings.contains("arch.storage[1].colour: unknown attribute 'colour' ignored\n") ||
              warnings.contains("unknown attribute 'colour' ignored"));
  EXPECT_TRUE(warnings.contains(
      "u.yaml:9:34: mapspace_constraints[0].factor: unknown key 'factor' ignored (did you mean 'factors'?)"));
  EXPECT_TRUE(warnings.contains("mapping[0].split: unknown key 'split' ignored"));
  EXPECT_EQ(mapping.levels[2].temporal[workload.dimIndex("K")], 8);
}

}  // namespace
}  // namespace cosa
