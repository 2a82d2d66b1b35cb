// Real PyTorch exports (tests/data/onnx, written by scripts/export_onnx_models.py from Debian's
// python3-torch 1.13 / torchvision 0.14, opset 13 (one at 17), symbolic batch, weights stripped): every
// compute node of the graph is a layer, with spot-checked shapes (batch, heads, sequence), and
// `cosa network` schedules every layer with the bundled Simba mapspace.
#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli_support.hpp"
#include "io/onnx/onnx_import.hpp"

namespace cosa {
namespace {

namespace fs = std::filesystem;

std::string modelPath(const std::string& name) {
  return std::string(COSA_TEST_DATA_DIR) + "/onnx/" + name + ".onnx";
}

// Compute nodes counted straight from the file: the layers the import must produce.
int computeNodesInFile(const std::string& name) {
  std::ifstream in(modelPath(name), std::ios::binary);
  onnx::ModelProto model;
  EXPECT_TRUE(model.ParseFromIstream(&in)) << name;
  int count = 0;
  for (const auto& node : model.graph().node())
    for (const char* op : {"Conv", "ConvTranspose", "Gemm", "MatMul", "Einsum"})
      count += node.op_type() == op;
  return count;
}

std::map<std::string, std::int64_t> boundsOf(const Workload& w) {
  std::map<std::string, std::int64_t> out;
  for (int d = 0; d < w.numDims(); ++d) out[w.dimensions[d]] = w.bounds[d];
  for (const auto& c : w.coefficients) out[c.name] = c.value;
  return out;
}

const Workload& layer(const OnnxImport& imported, const std::string& name) {
  for (const NetworkLayer& l : imported.network.layers)
    if (l.name == name) return l.workload;
  throw std::runtime_error("no layer " + name);
}

int countShape(const OnnxImport& imported, const std::string& shape) {
  int n = 0;
  for (const NetworkLayer& l : imported.network.layers) n += l.workload.shape == shape;
  return n;
}

OnnxImport importModel(const std::string& name, std::int64_t batch) {
  OnnxImport imported = importOnnx(modelPath(name), {.batch_size = batch, .input_shapes = {}});
  EXPECT_TRUE(imported.complete()) << name << ": " << (imported.warnings.empty() ? "" : imported.warnings[0]);
  EXPECT_EQ(imported.compute_nodes, computeNodesInFile(name)) << name;
  EXPECT_EQ(static_cast<int>(imported.network.layers.size()), imported.compute_nodes) << name;
  EXPECT_EQ(imported.batch_inputs, std::vector<std::string>{"input"}) << name;
  for (const NetworkLayer& l : imported.network.layers) {
    const auto b = boundsOf(l.workload);
    // The batch reaches every layer: N of convolutions, a multiple of it in FC rows and GEMM batches.
    if (l.workload.shape.find("cnn-layer") != std::string::npos) {
      EXPECT_EQ(b.at("N") % batch, 0) << l.name;
    }
    if (l.workload.shape == "batched-gemm") {
      EXPECT_EQ(b.at("B") % batch, 0) << l.name;
    }
  }
  return imported;
}

TEST(OnnxPyTorchModels, ShuffleNetV2ChannelShuffleIsFoldedAndEveryConvIsALayer) {
  const OnnxImport m = importModel("shufflenet_v2", 4);
  EXPECT_EQ(m.compute_nodes, 57);  // 56 convolutions and the classifier
  EXPECT_GT(m.folded_nodes, 0);    // x.view(b, groups, c // groups, h, w) chains
  EXPECT_EQ((std::map<std::string, std::int64_t>{{"R", 3},
                                                 {"S", 3},
                                                 {"P", 112},
                                                 {"Q", 112},
                                                 {"C", 3},
                                                 {"K", 24},
                                                 {"N", 4},
                                                 {"Wstride", 2},
                                                 {"Hstride", 2},
                                                 {"Wdilation", 1},
                                                 {"Hdilation", 1}}),
            boundsOf(layer(m, "/conv1/conv1.0/Conv")));
  // The last stage's first block, after two channel shuffles: a depthwise 3x3, stride 2, 7x7 out.
  const Workload& dw = layer(m, "/stage4/stage4.0/branch1/branch1.0/Conv");
  EXPECT_EQ(dw.shape, "depthwise-cnn-layer");
  EXPECT_EQ(boundsOf(dw).at("C"), 232);
  EXPECT_EQ(boundsOf(dw).at("P"), 7);
  EXPECT_EQ(boundsOf(dw).at("Wstride"), 2);
  // One in each of the 16 blocks, one more in the branch1 of each of the 3 downsampling blocks.
  EXPECT_EQ(countShape(m, "depthwise-cnn-layer"), 19);
}

TEST(OnnxPyTorchModels, MobileNetV2DepthwiseLayers) {
  const OnnxImport m = importModel("mobilenet_v2", 1);
  EXPECT_EQ(m.compute_nodes, 53);
  EXPECT_EQ(countShape(m, "depthwise-cnn-layer"), 17);
  const Workload& stem = layer(m, "/features/features.0/features.0.0/Conv");
  EXPECT_EQ(boundsOf(stem).at("P"), 112);
  EXPECT_EQ(boundsOf(stem).at("C"), 3);
  EXPECT_EQ(boundsOf(stem).at("Hstride"), 2);
  const Workload& fc = layer(m, "/classifier/classifier.1/Gemm");
  EXPECT_EQ(boundsOf(fc).at("C"), 1280);
  EXPECT_EQ(boundsOf(fc).at("K"), 1000);
}

TEST(OnnxPyTorchModels, VitB16AttentionIsABatchedGemmOverHeadsTimesBatch) {
  const OnnxImport m = importModel("vit_b_16", 2);
  EXPECT_EQ(m.compute_nodes, 74);  // patch embedding, 12 x (QKV, QK^T, AV, out, 2 MLP), head
  const std::string attention = "/encoder/layers/encoder_layer_5/self_attention/";
  // Q K^T: 12 heads x batch 2, 197 tokens (196 patches and the class token), head size 64.
  EXPECT_EQ((std::map<std::string, std::int64_t>{{"B", 24}, {"M", 197}, {"N", 197}, {"K", 64}}),
            boundsOf(layer(m, attention + "MatMul_1")));
  EXPECT_EQ((std::map<std::string, std::int64_t>{{"B", 24}, {"M", 197}, {"N", 64}, {"K", 197}}),
            boundsOf(layer(m, attention + "MatMul_2")));
  const auto qkv = boundsOf(layer(m, attention + "MatMul"));  // x W_qkv over 2 x 197 tokens
  EXPECT_EQ(qkv.at("N"), 2 * 197);
  EXPECT_EQ(qkv.at("C"), 768);
  EXPECT_EQ(qkv.at("K"), 3 * 768);
  const auto patches = boundsOf(layer(m, "/conv_proj/Conv"));
  EXPECT_EQ(patches.at("R"), 16);
  EXPECT_EQ(patches.at("Wstride"), 16);
  EXPECT_EQ(patches.at("P"), 14);
  EXPECT_EQ(uniqueLayers(m.network).size(), 8u);
}

TEST(OnnxPyTorchModels, SwinTWindowAttentionBatchesWindowsAndHeads) {
  const OnnxImport m = importModel("swin_t", 1);
  EXPECT_EQ(m.compute_nodes, 77);
  // Stage 1: 56x56 tokens in 64 windows of 7x7, 3 heads of 32.
  EXPECT_EQ((std::map<std::string, std::int64_t>{{"B", 64 * 3}, {"M", 49}, {"N", 49}, {"K", 32}}),
            boundsOf(layer(m, "/features/features.1/features.1.1/attn/MatMul_1")));
  // Stage 4: 7x7 tokens in one window, 24 heads.
  EXPECT_EQ((std::map<std::string, std::int64_t>{{"B", 24}, {"M", 49}, {"N", 32}, {"K", 49}}),
            boundsOf(layer(m, "/features/features.7/features.7.0/attn/MatMul_2")));
  const auto merge = boundsOf(layer(m, "/features/features.2/reduction/MatMul"));  // patch merging
  EXPECT_EQ(merge.at("N"), 28 * 28);
  EXPECT_EQ(merge.at("C"), 4 * 96);
  EXPECT_EQ(merge.at("K"), 2 * 96);
}

// The same Swin-T exported at opset 17 (Shape with start/end, LayerNormalization, 477 Shape
// nodes): every layer as at opset 13, in order, with the same name and sizes.
TEST(OnnxPyTorchModels, SwinTAtOpset17ImportsTheSameLayersAsAtOpset13) {
  const OnnxImport opset13 = importModel("swin_t", 2);
  const OnnxImport opset17 = importModel("swin_t_opset17", 2);
  EXPECT_TRUE(opset17.complete());
  EXPECT_EQ(opset17.compute_nodes, 77);
  ASSERT_EQ(opset17.network.layers.size(), opset13.network.layers.size());
  for (std::size_t i = 0; i < opset13.network.layers.size(); ++i) {
    const NetworkLayer& a = opset13.network.layers[i];
    const NetworkLayer& b = opset17.network.layers[i];
    EXPECT_EQ(b.name, a.name) << i;
    EXPECT_EQ(b.workload.shape, a.workload.shape) << a.name;
    EXPECT_EQ(boundsOf(b.workload), boundsOf(a.workload)) << a.name;
  }
}

TEST(OnnxPyTorchModels, BertBaseEncoderLayers) {
  const OnnxImport m = importModel("bert_base_encoder", 3);
  EXPECT_EQ(m.compute_nodes, 72);  // 12 layers x (QKV, QK^T, AV, out, FF1, FF2)
  EXPECT_EQ((std::map<std::string, std::int64_t>{{"B", 36}, {"M", 128}, {"N", 128}, {"K", 64}}),
            boundsOf(layer(m, "/layers.11/self_attn/MatMul_1")));
  // Shared weights (the exporter merges identical layers' weights behind Identity nodes) are
  // still weights: every projection is a fully connected layer over 3 x 128 tokens.
  EXPECT_EQ(countShape(m, "cnn-layer"), 48);
  EXPECT_EQ(countShape(m, "batched-gemm"), 24);
  const auto ff1 = boundsOf(layer(m, "/layers.7/linear1/MatMul"));
  EXPECT_EQ(ff1.at("N"), 3 * 128);
  EXPECT_EQ(ff1.at("C"), 768);
  EXPECT_EQ(ff1.at("K"), 3072);
  EXPECT_EQ(uniqueLayers(m.network).size(), 6u);
}

TEST(OnnxPyTorchModels, ConvTransposeEinsumAndGemmForms) {
  const OnnxImport m = importModel("extras", 2);
  EXPECT_EQ(m.compute_nodes, 6);
  // ConvTranspose 16 -> 8 channels, kernel 4, stride 2, 16x16 -> 32x32: the stride-1 convolution
  // over the zero-inserted input.
  EXPECT_EQ((std::map<std::string, std::int64_t>{{"R", 4},
                                                 {"S", 4},
                                                 {"P", 32},
                                                 {"Q", 32},
                                                 {"C", 16},
                                                 {"K", 8},
                                                 {"N", 2},
                                                 {"Wstride", 1},
                                                 {"Hstride", 1},
                                                 {"Wdilation", 1},
                                                 {"Hdilation", 1}}),
            boundsOf(layer(m, "/up/ConvTranspose")));
  const Workload& grouped = layer(m, "/up_grouped/ConvTranspose");  // 8 -> 8 channels in 4 groups
  EXPECT_EQ(grouped.shape, "grouped-cnn-layer");
  EXPECT_EQ(boundsOf(grouped).at("G"), 4);
  EXPECT_EQ(boundsOf(grouped).at("C"), 2);
  EXPECT_EQ(boundsOf(grouped).at("K"), 2);
  // einsum("bhdq,bhdk->bhqk"): batch b x h = 2 x 2, 1024 x 1024 scores over d = 4.
  EXPECT_EQ((std::map<std::string, std::int64_t>{{"B", 4}, {"M", 1024}, {"N", 1024}, {"K", 4}}),
            boundsOf(layer(m, "/Einsum")));
  EXPECT_EQ((std::map<std::string, std::int64_t>{{"M", 64}, {"N", 64}, {"K", 32}}),
            boundsOf(layer(m, "/MatMul")));
}

TEST(OnnxPyTorchModels, BatchOptionHasNoEffectOnAFixedBatchAndSaysSo) {
  const fs::path dir = fs::temp_directory_path() / ("cosa_onnx_fixed_" + std::to_string(::getpid()));
  const test::RunResult r =
      test::runCosa("network --arch " + test::kSimba + " --mapspace " + test::kBypass + " --onnx " +
                    modelPath("extras") + " --input-shape input=3,8,32,32 --batch 5 --out " + dir.string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("--batch 5 had no effect"), std::string::npos) << r.err;
  std::ifstream in(dir / "summary.json");
  const nlohmann::json summary = nlohmann::json::parse(in);
  EXPECT_EQ(summary["batch"], 5);
  EXPECT_TRUE(summary["batch_inputs"].empty());
  EXPECT_EQ(summary["input_shapes"]["input"], "3,8,32,32");
  EXPECT_EQ(summary["compute_nodes"], 6);
  EXPECT_TRUE(summary["complete"].get<bool>());
  fs::remove_all(dir);
}

// --ert replaces built-in energies on schedule, network and compare: a DRAM read 100x dearer
// raises every run's energy.
TEST(OnnxPyTorchModels, ErtOverridesEnergiesOnScheduleNetworkAndCompare) {
  const fs::path dir = fs::temp_directory_path() / ("cosa_onnx_ert_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "ert.yaml")
      << "ERT:\n  version: 0.3\n  tables:\n  - name: system.DRAM\n    actions:\n"
         "    - {name: read, energy: 20000}\n    - {name: write, energy: 20000}\n";
  const std::string specs = "--arch " + test::kSimba + " --mapspace " + test::kBypass;
  const std::string problem = std::string(COSA_TEST_DATA_DIR) + "/../../data/problems/resnet50_conv1.yaml";
  auto energy = [](const fs::path& file, const std::string& field) {
    std::ifstream in(file);
    return nlohmann::json::parse(in)[field].get<double>();
  };
  for (const std::string& ert : std::vector<std::string>{"", " --ert " + (dir / "ert.yaml").string()}) {
    const std::string tag = ert.empty() ? "builtin" : "ert";
    const test::RunResult s = test::runCosa("schedule " + specs + " --problem " + problem + ert + " --out " +
                                            (dir / ("schedule_" + tag)).string());
    ASSERT_EQ(s.exit_code, 0) << s.err;
    EXPECT_TRUE(fs::exists(dir / ("schedule_" + tag) / "problem.yaml"));
    const test::RunResult n = test::runCosa("network " + specs + " --onnx " + modelPath("extras") + ert +
                                            " --out " + (dir / ("network_" + tag)).string());
    ASSERT_EQ(n.exit_code, 0) << n.err;
    const test::RunResult c =
        test::runCosa("compare " + specs + " --onnx " + modelPath("extras") + " --mappers random" + ert +
                      " --out " + (dir / ("compare_" + tag)).string());
    ASSERT_EQ(c.exit_code, 0) << c.err;
  }
  EXPECT_GT(energy(dir / "schedule_ert" / "stats.json", "energy_pJ"),
            2 * energy(dir / "schedule_builtin" / "stats.json", "energy_pJ"));
  EXPECT_GT(energy(dir / "network_ert" / "summary.json", "total_energy_pJ"),
            2 * energy(dir / "network_builtin" / "summary.json", "total_energy_pJ"));
  std::ifstream builtin_csv(dir / "compare_builtin" / "results.csv"),
      ert_csv(dir / "compare_ert" / "results.csv");
  std::stringstream a, b;
  a << builtin_csv.rdbuf();
  b << ert_csv.rdbuf();
  EXPECT_NE(a.str(), b.str());  // the same random mappings (same seed), other energies
  fs::remove_all(dir);
}

// Every layer of each model scheduled by `cosa network` with the bundled Simba mapspace: the
// GEMMs take it through data-space roles.
class OnnxPyTorchNetwork : public ::testing::TestWithParam<std::string> {};

TEST_P(OnnxPyTorchNetwork, SchedulesEveryLayer) {
  const std::string name = GetParam();
  const fs::path dir =
      fs::temp_directory_path() / ("cosa_onnx_net_" + std::to_string(::getpid()) + "_" + name);
  const test::RunResult r =
      test::runCosa("network --arch " + test::kSimba + " --mapspace " + test::kBypass + " --onnx " +
                    modelPath(name) + " --jobs 2 --time-limit 1 --out " + dir.string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::ifstream in(dir / "summary.json");
  const nlohmann::json summary = nlohmann::json::parse(in);
  EXPECT_TRUE(summary["complete"].get<bool>());
  EXPECT_EQ(summary["failed_layers"], 0);
  EXPECT_EQ(summary["layers"], computeNodesInFile(name));
  EXPECT_EQ(summary["compute_nodes"], computeNodesInFile(name));
  int rows = 0;
  std::ifstream csv(dir / "layers.csv");
  for (std::string line; std::getline(csv, line);) ++rows;
  EXPECT_EQ(rows, 1 + summary["unique_layers"].get<int>());  // header + one row per unique layer
  for (const auto& l : summary["per_layer"]) {
    EXPECT_TRUE(l["found"].get<bool>()) << l.dump();
    const fs::path folder = dir / l["output"].get<std::string>();
    EXPECT_TRUE(fs::exists(folder / "problem.yaml")) << folder;
    EXPECT_TRUE(fs::exists(folder / "mapping.yaml")) << folder;
  }
  fs::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(Models, OnnxPyTorchNetwork,
                         ::testing::Values("shufflenet_v2", "mobilenet_v2", "vit_b_16", "swin_t",
                                           "bert_base_encoder", "extras"));

}  // namespace
}  // namespace cosa
