#include "workload/network.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "io/network/network_yaml.hpp"
#include "io/yaml/yaml_util.hpp"

namespace cosa {
namespace {

namespace fs = std::filesystem;

// A fresh folder under the system temp dir, removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = fs::temp_directory_path() /
            ("cosa_network_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const fs::path& path() const { return path_; }
  std::string write(const std::string& name, const std::string& text) const {
    const fs::path file = path_ / name;
    fs::create_directories(file.parent_path());
    std::ofstream(file) << text;
    return file.string();
  }

 private:
  fs::path path_;
};

// Sets an environment variable for the scope, restoring the previous value after.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    ::setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (old_)
      ::setenv(name_, old_->c_str(), 1);
    else
      ::unsetenv(name_);
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

std::int64_t bound(const Workload& w, const char* dim) {
  const int index = w.dimIndex(dim);
  EXPECT_GE(index, 0) << dim;
  return index < 0 ? -1 : w.bounds[index];
}

const NetworkLayer* findLayer(const Network& network, const std::string& name) {
  for (const auto& layer : network.layers)
    if (layer.name == name) return &layer;
  return nullptr;
}

std::vector<std::string> names(const std::vector<NetworkLayer>& layers) {
  std::vector<std::string> out;
  for (const auto& layer : layers) out.push_back(layer.name);
  return out;
}

// Expects `f` to throw InputError; returns it.
template <typename F>
InputError expectInputError(F&& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e;
  }
  ADD_FAILURE() << "expected InputError";
  return InputError({}, "", "");
}

TEST(NetworkBuiltin, ListsBundledNetworks) {
  const std::vector<std::string> expected = {"alexnet",  "deepbench", "deepbench_all",
                                             "resnet50", "resnext50", "small_layers"};
  EXPECT_EQ(builtinNetworkNames(), expected);
}

TEST(NetworkBuiltin, EveryNetworkLoadsWithPublishedLayerCounts) {
  // total layer occurrences (CoSA's layers.yaml), distinct shapes (CoSA's unique_layers.yaml)
  const std::map<std::string, std::pair<int, int>> expected = {
      {"alexnet", {8, 8}},   {"resnet50", {54, 24}},      {"resnext50", {54, 25}},
      {"deepbench", {9, 9}}, {"deepbench_all", {76, 76}},
  };
  for (const auto& [name, counts] : expected) {
    SCOPED_TRACE(name);
    const Network network = builtinNetwork(name);
    EXPECT_EQ(network.name, name);
    EXPECT_EQ(static_cast<int>(network.layers.size()), counts.first);
    EXPECT_EQ(network.totalLayers(), counts.first);
    int unique_total = 0;
    const std::vector<NetworkLayer> unique = uniqueLayers(network);
    for (const auto& layer : unique) unique_total += layer.count;
    EXPECT_EQ(static_cast<int>(unique.size()), counts.second);
    EXPECT_EQ(unique_total, counts.first);
    for (const auto& layer : network.layers) {
      EXPECT_EQ(layer.count, 1);
      EXPECT_EQ(layer.workload.shape, "cnn-layer");
      EXPECT_EQ(layer.workload.name, layer.name);
      EXPECT_EQ(layer.workload.numDims(), 7);
      EXPECT_EQ(layer.workload.numDataSpaces(), 3);
    }
  }
}

TEST(NetworkBuiltin, ResNet50Layers) {
  const Network net = builtinNetwork("resnet50");
  const Workload& first = net.layers.front().workload;
  EXPECT_EQ(net.layers.front().name, "_outputs_input.2");
  EXPECT_EQ(bound(first, "R"), 7);
  EXPECT_EQ(bound(first, "S"), 7);
  EXPECT_EQ(bound(first, "P"), 112);
  EXPECT_EQ(bound(first, "Q"), 112);
  EXPECT_EQ(bound(first, "C"), 3);
  EXPECT_EQ(bound(first, "K"), 64);
  EXPECT_EQ(bound(first, "N"), 1);
  EXPECT_EQ(first.coefficient("Wstride"), 2);
  EXPECT_EQ(first.coefficient("Hstride"), 2);
  EXPECT_EQ(first.coefficient("Wdilation"), 1);
  EXPECT_EQ(first.macs(), 7LL * 7 * 112 * 112 * 3 * 64);

  const Workload& fc = net.layers.back().workload;
  EXPECT_EQ(net.layers.back().name, "_outputs_3356");
  EXPECT_EQ(bound(fc, "C"), 2048);
  EXPECT_EQ(bound(fc, "K"), 1000);
  EXPECT_EQ(bound(fc, "P"), 1);

  // Same names, same order as CoSA's unique_layers.yaml.
  const std::vector<std::string> unique = {
      "_outputs_input.2",   "_outputs_input.5",   "_outputs_input.8",   "_outputs_input.11",
      "_outputs_input.15",  "_outputs_input.33",  "_outputs_input.36",  "_outputs_input.39",
      "_outputs_input.40",  "_outputs_input.43",  "_outputs_input.46",  "_outputs_input.70",
      "_outputs_input.73",  "_outputs_input.76",  "_outputs_input.77",  "_outputs_input.80",
      "_outputs_input.83",  "_outputs_input.125", "_outputs_input.128", "_outputs_input.131",
      "_outputs_input.132", "_outputs_input.135", "_outputs_input.138", "_outputs_3356"};
  const std::vector<NetworkLayer> merged = uniqueLayers(net);
  EXPECT_EQ(names(merged), unique);
  // conv 3x3 64->64 at 56x56 occurs once per block of stage 1.
  ASSERT_EQ(merged[2].name, "_outputs_input.8");
  EXPECT_EQ(merged[2].count, 3);
  // 1x1 64->256 at 56x56: three expansions plus the first downsample shortcut.
  ASSERT_EQ(merged[3].name, "_outputs_input.11");
  EXPECT_EQ(merged[3].count, 4);
}

TEST(NetworkBuiltin, ResNeXt50KeepsGroupedLayersAsPublished) {
  const Network net = builtinNetwork("resnext50");
  const NetworkLayer* grouped = findLayer(net, "_outputs_input.8");
  ASSERT_NE(grouped, nullptr);
  EXPECT_EQ(bound(grouped->workload, "C"), 4);  // groups dropped: 4 channels in, 128 out
  EXPECT_EQ(bound(grouped->workload, "K"), 128);
  EXPECT_EQ(bound(grouped->workload, "R"), 3);
  const std::vector<std::string> unique = {
      "_outputs_input.2",   "_outputs_input.5",   "_outputs_input.8",   "_outputs_input.11",
      "_outputs_input.12",  "_outputs_input.15",  "_outputs_input.33",  "_outputs_input.36",
      "_outputs_input.39",  "_outputs_input.40",  "_outputs_input.43",  "_outputs_input.46",
      "_outputs_input.70",  "_outputs_input.73",  "_outputs_input.76",  "_outputs_input.77",
      "_outputs_input.80",  "_outputs_input.83",  "_outputs_input.125", "_outputs_input.128",
      "_outputs_input.131", "_outputs_input.132", "_outputs_input.135", "_outputs_input.138",
      "_outputs_3356"};
  EXPECT_EQ(names(uniqueLayers(net)), unique);
}

TEST(NetworkBuiltin, AlexNetLayers) {
  const Network net = builtinNetwork("alexnet");
  const std::vector<std::string> order = {"_outputs_input.2", "_outputs_input.4",  "_outputs_input.6",
                                          "_outputs_input.8", "_outputs_input.10", "_outputs_210",
                                          "_outputs_218",     "_outputs_223"};
  EXPECT_EQ(names(net.layers), order);
  const Workload& conv1 = net.layers[0].workload;
  EXPECT_EQ(bound(conv1, "R"), 11);
  EXPECT_EQ(bound(conv1, "P"), 55);
  EXPECT_EQ(bound(conv1, "C"), 3);
  EXPECT_EQ(bound(conv1, "K"), 64);
  EXPECT_EQ(conv1.coefficient("Hstride"), 4);
  const Workload& fc6 = net.layers[5].workload;
  EXPECT_EQ(bound(fc6, "C"), 9216);
  EXPECT_EQ(bound(fc6, "K"), 4096);
}

TEST(NetworkBuiltin, DeepBenchLayers) {
  const Network net = builtinNetwork("deepbench");
  EXPECT_EQ(net.layers.front().name, "07_OCR");
  EXPECT_EQ(net.layers.back().name, "15_Face_Recognition");
  const NetworkLayer* face = findLayer(net, "11_Face_Recognition");
  ASSERT_NE(face, nullptr);
  EXPECT_EQ(bound(face->workload, "P"), 108);
  EXPECT_EQ(bound(face->workload, "C"), 3);
  EXPECT_EQ(face->workload.coefficient("Wstride"), 2);

  const Network all = builtinNetwork("deepbench_all");
  EXPECT_EQ(all.layers.front().name, "01_DeepSpeech");
  EXPECT_EQ(all.layers.back().name, "76_SpeakerID");
  // The nine layers of `deepbench` appear in `deepbench_all` with the same shapes.
  for (const auto& layer : net.layers) {
    const NetworkLayer* same = findLayer(all, layer.name);
    ASSERT_NE(same, nullptr) << layer.name;
    EXPECT_EQ(same->workload, layer.workload) << layer.name;
  }
  // CoSA's data bug, kept as published: dilation 0.
  const NetworkLayer* speech = findLayer(all, "01_DeepSpeech");
  ASSERT_NE(speech, nullptr);
  EXPECT_EQ(speech->workload.coefficient("Hdilation"), 0);
  EXPECT_EQ(speech->workload.coefficient("Wdilation"), 0);
  EXPECT_EQ(bound(speech->workload, "S"), 20);
  int zero_dilation = 0;
  for (const auto& layer : all.layers)
    if (layer.workload.coefficient("Hdilation") == 0) ++zero_dilation;
  EXPECT_EQ(zero_dilation, 22);
}

TEST(NetworkBuiltin, UnknownNameListsAvailable) {
  const InputError e = expectInputError([] { builtinNetwork("vgg99"); });
  EXPECT_EQ(e.field(), "network");
  EXPECT_NE(e.reason().find("vgg99"), std::string::npos);
  EXPECT_NE(e.reason().find("resnet50"), std::string::npos);
  expectInputError([] { builtinNetwork("../networks/resnet50"); });
  expectInputError([] { builtinNetwork(""); });
}

TEST(NetworkBuiltin, DataDirFromEnvironment) {
  TempDir dir;
  dir.write("networks/tiny.yaml", "network: tiny\nlayers:\n  - {name: a, C: 2, K: 3}\n");
  ScopedEnv env("COSA_DATA_DIR", dir.path().string());
  EXPECT_EQ(builtinNetworkNames(), std::vector<std::string>{"tiny"});
  const Network tiny = builtinNetwork("tiny");
  ASSERT_EQ(tiny.layers.size(), 1u);
  EXPECT_EQ(bound(tiny.layers[0].workload, "K"), 3);
  expectInputError([] { builtinNetwork("resnet50"); });
}

TEST(NetworkFile, ShapeDefaultsCountsAndOverrides) {
  TempDir dir;
  const std::string path = dir.write("net.yaml", R"(network: mixed
source: hand written
shape: cnn-layer
layers:
  - {name: conv, R: 3, S: 3, P: 8, Q: 8, C: 4, K: 8, count: 3}
  - {name: mm, shape: gemm, M: 16, N: 32, K: 64}
  - name: nested
    instance: {C: 5, K: 6}
  - {C: 7}
)");
  const Network net = loadNetwork(path);
  EXPECT_EQ(net.name, "mixed");
  ASSERT_EQ(net.layers.size(), 4u);
  EXPECT_EQ(net.layers[0].count, 3);
  EXPECT_EQ(net.layers[0].workload.shape, "cnn-layer");
  EXPECT_EQ(net.layers[0].workload.coefficient("Wstride"), 1);
  EXPECT_EQ(net.layers[1].workload.shape, "gemm");
  EXPECT_EQ(bound(net.layers[1].workload, "K"), 64);
  EXPECT_EQ(net.layers[1].count, 1);
  EXPECT_EQ(bound(net.layers[2].workload, "C"), 5);
  EXPECT_EQ(net.layers[3].name, "layer3");
  EXPECT_EQ(bound(net.layers[3].workload, "R"), 1);
  EXPECT_EQ(net.totalLayers(), 6);

  // Without `network:` the name is the file's stem; without `shape:` layers are cnn-layer.
  const std::string bare = dir.write("bare_net.yaml", "layers:\n  - {name: x, C: 2}\n");
  const Network bare_net = loadNetwork(bare);
  EXPECT_EQ(bare_net.name, "bare_net");
  EXPECT_EQ(bare_net.layers[0].workload.shape, "cnn-layer");
}

TEST(NetworkUnique, MergesIdenticalShapesAndSumsCounts) {
  TempDir dir;
  const std::string path = dir.write("net.yaml", R"(shape: cnn-layer
layers:
  - {name: a, R: 3, S: 3, P: 8, Q: 8, C: 4, K: 8, count: 2}
  - {name: b, R: 1, S: 1, P: 8, Q: 8, C: 4, K: 8}
  - {name: c, R: 3, S: 3, P: 8, Q: 8, C: 4, K: 8, count: 3}
  - {name: d, R: 3, S: 3, P: 8, Q: 8, C: 4, K: 8, Wstride: 2}
  - {name: e, R: 1, S: 1, P: 8, Q: 8, C: 4, K: 8}
  - {name: f, shape: gemm, M: 4, N: 8, K: 8}
)");
  const Network net = loadNetwork(path);
  const std::vector<NetworkLayer> unique = uniqueLayers(net);
  EXPECT_EQ(names(unique), (std::vector<std::string>{"a", "b", "d", "f"}));
  ASSERT_EQ(unique.size(), 4u);
  EXPECT_EQ(unique[0].count, 5);
  EXPECT_EQ(unique[1].count, 2);
  EXPECT_EQ(unique[2].count, 1);  // differs only in a coefficient
  EXPECT_EQ(unique[3].count, 1);
  EXPECT_EQ(unique[0].workload, net.layers[0].workload);
}

TEST(NetworkDir, FollowsLayersYamlWithRepeats) {
  TempDir dir;
  dir.write("conv_a.yaml", "problem:\n  shape: cnn-layer\n  R: 3\n  S: 3\n  P: 4\n  Q: 4\n  C: 2\n  K: 2\n");
  dir.write("conv_b.yaml", "problem:\n  C: 8\n  K: 16\n  Hstride: 2\n  Wstride: 2\n");
  dir.write("unused.yaml", "not: a problem\n");
  dir.write("layers.yaml", "- conv_b\n- conv_a\n- conv_b\n");
  const Network net = loadWorkloadDir(dir.path().string());
  EXPECT_EQ(net.name, dir.path().filename().string());
  EXPECT_EQ(names(net.layers), (std::vector<std::string>{"conv_b", "conv_a", "conv_b"}));
  EXPECT_EQ(bound(net.layers[0].workload, "K"), 16);
  EXPECT_EQ(net.layers[0].workload.coefficient("Hstride"), 2);
  EXPECT_EQ(net.layers[1].workload.name, "conv_a");
  const std::vector<NetworkLayer> unique = uniqueLayers(net);
  ASSERT_EQ(unique.size(), 2u);
  EXPECT_EQ(unique[0].name, "conv_b");
  EXPECT_EQ(unique[0].count, 2);

  // A trailing slash names the same folder.
  EXPECT_EQ(loadWorkloadDir(dir.path().string() + "/").name, net.name);
}

TEST(NetworkDir, WithoutLayersYamlTakesEveryFileInNaturalOrder) {
  TempDir dir;
  dir.write("layer10.yaml", "problem:\n  C: 10\n");
  dir.write("layer2.yaml", "problem:\n  C: 2\n");
  dir.write("layer1.yaml", "problem:\n  C: 1\n");
  dir.write("unique_layers.yaml", "- layer1\n");
  dir.write("notes.txt", "ignored\n");
  const Network net = loadWorkloadDir(dir.path().string());
  EXPECT_EQ(names(net.layers), (std::vector<std::string>{"layer1", "layer2", "layer10"}));
  EXPECT_EQ(bound(net.layers[2].workload, "C"), 10);
}

TEST(NetworkDir, BundledCopyMatchesFolderLayout) {
  // A CoSA folder written from a bundled network loads back to the same layers.
  const Network resnet = builtinNetwork("resnet50");
  TempDir dir;
  std::string order;
  for (const auto& layer : resnet.layers) {
    const Workload& w = layer.workload;
    std::string text = "problem:\n  shape: cnn-layer\n";
    for (int d = 0; d < w.numDims(); ++d)
      text += "  " + w.dimensions[d] + ": " + std::to_string(w.bounds[d]) + "\n";
    for (const auto& c : w.coefficients) text += "  " + c.name + ": " + std::to_string(c.value) + "\n";
    dir.write(layer.name + ".yaml", text);
    order += "- " + layer.name + "\n";
  }
  dir.write("layers.yaml", order);
  const Network copy = loadWorkloadDir(dir.path().string());
  ASSERT_EQ(copy.layers.size(), resnet.layers.size());
  for (std::size_t i = 0; i < copy.layers.size(); ++i) {
    EXPECT_EQ(copy.layers[i].name, resnet.layers[i].name);
    EXPECT_EQ(copy.layers[i].workload, resnet.layers[i].workload);
  }
}

TEST(NetworkDir, BundledNetworksMatchCoSAFolders) {
  // When CoSA's folders sit next to the repository (../shared/reference), the bundled lists must
  // match them layer for layer. The project itself does not need them.
  const fs::path workloads =
      fs::path(COSA_DATA_DIR).parent_path().parent_path() / "shared" / "reference" / "cosa" / "workloads";
  if (!fs::is_directory(workloads)) GTEST_SKIP() << "no CoSA reference folders at " << workloads;
  const std::map<std::string, std::string> folders = {{"alexnet", "alexnet_graph"},
                                                      {"resnet50", "resnet50_graph"},
                                                      {"resnext50", "resnext50_32x4d_graph"},
                                                      {"deepbench", "deepbench_graph"}};
  for (const auto& [name, folder] : folders) {
    SCOPED_TRACE(name);
    const Network bundled = builtinNetwork(name);
    const Network original = loadWorkloadDir((workloads / folder).string());
    EXPECT_EQ(original.name, folder);
    ASSERT_EQ(original.layers.size(), bundled.layers.size());
    for (std::size_t i = 0; i < original.layers.size(); ++i) {
      EXPECT_EQ(original.layers[i].name, bundled.layers[i].name);
      EXPECT_EQ(original.layers[i].workload, bundled.layers[i].workload) << bundled.layers[i].name;
    }
  }
  const Network all = builtinNetwork("deepbench_all");
  for (const auto& layer : all.layers) {
    const Network one = [&] {
      TempDir dir;
      fs::copy_file(workloads / "deepbench_graph" / (layer.name + ".yaml"),
                    dir.path() / (layer.name + ".yaml"));
      return loadWorkloadDir(dir.path().string());
    }();
    ASSERT_EQ(one.layers.size(), 1u);
    EXPECT_EQ(one.layers[0].workload, layer.workload) << layer.name;
  }
}

TEST(NetworkErrors, MissingFile) {
  TempDir dir;
  const std::string path = (dir.path() / "nope.yaml").string();
  const InputError e = expectInputError([&] { loadNetwork(path); });
  EXPECT_EQ(e.where().file, path);
  const InputError d = expectInputError([&] { loadWorkloadDir((dir.path() / "missing").string()); });
  EXPECT_EQ(d.where().file, (dir.path() / "missing").string());
}

TEST(NetworkErrors, ZeroBoundNamesFileLineAndField) {
  TempDir dir;
  const std::string path = dir.write("net.yaml", R"(network: bad
shape: cnn-layer
layers:
  - {name: ok, C: 4, K: 4}
  - {name: broken, C: 4, K: 4,
     P: 0}
)");
  const InputError e = expectInputError([&] { loadNetwork(path); });
  EXPECT_EQ(e.where().file, path);
  EXPECT_EQ(e.field(), "layers[1].P");
  EXPECT_EQ(e.where().line, 6);
  EXPECT_NE(std::string(e.what()).find(path), std::string::npos);
}

TEST(NetworkErrors, BadLayerEntries) {
  TempDir dir;
  const auto check = [&](const std::string& text, const std::string& field) {
    SCOPED_TRACE(text);
    const std::string path = dir.write("net.yaml", text);
    const InputError e = expectInputError([&] { loadNetwork(path); });
    EXPECT_EQ(e.where().file, path);
    EXPECT_EQ(e.field(), field);
  };
  check("layers:\n  - {name: a, C: 4, count: 0}\n", "layers[0].count");
  check("layers:\n  - {name: a, C: 4, Z: 3}\n", "layers[0].Z");
  check("layers:\n  - {name: a, shape: no-such-shape, C: 4}\n", "layers[0].shape");
  check("shape: no-such-shape\nlayers:\n  - {name: a, C: 4}\n", "shape");
  check("layers:\n  - {name: a, C: -1}\n", "layers[0].C");
  check("layers: []\n", "layers");
  check("layers:\n  - just-a-name\n", "layers[0]");
  check("network: x\n", "");  // missing `layers:` is reported on the document
  check("network: x\nlayer: []\n", "layer");
}

TEST(NetworkFile, ParsesAnAlreadyLoadedDocument) {
  const Network net = parseNetwork(YamlView::loadString(
      "shape: gemm\nlayers:\n  - {name: a, M: 2, N: 3, K: 4, count: 2}\n", "dir/nets.yaml"));
  EXPECT_EQ(net.name, "nets");  // the stem of the document's name, as for files
  ASSERT_EQ(net.layers.size(), 1u);
  EXPECT_EQ(net.layers[0].workload.shape, "gemm");
  EXPECT_EQ(net.totalLayers(), 2);
}

TEST(NetworkErrors, FoundByFuzzing) {
  // The counts' sum overflowed the int of totalLayers() (undefined behaviour).
  InputError e = expectInputError([] {
    parseNetwork(
        YamlView::loadString("layers:\n  - {C: 1, count: 2147483647}\n  - {C: 2, count: 1}\n", "n.yaml"));
  });
  EXPECT_EQ(e.field(), "layers[1]");
  EXPECT_NE(e.reason().find("add up to more than 2147483647"), std::string::npos) << e.reason();
  // Layers are read in place (no copy without `count`): errors in a layer with a count, or in the
  // network's shape, keep their own line and field.
  e = expectInputError([] {
    parseNetwork(YamlView::loadString("shape: gemm\nlayers:\n  - {M: 1, count: 2,\n     K: 0}\n", "n.yaml"));
  });
  EXPECT_EQ(e.field(), "layers[0].K");
  EXPECT_EQ(e.where().line, 4);
  e = expectInputError([] {
    parseNetwork(
        YamlView::loadString("shape:\n  dimensions: [M]\n  data-spaces: [{name: A, projection: [X]}]\n"
                             "layers:\n  - {M: 1, count: 2}\n",
                             "n.yaml"));
  });
  EXPECT_EQ(e.field(), "shape.data-spaces[0].projection[0]");
  EXPECT_EQ(e.where().line, 3);
  // A workload whose counts overflow int64.
  e = expectInputError([] {
    parseNetwork(YamlView::loadString("layers:\n  - {C: 4294967296, K: 4294967296, count: 2}\n", "n.yaml"));
  });
  EXPECT_EQ(e.field(), "layers[0]");
  EXPECT_NE(e.reason().find("workload too large"), std::string::npos) << e.reason();
}

TEST(NetworkErrors, WorkloadDirProblems) {
  TempDir dir;
  dir.write("a.yaml", "problem:\n  C: 4\n");
  dir.write("zero.yaml", "problem:\n  C: 4\n  K: 0\n");
  const std::string order = dir.write("layers.yaml", "- a\n- missing_layer\n");
  InputError e = expectInputError([&] { loadWorkloadDir(dir.path().string()); });
  EXPECT_EQ(e.where().file, order);
  EXPECT_EQ(e.field(), "[1]");
  EXPECT_EQ(e.where().line, 2);
  EXPECT_NE(e.reason().find("missing_layer"), std::string::npos);

  const std::string zero = (dir.path() / "zero.yaml").string();
  dir.write("layers.yaml", "- a\n- zero\n");
  e = expectInputError([&] { loadWorkloadDir(dir.path().string()); });
  EXPECT_EQ(e.where().file, zero);
  EXPECT_EQ(e.field(), "problem.K");
  EXPECT_EQ(e.where().line, 3);

  TempDir empty;
  expectInputError([&] { loadWorkloadDir(empty.path().string()); });
}

}  // namespace
}  // namespace cosa
