#include "io/timeloop/problem_yaml.hpp"

#include <gtest/gtest.h>

#include <string>

#include "io/results/layer_files.hpp"
#include "io/timeloop/shapes.hpp"

namespace cosa {
namespace {

const std::string kDir = std::string(COSA_TEST_DATA_DIR) + "/problem/";

std::int64_t bound(const Workload& w, const char* dim) { return w.bounds.at(w.dimIndex(dim)); }

std::vector<std::string> axisDims(const Workload& w, const DataSpace& ds) {
  std::vector<std::string> out;
  for (const auto& axis : ds.axes) {
    std::string text;
    for (const auto& t : axis) {
      if (!text.empty()) text += "+";
      text += w.dimensions[t.dim];
      if (!t.coefficient_name.empty()) text += "*" + t.coefficient_name;
    }
    out.push_back(text);
  }
  return out;
}

TEST(ProblemYaml, CosaStyleBoundsUnderProblem) {
  const Workload w = loadProblem(kDir + "resnet50_conv1.yaml");
  EXPECT_EQ(w.name, "resnet50_conv1");
  EXPECT_EQ(w.shape, "cnn-layer");
  EXPECT_EQ(w.dimensions, (std::vector<std::string>{"R", "S", "P", "Q", "C", "K", "N"}));
  EXPECT_EQ(w.bounds, (std::vector<std::int64_t>{7, 7, 112, 112, 3, 64, 1}));
  EXPECT_EQ(w.coefficient("Wstride"), 2);
  EXPECT_EQ(w.coefficient("Hstride"), 2);
  EXPECT_EQ(w.coefficient("Wdilation"), 1);
  EXPECT_EQ(w.coefficient("Hdilation"), 1);
  EXPECT_EQ(w.macs(), 118013952);
  ASSERT_EQ(w.numDataSpaces(), 3);
  EXPECT_EQ(w.data_spaces[0].name, "Weights");
  EXPECT_EQ(axisDims(w, w.data_spaces[0]), (std::vector<std::string>{"C", "K", "R", "S"}));
  EXPECT_EQ(w.data_spaces[1].name, "Inputs");
  EXPECT_EQ(axisDims(w, w.data_spaces[1]),
            (std::vector<std::string>{"N", "C", "R*Wdilation+P*Wstride", "S*Hdilation+Q*Hstride"}));
  EXPECT_EQ(w.data_spaces[2].name, "Outputs");
  EXPECT_EQ(axisDims(w, w.data_spaces[2]), (std::vector<std::string>{"N", "K", "Q", "P"}));
  EXPECT_FALSE(w.data_spaces[0].read_write);
  EXPECT_FALSE(w.data_spaces[1].read_write);
  EXPECT_TRUE(w.data_spaces[2].read_write);
  // Inputs: 3 channels x (2*111 + 6 + 1)^2.
  EXPECT_EQ(w.dataSpaceSize(1), 3 * 229 * 229);
  EXPECT_EQ(w.dataSpaceSize(0), 7 * 7 * 3 * 64);
  EXPECT_EQ(w.dataSpaceSize(2), 112 * 112 * 64);
  EXPECT_EQ(w.data_spaces[1].axes[2][1].coefficient, 2);
}

TEST(ProblemYaml, InstanceFormAndCaseInsensitiveShapeGiveTheSameWorkload) {
  Workload a = loadProblem(kDir + "resnet50_conv1.yaml");
  Workload b = loadProblem(kDir + "conv_instance.yaml");
  EXPECT_EQ(b.name, "conv_instance");
  b.name = a.name;
  EXPECT_EQ(a, b);
}

TEST(ProblemYaml, DilationZeroIsAccepted) {
  const Workload w = loadProblem(kDir + "deepspeech_dilation0.yaml");
  EXPECT_EQ(w.coefficient("Wdilation"), 0);
  EXPECT_EQ(w.coefficient("Hdilation"), 0);
  // R and S do not widen the input window: (2*699+1) x (2*160+1).
  EXPECT_EQ(w.dataSpaceSize(1), 1 * 1 * 1399 * 321);
}

TEST(ProblemYaml, MissingShapeDefaultsToCnnLayerAndMissingBoundsToOne) {
  const Workload w = parseProblem(YamlView::loadString("problem: {C: 8, K: 4}", "mem.yaml"));
  EXPECT_EQ(w.shape, "cnn-layer");
  EXPECT_EQ(bound(w, "C"), 8);
  EXPECT_EQ(bound(w, "K"), 4);
  EXPECT_EQ(bound(w, "R"), 1);
  EXPECT_EQ(bound(w, "N"), 1);
  EXPECT_EQ(w.coefficient("Wstride"), 1);
  EXPECT_EQ(w.macs(), 32);
  EXPECT_TRUE(w.name.empty());
}

TEST(ProblemYaml, GemmShape) {
  const Workload w = loadProblem(kDir + "gemm.yaml");
  EXPECT_EQ(w.shape, "gemm");
  EXPECT_EQ(w.dimensions, (std::vector<std::string>{"M", "N", "K"}));
  EXPECT_EQ(w.bounds, (std::vector<std::int64_t>{64, 128, 32}));
  EXPECT_TRUE(w.coefficients.empty());
  ASSERT_EQ(w.numDataSpaces(), 3);
  EXPECT_EQ(axisDims(w, w.data_spaces[0]), (std::vector<std::string>{"M", "K"}));
  EXPECT_EQ(axisDims(w, w.data_spaces[1]), (std::vector<std::string>{"K", "N"}));
  EXPECT_EQ(axisDims(w, w.data_spaces[2]), (std::vector<std::string>{"M", "N"}));
  EXPECT_TRUE(w.data_spaces[2].read_write);
  EXPECT_EQ(w.dataSpaceSize(w.dataSpaceIndex("Z")), 64 * 128);
  EXPECT_FALSE(w.isRelevant(w.dataSpaceIndex("Z"), w.dimIndex("K")));
}

TEST(ProblemYaml, DepthwiseShape) {
  const Workload w = loadProblem(kDir + "depthwise.yaml");
  EXPECT_EQ(w.shape, "depthwise-cnn-layer");
  EXPECT_EQ(w.dimIndex("K"), -1);
  EXPECT_EQ(bound(w, "C"), 32);
  EXPECT_EQ(bound(w, "N"), 1);
  EXPECT_EQ(w.macs(), 32 * 56 * 56 * 9);
  EXPECT_EQ(w.dataSpaceSize(w.dataSpaceIndex("Weights")), 32 * 9);
  EXPECT_EQ(w.dataSpaceSize(w.dataSpaceIndex("Inputs")), 32 * 113 * 113);
  EXPECT_EQ(w.dataSpaceSize(w.dataSpaceIndex("Outputs")), 32 * 56 * 56);
  EXPECT_TRUE(w.isRelevant(w.dataSpaceIndex("Outputs"), w.dimIndex("C")));
}

TEST(ProblemYaml, InlineShape) {
  const Workload w = loadProblem(kDir + "inline_shape.yaml");
  EXPECT_EQ(w.shape, "conv1d");
  EXPECT_EQ(w.dimensions, (std::vector<std::string>{"R", "P", "K"}));
  EXPECT_EQ(w.coefficient("stride"), 2);
  EXPECT_EQ(axisDims(w, w.data_spaces[0]), (std::vector<std::string>{"R", "K"}));
  EXPECT_EQ(axisDims(w, w.data_spaces[1]), (std::vector<std::string>{"P*stride+R"}));
  EXPECT_EQ(w.dataSpaceSize(1), 2 * 7 + 2 + 1);
  EXPECT_TRUE(w.data_spaces[2].read_write);
}

TEST(ProblemYaml, ShapeFromFileEqualsBuiltinGemm) {
  Workload w = loadProblem(kDir + "shape_file.yaml");
  EXPECT_EQ(w.shape, "matmul");
  EXPECT_EQ(w.name, "shape_file");
  w.shape = "gemm";
  w.name.clear();
  EXPECT_EQ(w, instantiate(builtinShape("gemm"), {4, 5, 6}));
}

TEST(ShapeBuiltins, AllParseAndLookupIgnoresCase) {
  for (const auto& name : builtinShapeNames()) {
    const WorkloadShape& s = builtinShape(name);
    EXPECT_EQ(s.name, name);
    EXPECT_FALSE(s.dimensions.empty());
    EXPECT_FALSE(s.data_spaces.empty());
  }
  EXPECT_EQ(&builtinShape("CNN-Layer"), &builtinShape("cnn-layer"));
  EXPECT_EQ(findBuiltinShape("no-such-shape"), nullptr);
  EXPECT_THROW(builtinShape("no-such-shape"), std::out_of_range);
}

TEST(ShapeBuiltins, GroupedAndBatched) {
  const WorkloadShape& g = builtinShape("grouped-cnn-layer");
  EXPECT_GE(g.dimIndex("G"), 0);
  Workload w = instantiate(g, {3, 3, 14, 14, 4, 4, 32, 1});
  EXPECT_EQ(w.dataSpaceSize(w.dataSpaceIndex("Weights")), 32 * 4 * 4 * 9);
  EXPECT_EQ(w.dataSpaceSize(w.dataSpaceIndex("Inputs")), 32 * 4 * 16 * 16);
  EXPECT_EQ(w.coefficient("Hstride"), 1);

  const WorkloadShape& b = builtinShape("batched-gemm");
  Workload bw = instantiate(b, {8, 16, 4, 2});
  EXPECT_EQ(bw.dataSpaceSize(bw.dataSpaceIndex("A")), 2 * 8 * 4);
  EXPECT_EQ(bw.dataSpaceSize(bw.dataSpaceIndex("B")), 2 * 4 * 16);
  EXPECT_EQ(bw.dataSpaceSize(bw.dataSpaceIndex("Z")), 2 * 8 * 16);
  EXPECT_THROW(instantiate(b, {1, 2}), std::invalid_argument);
}

// Bad input: the message names the file, the field and the reason.
struct BadProblem {
  const char* yaml;
  const char* field;
  const char* reason;
};

class ProblemYamlBad : public ::testing::TestWithParam<BadProblem> {};

TEST_P(ProblemYamlBad, Rejected) {
  const BadProblem& c = GetParam();
  try {
    parseProblem(YamlView::loadString(c.yaml, "bad_problem.yaml"));
    FAIL() << "accepted: " << c.yaml;
  } catch (const InputError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("bad_problem.yaml:"), std::string::npos) << what;
    EXPECT_NE(what.find(c.field), std::string::npos) << what;
    EXPECT_NE(what.find(c.reason), std::string::npos) << what;
  }
}

INSTANTIATE_TEST_SUITE_P(
    ProblemYaml, ProblemYamlBad,
    ::testing::Values(
        BadProblem{"problem: {C: 3, Kk: 4}", "problem.Kk", "unknown key 'Kk'"},
        BadProblem{"problem: {C: 0}", "problem.C", "must be >= 1"},
        BadProblem{"problem: {C: 3, K: -2}", "problem.K", "must be >= 1"},
        BadProblem{"problem: {C: 3, Wstride: -1}", "problem.Wstride", "must be >= 0"},
        BadProblem{"problem: {C: three}", "problem.C", "expected an integer"},
        BadProblem{"problem: {shape: cnn-layr, C: 3}", "problem.shape", "unknown problem shape 'cnn-layr'"},
        BadProblem{"problem: {shape: cnn-layer, instance: {C: 3, Q: 0}}", "problem.instance.Q",
                   "must be >= 1"},
        BadProblem{"problem: {shape: cnn-layer, instance: {C: 3}, K: 4}", "problem.K", "unknown key 'K'"},
        BadProblem{"problem: {shape: gemm, instance: {M: 3, C: 4}}", "problem.instance.C", "unknown key 'C'"},
        BadProblem{"problem: {shape: {dimensions: [M], data-spaces: [{name: A, projection: [X]}]}}",
                   "problem.shape.data-spaces[0].projection[0]", "unknown dimension 'X'"},
        BadProblem{"problem: {shape: {dimensions: [M], data-spaces: [{name: A, projection: [[[M, s]]]}]}}",
                   "problem.shape.data-spaces[0].projection[0][0][1]", "unknown coefficient 's'"},
        BadProblem{"problem: {shape: {dimensions: [M, M], data-spaces: []}}", "problem.shape.dimensions[1]",
                   "duplicate dimension 'M'"},
        BadProblem{"problem: {shape: {dimensions: [M], data-space: []}}", "problem.shape.data-space",
                   "unknown key 'data-space'"},
        BadProblem{"problem: [1, 2]", "problem", "expected a mapping"},
        BadProblem{"layer: {C: 3}", "", "missing required key 'problem'"},
        // Found by fuzzing (docs/hardening.md): counts that overflow int64 (macs() was undefined
        // behaviour), more axes than the cost model holds, and a list as a key (an exception of
        // yaml-cpp's own type escaped).
        BadProblem{"problem: {R: 4294967296, S: 4294967296}", "problem", "workload too large"},
        BadProblem{"problem: {C: 3, Wstride: 9223372036854775807}", "problem", "workload too large"},
        BadProblem{
            "problem: {shape: {dimensions: [A], data-spaces: [{name: X, projection: [A, A, A, A, A, A, "
            "A, A, A, A, A, A, A, A, A, A, A]}]}}",
            "problem.shape.data-spaces[0].projection", "at most 16 axes, got 17"},
        BadProblem{"problem: {C: 3, [K]: 4}", "problem", "expected a plain key"}));

TEST(ProblemYaml, CountBoundCoversMacsAndDataSpaces) {
  // conv1 of ResNet-50: the Inputs' sliding windows give (1+1)(1+1)(1+2+1)(1+2+1) x MACs.
  const Workload w = parseProblem(YamlView::loadString(
      "problem: {R: 7, S: 7, P: 112, Q: 112, C: 3, K: 64, N: 1, Wstride: 2, Hstride: 2}", "conv1.yaml"));
  EXPECT_DOUBLE_EQ(w.countBound(), 64.0 * static_cast<double>(w.macs()));
  for (int ds = 0; ds < w.numDataSpaces(); ++ds)
    EXPECT_LE(static_cast<double>(w.dataSpaceSize(ds)), w.countBound());
  // At and just over the limit of 2^56 (a GEMM's bound is its MACs times 2 x 2).
  EXPECT_NO_THROW(
      parseProblem(YamlView::loadString("problem: {shape: gemm, M: 33554432, N: 33554432, K: 16}", "")));
  EXPECT_THROW(
      parseProblem(YamlView::loadString("problem: {shape: gemm, M: 33554432, N: 33554432, K: 32}", "")),
      InputError);
}

TEST(ProblemYaml, MissingFileIsAnInputError) {
  try {
    loadProblem(kDir + "does_not_exist.yaml");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("does_not_exist.yaml"), std::string::npos);
  }
}

// A shape file name the OS refuses (longer than NAME_MAX) is "not found", an input error; it was
// a filesystem_error escaping the parser (found by the problem fuzzer).
TEST(ProblemYaml, UnopenableShapeFileNameIsAnInputError) {
  const std::string name = std::string(5000, 'x') + ".yaml";
  try {
    parseProblem(YamlView::loadString("problem: {shape: " + name + ", M: 2}", "p.yaml"));
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("not found"), std::string::npos) << e.what();
  }
}

// problem.yaml, written next to every schedule, reads back as the same workload for every
// built-in shape (strides and dilations included).
TEST(ProblemYaml, WrittenProblemReadsBackAsTheSameWorkload) {
  for (const std::string& name : builtinShapeNames()) {
    SCOPED_TRACE(name);
    const WorkloadShape& shape = builtinShape(name);
    std::vector<std::int64_t> bounds, coefficients;
    for (std::size_t d = 0; d < shape.dimensions.size(); ++d)
      bounds.push_back(static_cast<std::int64_t>(d) + 2);
    for (std::size_t c = 0; c < shape.coefficients.size(); ++c)
      coefficients.push_back(static_cast<std::int64_t>(c) + 2);
    const Workload w = instantiate(shape, bounds, coefficients);
    const std::string text = problemYaml(w);
    Workload back = parseProblem(YamlView::loadString(text, "problem.yaml"));
    back.name = w.name;
    EXPECT_EQ(back, w) << text;
  }
}

}  // namespace
}  // namespace cosa
