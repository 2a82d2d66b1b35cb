#include "io/network/network_yaml.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <optional>
#include <string_view>

#include "common/error.hpp"
#include "io/timeloop/problem_yaml.hpp"
#include "io/yaml/yaml_util.hpp"

namespace cosa {

namespace fs = std::filesystem;

namespace {

std::string dataDir() {
  if (const char* env = std::getenv("COSA_DATA_DIR"); env != nullptr && *env != '\0') return env;
#ifdef COSA_DATA_DIR
  return COSA_DATA_DIR;
#else
  return "data";
#endif
}

fs::path networksDir() { return fs::path(dataDir()) / "networks"; }

bool isYamlFile(const fs::path& path) {
  const std::string ext = path.extension().string();
  return ext == ".yaml" || ext == ".yml";
}

// "layer2" < "layer10": runs of digits compare by value, everything else byte-wise.
bool naturalLess(std::string_view a, std::string_view b) {
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < a.size() && j < b.size()) {
    const bool da = std::isdigit(static_cast<unsigned char>(a[i])) != 0;
    const bool db = std::isdigit(static_cast<unsigned char>(b[j])) != 0;
    if (da && db) {
      std::size_t ei = i;
      std::size_t ej = j;
      while (ei < a.size() && std::isdigit(static_cast<unsigned char>(a[ei]))) ++ei;
      while (ej < b.size() && std::isdigit(static_cast<unsigned char>(b[ej]))) ++ej;
      std::string_view na = a.substr(i, ei - i);
      std::string_view nb = b.substr(j, ej - j);
      while (na.size() > 1 && na.front() == '0') na.remove_prefix(1);
      while (nb.size() > 1 && nb.front() == '0') nb.remove_prefix(1);
      if (na.size() != nb.size()) return na.size() < nb.size();
      if (na != nb) return na < nb;
      i = ei;
      j = ej;
      continue;
    }
    if (a[i] != b[j]) return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[j]);
    ++i;
    ++j;
  }
  if (a.size() - i != b.size() - j) return a.size() - i < b.size() - j;
  return a < b;  // equal up to leading zeros: fall back to a total order
}

NetworkLayer parseLayer(const YamlView& layer, std::size_t index, const std::optional<YamlView>& shape) {
  layer.expectMap();
  NetworkLayer out;
  out.name = layer.optString("name").value_or(fmt::format("layer{}", index));
  if (auto count = layer.find("count")) {
    const std::int64_t value = count->asInt();
    if (value < 1 || value > std::numeric_limits<int>::max())
      count->fail(fmt::format("count {} must be a positive integer", value));
    out.count = static_cast<int>(value);
  }
  // The layer is read in place, `count` allowed and the network's shape as the default. (It used
  // to be copied into a new YAML node without `count`, which made yaml-cpp merge the whole
  // document's node pool into the copy: quadratic in the file's size.)
  out.workload = parseProblemNode(layer, ProblemNodeOptions{{"count"}, shape});
  out.workload.name = out.name;
  return out;
}

std::string folderName(const fs::path& dir) {
  std::error_code ec;
  fs::path normal = fs::absolute(dir, ec).lexically_normal();
  if (ec) normal = dir.lexically_normal();
  if (normal.filename().empty()) normal = normal.parent_path();  // "a/b/" -> "a/b"
  return normal.filename().string();
}

NetworkLayer loadLayerFile(const fs::path& file) {
  NetworkLayer layer;
  layer.name = file.stem().string();
  layer.workload = parseProblem(YamlView::loadFile(file.string()));
  layer.workload.name = layer.name;
  return layer;
}

}  // namespace

Network loadNetwork(const std::string& path) { return parseNetwork(YamlView::loadFile(path)); }

Network parseNetwork(const YamlView& root) {
  root.expectMap();
  root.checkKeys({"network", "source", "description", "shape", "layers"});
  Network network;
  network.name = root.optString("network").value_or(fs::path(root.file()).stem().string());
  if (auto source = root.find("source")) source->asString();
  if (auto description = root.find("description")) description->asString();
  const std::optional<YamlView> shape = root.find("shape");
  const YamlView layers = root.get("layers");
  const std::vector<YamlView> elements = layers.elements();
  if (elements.empty()) layers.fail("a network needs at least one layer");
  std::int64_t total = 0;
  for (std::size_t i = 0; i < elements.size(); ++i) {
    network.layers.push_back(parseLayer(elements[i], i, shape));
    // Network::totalLayers() and uniqueLayers() sum the counts in an int.
    total += network.layers.back().count;
    if (total > std::numeric_limits<int>::max())
      elements[i].fail(
          fmt::format("the layers' counts add up to more than {}", std::numeric_limits<int>::max()));
  }
  return network;
}

std::vector<std::string> builtinNetworkNames() {
  std::vector<std::string> names;
  std::error_code ec;
  for (fs::directory_iterator it(networksDir(), ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_regular_file(ec) && isYamlFile(it->path())) names.push_back(it->path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<std::string> paperNetworkNames() { return {"alexnet", "resnet50", "resnext50", "deepbench"}; }

Network builtinNetwork(const std::string& name) {
  const fs::path dir = networksDir();
  const bool plain_name = !name.empty() && name.find_first_of("/\\") == std::string::npos && name != "..";
  for (const char* ext : {".yaml", ".yml"}) {
    const fs::path file = dir / (name + ext);
    std::error_code ec;
    if (plain_name && fs::is_regular_file(file, ec)) return loadNetwork(file.string());
  }
  std::string known;
  for (const auto& n : builtinNetworkNames()) known += (known.empty() ? "" : ", ") + n;
  if (known.empty()) known = fmt::format("none found in {}", dir.string());
  throw InputError({}, "network", fmt::format("unknown built-in network '{}' (available: {})", name, known));
}

Network namedNetwork(const std::string& name_or_path) {
  std::error_code ec;
  const fs::path path(name_or_path);
  const bool looks_like_path = name_or_path.find_first_of("/\\") != std::string::npos ||
                               path.extension() == ".yaml" || path.extension() == ".yml";
  if (fs::is_regular_file(path, ec) || looks_like_path) return loadNetwork(name_or_path);
  return builtinNetwork(name_or_path);
}

Network loadWorkloadDir(const std::string& dir) {
  const fs::path folder(dir);
  std::error_code ec;
  if (!fs::is_directory(folder, ec)) throw InputError({dir, 0, 0}, "", "not a folder (or cannot be opened)");

  Network network;
  network.name = folderName(folder);
  const fs::path order_file = folder / "layers.yaml";
  if (fs::exists(order_file, ec)) {
    const YamlView order = YamlView::loadFile(order_file.string());
    const std::vector<YamlView> entries = order.elements();
    if (entries.empty()) order.fail("layers.yaml lists no layers");
    for (const YamlView& entry : entries) {
      const std::string name = entry.asString();
      fs::path file = folder / name;
      if (!isYamlFile(file)) file = folder / (name + ".yaml");
      if (!fs::is_regular_file(file, ec)) entry.fail(fmt::format("layer file '{}' not found", file.string()));
      network.layers.push_back(loadLayerFile(file));
    }
    return network;
  }

  std::vector<fs::path> files;
  for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    const fs::path& p = it->path();
    const std::string stem = p.stem().string();
    if (it->is_regular_file(ec) && isYamlFile(p) && stem != "layers" && stem != "unique_layers")
      files.push_back(p);
  }
  if (ec) throw InputError({dir, 0, 0}, "", "cannot read folder: " + ec.message());
  if (files.empty()) throw InputError({dir, 0, 0}, "", "no problem YAML files (*.yaml) in folder");
  std::sort(files.begin(), files.end(), [](const fs::path& a, const fs::path& b) {
    return naturalLess(a.filename().string(), b.filename().string());
  });
  for (const fs::path& file : files) network.layers.push_back(loadLayerFile(file));
  return network;
}

}  // namespace cosa
