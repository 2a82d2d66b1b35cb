#include "io/timeloop/arch_yaml.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <optional>
#include <string_view>
#include <vector>

#include "io/timeloop/arch_v04.hpp"

namespace cosa {

namespace {

// Attribute names as Timeloop 019f107 reads them. Where Timeloop accepts synonyms, the first
// spelling in each list takes precedence; giving two spellings with different values is an error.
const std::vector<std::string> kWordBitsKeys = {"word-bits", "word_width", "datawidth"};
const std::vector<std::string> kArithWordBitsKeys = {"word-bits", "datawidth"};
const std::vector<std::string> kBlockSizeKeys = {"block-size", "block_size", "n_words"};
const std::vector<std::string> kWidthKeys = {"width", "memory_width", "data_storage_width"};
const std::vector<std::string> kDepthKeys = {"depth", "memory_depth", "data_storage_depth"};
const std::vector<std::string> kPortsKeys = {"num-ports", "n_ports"};
const std::vector<std::string> kBanksKeys = {"num-banks", "n_banks"};

const std::vector<std::string> kStorageKeys = {"entries",
                                               "depth",
                                               "memory_depth",
                                               "data_storage_depth",
                                               "sizeKB",
                                               "instances",
                                               "word-bits",
                                               "word_width",
                                               "datawidth",
                                               "block-size",
                                               "block_size",
                                               "n_words",
                                               "cluster-size",
                                               "width",
                                               "memory_width",
                                               "data_storage_width",
                                               "num-ports",
                                               "n_ports",
                                               "num-banks",
                                               "n_banks",
                                               "technology",
                                               "bandwidth",
                                               "read_bandwidth",
                                               "write_bandwidth",
                                               "network-word-bits",
                                               "meshX",
                                               "meshY",
                                               "multiple-buffering"};
const std::vector<std::string> kArithmeticKeys = {"instances", "word-bits", "datawidth",
                                                  "meshX",     "meshY",     "energy"};
// Accelergy attributes that only its energy/area plug-ins read; Timeloop's model ignores them, and
// so does cosa (with a warning naming them, like any other attribute it does not use).
const std::vector<std::string> kAccelergyOnlyKeys = {
    "type",      "latency",  "n_rdwr_ports", "n_rd_ports",        "n_wr_ports", "area",       "nports",
    "n_buffets", "subclass", "length",       "update_fifo_depth", "datawidth",  "technology", "memory_width",
    "n_banks",   "width",    "depth",        "memory_depth"};
// Attributes Timeloop reads but cosa does not model (sparse, user networks, energy overrides of
// the inferred networks): rejected rather than silently changing results.
const std::vector<std::string> kUnsupportedKeys = {"shared_bandwidth",
                                                   "min-utilization",
                                                   "metadata_block_size",
                                                   "metadata_datawidth",
                                                   "metadata_word_bits",
                                                   "metadata_storage_width",
                                                   "metadata_storage_depth",
                                                   "concordant_compressed_tile_traversal",
                                                   "tile_partition_supported",
                                                   "decompression_supported",
                                                   "compression_supported",
                                                   "reduction_supported",
                                                   "allow_overbooking",
                                                   "network_read",
                                                   "network_fill",
                                                   "network_drain",
                                                   "network_update",
                                                   "network_operand",
                                                   "network_result",
                                                   "network-type",
                                                   "router-energy",
                                                   "wire-energy",
                                                   "tile-width",
                                                   "energy-per-hop"};

// Component classes of the tree form, matched as substrings as Timeloop does.
const std::vector<std::string> kStorageClasses = {"DRAM", "SRAM", "regfile", "smartbuffer", "storage"};
const std::vector<std::string> kComputeClasses = {"mac", "intmac", "fpmac", "compute"};
const std::vector<std::string> kNetworkClasses = {"XY_NoC", "Legacy", "ReductionTree", "SimpleMulticast"};

bool contains(const std::vector<std::string>& list, std::string_view key) {
  return std::find(list.begin(), list.end(), key) != list.end();
}

bool classMatches(const std::string& cls, const std::vector<std::string>& patterns) {
  return std::any_of(patterns.begin(), patterns.end(),
                     [&](const std::string& p) { return cls.find(p) != std::string::npos; });
}

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

// A replicated component name "PE[0..15]": the base name and the number of copies.
struct ParsedName {
  std::string base;
  std::int64_t count = 1;
};

ParsedName parseName(const YamlView& node) {
  const std::string text = node.asString();
  const auto open = text.find('[');
  if (open == std::string::npos) {
    if (text.find(']') != std::string::npos) node.fail(fmt::format("malformed name '{}'", text));
    return {text, 1};
  }
  const auto dots = text.find("..", open);
  const auto close = text.find(']', open);
  if (dots == std::string::npos || close == std::string::npos || dots > close || close + 1 != text.size())
    node.fail(fmt::format("malformed replicated name '{}' (expected NAME[first..last])", text));
  auto number = [&](std::string_view digits) -> std::int64_t {
    if (digits.empty() ||
        !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
        digits.size() > 15)
      node.fail(fmt::format("malformed replicated name '{}' (expected NAME[first..last])", text));
    return std::stoll(std::string(digits));
  };
  const std::string_view view(text);
  const std::int64_t first = number(view.substr(open + 1, dots - open - 1));
  const std::int64_t last = number(view.substr(dots + 2, close - dots - 2));
  if (last < first) node.fail(fmt::format("replicated name '{}' has last index below first", text));
  ParsedName out{text.substr(0, open), last - first + 1};
  if (out.base.empty()) node.fail(fmt::format("replicated name '{}' has no base name", text));
  return out;
}

// The attribute map of a component plus helpers that honour Timeloop's synonyms.
class Attributes {
 public:
  explicit Attributes(YamlView view) : view_(std::move(view)) {}
  const YamlView& view() const { return view_; }

  // The first present spelling among `keys`; other spellings must agree with it.
  std::optional<YamlView> find(const std::vector<std::string>& keys) const {
    std::optional<YamlView> chosen;
    std::string chosen_key;
    for (const auto& key : keys) {
      auto node = view_.find(key);
      if (!node) continue;
      if (!chosen) {
        chosen = node;
        chosen_key = key;
      } else if (node->asDouble() != chosen->asDouble()) {
        node->fail(
            fmt::format("conflicts with '{}' ({} vs {})", chosen_key, node->asString(), chosen->asString()));
      }
    }
    return chosen;
  }
  std::optional<YamlView> find(std::string_view key) const { return view_.find(key); }

  // An integer >= `min`, when present.
  std::optional<std::int64_t> integer(const std::vector<std::string>& keys, std::int64_t min = 1) const {
    auto node = find(keys);
    if (!node) return std::nullopt;
    const std::int64_t value = node->asInt();
    if (value < min) node->fail(fmt::format("{} must be >= {}", value, min));
    return value;
  }
  std::optional<std::int64_t> integer(std::string_view key, std::int64_t min = 1) const {
    return integer(std::vector<std::string>{std::string(key)}, min);
  }
  std::optional<double> positive(std::string_view key) const {
    auto node = find(key);
    if (!node) return std::nullopt;
    const double value = node->asDouble();
    if (!(value > 0)) node->fail(fmt::format("{} must be > 0", node->asString()));
    return value;
  }

  // Attributes cosa does not use are ignored with a warning (Timeloop ignores them silently);
  // those that would change Timeloop's results (sparse, user networks) are errors.
  void checkKeys(const std::vector<std::string>& allowed, const std::vector<std::string>& extra) const {
    view_.expectMap();
    for (const auto& [key, node] : view_.entries())
      if (contains(kUnsupportedKeys, key))
        node.fail(
            fmt::format("attribute '{}' is not supported by cosa (Timeloop sparse/network feature)", key));
    std::vector<std::string> keys = allowed;
    keys.insert(keys.end(), extra.begin(), extra.end());
    view_.warnUnknownKeys(keys, "attribute", kAccelergyOnlyKeys,
                          "an Accelergy attribute for energy/area estimation; Timeloop's model and cosa do "
                          "not use it");
  }

 private:
  YamlView view_;
};

// a * b for sizes read from the input: fails at `where` rather than overflowing.
std::int64_t checkedProduct(const YamlView& where, std::int64_t a, std::int64_t b, std::string_view what) {
  std::int64_t out = 0;
  if (__builtin_mul_overflow(a, b, &out)) where.fail(fmt::format("{} ({} x {}) is too large", what, a, b));
  return out;
}

int toInt(const YamlView& node, std::int64_t value) {
  if (value > std::numeric_limits<int>::max()) node.fail(fmt::format("{} is too large", value));
  return static_cast<int>(value);
}

// A component: `{name, class?, attributes: {...}}` (Accelergy) or `{name, ...attributes}`.
struct Component {
  YamlView node;
  ParsedName name;
  std::string cls;
  Attributes attrs;
  std::vector<std::string> own_keys;  // keys allowed next to the attributes
};

Component readComponent(const YamlView& node, bool tree, bool name_required = true) {
  node.expectMap();
  ParsedName name;
  if (name_required || node.has("name")) {
    const YamlView name_node = node.get("name");
    name = parseName(name_node);
    if (!tree && name.count != 1)
      name_node.fail("replicated names NAME[a..b] need the tree form (version 0.2/0.3)");
  }
  std::string cls = node.optString("class").value_or("");
  if (auto attributes = node.find("attributes")) {
    node.warnUnknownKeys({"name", "class", "attributes"}, "key", {"subclass", "required_actions"},
                         "an Accelergy key; Timeloop's model and cosa do not use it");
    attributes->expectMap();
    return {node, std::move(name), std::move(cls), Attributes(*attributes), {}};
  }
  return {node, std::move(name), std::move(cls), Attributes(node), {"name", "class"}};
}

void checkMesh(const YamlView& where, std::int64_t instances, std::optional<std::int64_t> mesh_x,
               std::optional<std::int64_t> mesh_y) {
  std::int64_t mesh = 0;
  if (mesh_x && mesh_y && (__builtin_mul_overflow(*mesh_x, *mesh_y, &mesh) || mesh != instances))
    where.fail(fmt::format("meshX {} x meshY {} does not equal instances {}", *mesh_x, *mesh_y, instances));
  if (mesh_x && instances % *mesh_x != 0)
    where.fail(fmt::format("meshX {} does not divide instances {}", *mesh_x, instances));
  if (mesh_y && instances % *mesh_y != 0)
    where.fail(fmt::format("meshY {} does not divide instances {}", *mesh_y, instances));
}

// Instances: the attribute, else meshX x meshY, else `replicated` (tree form), else an error.
std::int64_t readInstances(const Component& c, std::optional<std::int64_t> replicated) {
  const auto mesh_x = c.attrs.integer("meshX");
  const auto mesh_y = c.attrs.integer("meshY");
  std::int64_t instances = 0;
  if (auto given = c.attrs.integer("instances")) {
    instances = *given;
  } else if (replicated) {
    instances = *replicated;
  } else if (mesh_x && mesh_y) {
    instances = checkedProduct(c.attrs.view(), *mesh_x, *mesh_y, "meshX x meshY");
  } else {
    c.attrs.view().fail(fmt::format("'{}': instances (or meshX and meshY) must be given", c.name.base));
  }
  const YamlView where = c.attrs.find("instances").value_or(c.attrs.view());
  if (instances > kMaxInstances)
    where.fail(fmt::format("'{}': {} instances exceed the supported maximum of {}", c.name.base, instances,
                           kMaxInstances));
  checkMesh(where, instances, mesh_x, mesh_y);
  return instances;
}

StorageLevel readStorage(const Component& c, std::optional<std::int64_t> replicated) {
  c.attrs.checkKeys(kStorageKeys, c.own_keys);
  StorageLevel level;
  level.name = c.name.base;
  if (level.name.empty()) c.node.get("name").fail("empty level name");

  // Technology: DRAM when the class or the `technology` attribute says so; in the tree form
  // `technology` is usually a process node such as 45nm, which means SRAM here.
  const auto technology = c.attrs.find("technology");
  const bool dram =
      c.cls.find("DRAM") != std::string::npos || (technology && technology->asString() == "DRAM");
  level.technology = dram ? "DRAM" : "SRAM";

  const auto word_bits_node = c.attrs.find(kWordBitsKeys);
  if (auto wb = c.attrs.integer(kWordBitsKeys)) level.word_bits = toInt(*word_bits_node, *wb);

  const auto block_node = c.attrs.find(kBlockSizeKeys);
  const auto block = c.attrs.integer(kBlockSizeKeys);
  if (block) level.block_size = toInt(*block_node, *block);
  const auto cluster_node = c.attrs.find("cluster-size");
  const auto cluster = c.attrs.integer("cluster-size");
  if (cluster) level.cluster_size = toInt(*cluster_node, *cluster);

  // A storage width (bits per physical access) fixes whichever of block-size and cluster-size
  // is not given: width = word-bits x block-size x cluster-size. Timeloop 019f107 divides in
  // integers: with only cluster-size given, block-size = width / cluster-size / word-bits, rounded
  // down at each step, which can be 0 (then a size given as depth is 0 words).
  std::optional<YamlView> block_from_width;
  if (auto width_node = c.attrs.find(kWidthKeys)) {
    const std::int64_t width = c.attrs.integer(kWidthKeys).value();
    const std::int64_t wb = level.word_bits;
    if (width % (wb * level.block_size) != 0)
      width_node->fail(fmt::format("width {} is not a multiple of word-bits {} x block-size {}", width, wb,
                                   level.block_size));
    if (block && cluster) {
      std::int64_t product = 0;
      if (__builtin_mul_overflow(wb * *block, *cluster, &product) || product != width)
        width_node->fail(fmt::format("width {} does not equal word-bits {} x block-size {} x cluster-size {}",
                                     width, wb, *block, *cluster));
    } else if (cluster) {
      const std::int64_t derived = width / *cluster / wb;
      if (width % (wb * *cluster) != 0)
        width_node->warn(fmt::format(
            "width {} is not a multiple of word-bits {} x cluster-size {}: block-size is {} / {} / {} "
            "rounded down = {}, as Timeloop 019f107 computes it",
            width, wb, *cluster, width, *cluster, wb, derived));
      level.block_size = toInt(*width_node, derived);
      block_from_width = width_node;
    } else if (block) {
      level.cluster_size = toInt(*width_node, width / (wb * *block));
    } else {
      level.block_size = toInt(*width_node, width / wb);
      level.cluster_size = 1;
    }
  }

  // Size in words: `entries`, else depth x block-size, else sizeKB.
  const auto entries_node = c.attrs.find("entries");
  const auto depth_node = c.attrs.find(kDepthKeys);
  const auto kb_node = c.attrs.find("sizeKB");
  if ((entries_node ? 1 : 0) + (depth_node ? 1 : 0) + (kb_node ? 1 : 0) > 1) {
    const YamlView& second = kb_node ? *kb_node : *depth_node;
    second.fail("give only one of entries, depth and sizeKB");
  }
  // 0 entries (or depth 0) is a dummy level, as in Timeloop's Eyeriss configurations: it holds
  // nothing, so every data space must bypass it, and it only marks a spatial fan-out.
  if (entries_node) {
    level.entries = c.attrs.integer("entries", 0).value();
  } else if (depth_node) {
    level.entries = checkedProduct(*depth_node, c.attrs.integer(kDepthKeys, 0).value(), level.block_size,
                                   "depth x block-size");
    if (level.block_size == 0 && *level.entries == 0 && block_from_width)
      depth_node->warn(
          fmt::format("'{}' holds 0 words (depth x block-size {}), as in Timeloop 019f107: every data "
                      "space must bypass it",
                      level.name, level.block_size));
  } else if (kb_node) {
    const double kb = kb_node->asDouble();
    const double words = std::floor(kb * 1024 * 8 / level.word_bits);
    if (!(words >= 1))
      kb_node->fail(fmt::format("sizeKB {} holds no {}-bit word", kb_node->asString(), level.word_bits));
    if (!(words < 0x1p63)) kb_node->fail(fmt::format("sizeKB {} is too large", kb_node->asString()));
    level.entries = static_cast<std::int64_t>(words);
  } else if (!dram) {
    c.attrs.view().fail(
        fmt::format("'{}': a non-DRAM level needs a size (entries, depth or sizeKB)", level.name));
  }
  // The cost model accesses storage in blocks of at least one word; a block-size of 0 (above)
  // only matters for the size, which is already 0 words then.
  level.block_size = std::max(level.block_size, 1);

  level.instances = readInstances(c, replicated);
  level.mesh_x = c.attrs.integer("meshX");
  level.mesh_y = c.attrs.integer("meshY");

  if (auto ports = c.attrs.integer(kPortsKeys)) {
    if (*ports != 1 && *ports != 2) c.attrs.find(kPortsKeys)->fail(fmt::format("{} must be 1 or 2", *ports));
    level.num_ports = static_cast<int>(*ports);
  }
  if (auto banks = c.attrs.integer(kBanksKeys)) level.num_banks = toInt(*c.attrs.find(kBanksKeys), *banks);

  // Legacy `bandwidth` is shared: Timeloop gives reads and writes half each. Explicit
  // read_bandwidth / write_bandwidth override it.
  if (auto bw = c.attrs.positive("bandwidth")) {
    level.read_bandwidth = *bw / 2;
    level.write_bandwidth = *bw / 2;
  }
  if (auto bw = c.attrs.positive("read_bandwidth")) level.read_bandwidth = *bw;
  if (auto bw = c.attrs.positive("write_bandwidth")) level.write_bandwidth = *bw;
  if (auto nwb = c.attrs.integer("network-word-bits"))
    level.network_word_bits = toInt(*c.attrs.find("network-word-bits"), *nwb);
  if (auto mb = c.attrs.positive("multiple-buffering")) level.multiple_buffering = *mb;

  if (dram && level.cluster_size != 1)
    (cluster_node ? *cluster_node : c.attrs.view()).fail("a DRAM level must have cluster-size 1");
  return level;
}

ArithmeticLevel readArithmetic(const Component& c, std::optional<std::int64_t> replicated) {
  c.attrs.checkKeys(kArithmeticKeys, c.own_keys);
  ArithmeticLevel arith;
  // Timeloop names an unnamed arithmetic level __ARITH__.
  arith.name = c.name.base.empty() ? "__ARITH__" : c.name.base;
  arith.instances = readInstances(c, replicated);
  if (auto wb = c.attrs.integer(kArithWordBitsKeys))
    arith.word_bits = toInt(*c.attrs.find(kArithWordBitsKeys), *wb);
  arith.mesh_x = c.attrs.integer("meshX");
  arith.mesh_y = c.attrs.integer("meshY");
  if (auto energy = c.attrs.find("energy")) {
    const double value = energy->asDouble();
    if (value < 0) energy->fail(fmt::format("{} must be >= 0", energy->asString()));
    arith.energy_per_op_pJ = value;
  }
  return arith;
}

// Legacy flat form: `arithmetic: {...}` and `storage: [...]`, innermost first.
struct Parsed {
  Architecture arch;
  std::vector<YamlView> level_nodes;  // innermost first, for messages
};

Parsed parseFlat(const YamlView& arch) {
  if (arch.has("subtree") || arch.has("local"))
    arch.fail("the tree form (subtree/local) needs 'version: 0.2' or 'version: 0.3'");
  // `constraints` under the architecture are architecture constraints (read with the mapspace).
  arch.warnUnknownKeys({"name", "arithmetic", "storage", "constraints"}, "key");
  Parsed parsed;
  Architecture& out = parsed.arch;
  out.name = arch.optString("name").value_or("");

  const YamlView arith_node = arch.get("arithmetic");
  arith_node.expectMap();
  // The arithmetic block may omit its name (Timeloop calls it __ARITH__).
  out.arithmetic = readArithmetic(readComponent(arith_node, false, false), std::nullopt);

  const YamlView storage = arch.get("storage");
  storage.expectSequence();
  for (const YamlView& node : storage.elements()) {
    out.levels.push_back(readStorage(readComponent(node, false), std::nullopt));
    parsed.level_nodes.push_back(node);
  }
  return parsed;
}

// Accelergy v0.2/v0.3 tree: one chain of subtrees; components in `local` lists. Deeper subtrees
// are closer to the arithmetic; within one `local` list, later storage components are inner.
Parsed parseTree(const YamlView& arch) {
  // Timeloop reads components only inside subtrees; ones directly under the architecture are
  // ignored (as there), with a warning.
  if (arch.has("local"))
    arch.warnAtKey("local",
                   "components directly under the architecture are ignored (as in Timeloop); put them in a "
                   "subtree");
  arch.warnUnknownKeys({"version", "name", "subtree", "local", "constraints", "attributes"}, "key");
  Parsed parsed;
  Architecture& out = parsed.arch;
  std::vector<YamlView> outer_first_nodes;
  out.name = arch.optString("name").value_or("");

  std::vector<StorageLevel> outer_first;
  std::optional<ArithmeticLevel> arithmetic;
  std::int64_t multiplication = 1;
  YamlView node = arch;
  while (auto subtree = node.find("subtree")) {
    subtree->expectSequence();
    const auto children = subtree->elements();
    if (children.empty()) break;
    if (children.size() > 1) subtree->fail("only one subtree per level is supported (as in Timeloop)");
    node = children[0];
    node.expectMap();
    // Node-level attributes are for Accelergy; Timeloop reads only the components' own.
    node.warnUnknownKeys({"name", "attributes", "local", "subtree"}, "key");
    if (auto name = node.find("name")) {
      const ParsedName parsed = parseName(*name);
      multiplication = checkedProduct(*name, multiplication, parsed.count, "replication");
    }
    auto local = node.find("local");
    if (!local) continue;
    local->expectSequence();
    for (const YamlView& element : local->elements()) {
      Component c = readComponent(element, true);
      const std::int64_t replicated =
          checkedProduct(element.get("name"), multiplication, c.name.count, "replication");
      if (classMatches(c.cls, kStorageClasses)) {
        outer_first.push_back(readStorage(c, replicated));
        outer_first_nodes.push_back(element);
      } else if (classMatches(c.cls, kComputeClasses)) {
        if (arithmetic)
          element.fail(fmt::format("a second compute component ('{}' is already the arithmetic level)",
                                   arithmetic->name));
        arithmetic = readArithmetic(c, replicated);
      } else if (classMatches(c.cls, kNetworkClasses)) {
        element.get("class").fail(fmt::format("network components (class '{}') are not supported", c.cls));
      } else {
        // Timeloop skips components of other classes (wires, adders, ... for Accelergy).
        const std::string shown = c.cls.empty() ? std::string("no class") : fmt::format("class '{}'", c.cls);
        (element.has("class") ? element.get("class") : element)
            .warn(fmt::format("component '{}' ({}) ignored: not a storage ({}) or compute ({}) class, as in "
                              "Timeloop",
                              c.name.base, shown, joined(kStorageClasses), joined(kComputeClasses)));
      }
    }
  }
  if (!arithmetic) arch.fail("no compute component (class mac, intmac, fpmac or compute) in the tree");
  out.arithmetic = *arithmetic;
  out.levels.assign(outer_first.rbegin(), outer_first.rend());
  parsed.level_nodes.assign(outer_first_nodes.rbegin(), outer_first_nodes.rend());
  return parsed;
}

// Checks that hold for both forms.
void validate(const Parsed& parsed, const YamlView& arch) {
  const Architecture& a = parsed.arch;
  if (a.levels.empty()) arch.fail("no storage levels");
  for (int i = 0; i < a.numLevels(); ++i) {
    const StorageLevel& level = a.levels[i];
    const YamlView& node = parsed.level_nodes[i];
    const YamlView name = node.get("name");
    if (level.name == a.arithmetic.name)
      name.fail(fmt::format("level name '{}' is also the arithmetic level's name", level.name));
    for (int j = 0; j < i; ++j)
      if (a.levels[j].name == level.name) name.fail(fmt::format("duplicate level name '{}'", level.name));
    const std::int64_t child = i == 0 ? a.arithmetic.instances : a.levels[i - 1].instances;
    const std::string& child_name = i == 0 ? a.arithmetic.name : a.levels[i - 1].name;
    if (child % level.instances != 0) {
      std::optional<YamlView> at = node.find("instances");
      if (!at)
        if (auto attributes = node.find("attributes")) at = attributes->find("instances");
      (at ? *at : name)
          .fail(fmt::format("instances {} of '{}' do not divide the {} instances of its child '{}'",
                            level.instances, level.name, child, child_name));
    }
  }
}

}  // namespace

namespace {

Architecture parseArchitectureSection(const YamlView& arch) {
  arch.expectMap();
  Parsed parsed;
  if (auto version = arch.find("version")) {
    const std::string v = version->asString();
    if (v != "0.2" && v != "0.3")
      version->fail(
          fmt::format("unsupported version '{}' (the tree form needs 0.2 or 0.3; omit version for the "
                      "flat arithmetic/storage form)",
                      v));
    parsed = parseTree(arch);
  } else {
    parsed = parseFlat(arch);
  }
  validate(parsed, arch);
  return parsed.arch;
}

}  // namespace

Architecture parseArchitecture(const InputFiles& files) {
  // Timeloop reads `arch`, else `architecture`.
  const auto arch = files.section({"arch", "architecture"});
  if (!arch) files.failMissing("the architecture (an 'arch' or 'architecture' section)");
  arch->expectMap();
  // Timeloop v0.4 (timeloopfe's user form and its processed output): io/timeloop/arch_v04, which reads
  // the whole document (variables, sparse settings).
  if (v04::declaresV04(*arch)) {
    for (const char* key : {"variables", "globals"}) files.markUsed(key);
    return v04::parseArchitecture(files.merged());
  }
  if (arch->path() == "arch")
    if (auto other = files.section("architecture"))
      other->warn("ignored: an 'arch' section is given too, and Timeloop reads 'arch' first");
  // Sparse optimizations change Timeloop's results; cosa models dense tensors only.
  if (auto sparse = files.section("sparse_optimizations"))
    sparse->fail("sparse optimizations are not supported by cosa (it models dense tensors only)");
  return parseArchitectureSection(*arch);
}

Architecture parseArchitecture(const YamlView& root) { return parseArchitecture(InputFiles::fromRoot(root)); }

Architecture loadArchitecture(const std::string& path) {
  Architecture arch = parseArchitecture(YamlView::loadFile(path));
  if (arch.name.empty()) arch.name = std::filesystem::path(path).stem().string();
  return arch;
}

Architecture parseArchitectureText(const std::string& text, const std::string& name) {
  return parseArchitecture(YamlView::loadString(text, name));
}

Architecture loadArchitecture(const InputFiles& files) {
  Architecture arch = parseArchitecture(files);
  if (arch.name.empty()) {
    // Named after the file that holds the architecture.
    const auto section = files.section({"arch", "architecture"});
    arch.name = std::filesystem::path(section->file()).stem().string();
  }
  return arch;
}

}  // namespace cosa
