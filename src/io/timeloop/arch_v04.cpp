#include "io/timeloop/arch_v04.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "io/timeloop/arch_yaml.hpp"
#include "io/yaml/yaml_merge.hpp"

namespace cosa::v04 {
namespace {

// Component classes, matched as substrings in this order, as timeloopfe matches them.
const std::vector<std::string> kStorageClasses = {"DRAM", "SRAM", "regfile", "smartbuffer", "storage"};
const std::vector<std::string> kComputeClasses = {"mac", "intmac", "fpmac", "compute"};
const std::vector<std::string> kNetworkClasses = {"XY_NoC", "Legacy", "ReductionTree", "SimpleMulticast"};

bool matches(const std::string& cls, const std::vector<std::string>& patterns) {
  return std::any_of(patterns.begin(), patterns.end(),
                     [&](const std::string& p) { return cls.find(p) != std::string::npos; });
}

bool contains(const std::vector<std::string>& list, const std::string& key) {
  return std::find(list.begin(), list.end(), key) != list.end();
}

// Storage attributes Timeloop 019f107 reads (the spellings the v0.3 reader takes), passed on.
const std::vector<std::string> kStoragePassed = {"datawidth",
                                                 "word-bits",
                                                 "word_width",
                                                 "width",
                                                 "memory_width",
                                                 "data_storage_width",
                                                 "depth",
                                                 "memory_depth",
                                                 "data_storage_depth",
                                                 "entries",
                                                 "sizeKB",
                                                 "block_size",
                                                 "block-size",
                                                 "n_words",
                                                 "cluster-size",
                                                 "n_banks",
                                                 "num-banks",
                                                 "n_ports",
                                                 "num-ports",
                                                 "technology",
                                                 "bandwidth",
                                                 "read_bandwidth",
                                                 "write_bandwidth",
                                                 "meshX",
                                                 "meshY",
                                                 "instances",
                                                 "multiple-buffering",
                                                 "network-word-bits"};
const std::vector<std::string> kComputePassed = {"datawidth", "word-bits", "meshX",
                                                 "meshY",     "instances", "energy"};

// Attributes timeloopfe writes, or Accelergy reads, that Timeloop 019f107's model does not read:
// dropped. (`cluster_size`, `multiple_buffering` and `num_ports` with underscores are read only by
// later Timeloop versions; docs/timeloop-v04.md.)
const std::vector<std::string> kIgnored = {"cluster_size",
                                           "multiple_buffering",
                                           "num_ports",
                                           "nports",
                                           "has_power_gating",
                                           "power_gated_at",
                                           "global_cycle_seconds",
                                           "type",
                                           "version",
                                           "update_fifo_depth",
                                           "multiplier_width",
                                           "adder_width",
                                           "n_rdwr_ports",
                                           "n_rd_ports",
                                           "n_wr_ports",
                                           "n_rw_ports",
                                           "latency",
                                           "area",
                                           "action_latency_cycles"};

// Attributes that change what Timeloop computes in ways cosa does not model: accepted only with
// their default (timeloopfe writes them out with it).
struct DefaultOnly {
  const char* name;
  const char* value;  // the only accepted value; nullptr = only null
};
const std::vector<DefaultOnly> kDefaultsOnly = {{"reduction_supported", "true"},
                                                {"allow_overbooking", "false"},
                                                {"min_utilization", "0"},
                                                {"shared_bandwidth", nullptr},
                                                {"network_fill_latency", nullptr},
                                                {"network_drain_latency", nullptr},
                                                {"metadata_block_size", nullptr},
                                                {"metadata_datawidth", nullptr},
                                                {"metadata_storage_width", nullptr},
                                                {"metadata_storage_depth", nullptr},
                                                {"concordant_compressed_tile_traversal", nullptr},
                                                {"tile_partition_supported", nullptr},
                                                {"decompression_supported", nullptr},
                                                {"compression_supported", nullptr},
                                                {"per_dataspace_bandwidth_consumption_scale", nullptr}};

bool isNull(const YamlView& value) {
  const YAML::Node& n = value.node();
  if (n.IsNull()) return true;
  if (n.IsMap() || n.IsSequence()) return n.size() == 0;
  return n.Scalar() == "null" || n.Scalar() == "~";
}

void checkDefaultOnly(const DefaultOnly& rule, const YamlView& value) {
  if (isNull(value)) return;
  if (rule.value && value.isScalar()) {
    std::string text = value.node().Scalar();
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
    if (text == rule.value || (std::string(rule.value) == "0" && (text == "0.0")) ||
        (std::string(rule.value) == "true" && text == "1") ||
        (std::string(rule.value) == "false" && text == "0"))
      return;
  }
  value.fail(fmt::format(
      "attribute '{}' = {} is not supported by cosa (only {}; sparse, overbooking and "
      "network-latency features are not modelled)",
      rule.name, value.isScalar() ? value.node().Scalar() : "a value", rule.value ? rule.value : "null"));
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

// An attribute value after evaluation: the original node when it was written as a number (or is a
// string), else a new scalar holding the evaluated number.
struct Attribute {
  std::string key;
  YamlView value;
  std::optional<ExpressionValue> number;
  std::string error;  // why `value` is not a number, when it is not
};

YamlView evaluatedView(const YamlView& original, const std::optional<ExpressionValue>& number) {
  if (!number || !original.isScalar()) return original;
  const std::string text = formatExpressionValue(*number);
  if (text == original.node().Scalar()) return original;
  return YamlView(YAML::Node(text), original.file(), original.path());
}

// The attributes the v0.3 reader gets for one component.
YAML::Node normalizedAttributes(const std::vector<Attribute>& attributes, bool compute) {
  YAML::Node out(YAML::NodeType::Map);
  for (const Attribute& a : attributes) {
    if (auto rule = std::find_if(kDefaultsOnly.begin(), kDefaultsOnly.end(),
                                 [&](const DefaultOnly& r) { return a.key == r.name; });
        rule != kDefaultsOnly.end()) {
      checkDefaultOnly(*rule, a.value);
      continue;
    }
    const auto& passed = compute ? kComputePassed : kStoragePassed;
    if (contains(passed, a.key)) {
      // A value meant as a number that did not evaluate: say why, where it was written.
      if (!a.number && a.key != "technology" && a.value.isScalar() && !a.error.empty())
        a.value.fail(fmt::format("cannot evaluate '{}': {}", a.value.node().Scalar(), a.error));
      out[a.key] = evaluatedView(a.value, a.number).node();
    } else if (compute || contains(kIgnored, a.key)) {
      continue;  // Accelergy's business (compute attributes size the energy model only)
    } else {
      out[a.key] = a.value.node();  // the v0.3 reader reports what it does not know
    }
  }
  return out;
}

enum class Kind { Storage, Compute, Nothing };

Kind classify(const YamlView& class_node) {
  const std::string cls = class_node.asString();
  if (matches(cls, kStorageClasses)) return Kind::Storage;
  if (matches(cls, kComputeClasses)) return Kind::Compute;
  if (matches(cls, kNetworkClasses))
    class_node.fail(fmt::format("network components (class '{}') are not supported", cls));
  if (lower(cls).find("nothing") != std::string::npos) return Kind::Nothing;
  class_node.fail(
      fmt::format("unknown class '{}' (storage classes: DRAM, SRAM, regfile, smartbuffer, storage; "
                  "compute classes: mac, intmac, fpmac, compute)",
                  cls));
}

std::int64_t positiveInt(const YamlView& where, const ExpressionValue& value, std::string_view what) {
  if (!value.integral && value.value != std::floor(value.value))
    where.fail(fmt::format("{} must be an integer, got {}", what, formatExpressionValue(value)));
  if (!(value.value >= 1))
    where.fail(fmt::format("{} must be >= 1, got {}", what, formatExpressionValue(value)));
  if (value.value > static_cast<double>(kMaxInstances))
    where.fail(fmt::format("{} {} exceeds the supported maximum of {}", what, formatExpressionValue(value),
                           kMaxInstances));
  return static_cast<std::int64_t>(value.value);
}

// --- the user form ------------------------------------------------------------------------------

// Walks the `nodes:` tree as timeloopfe's v4-to-v3 step does, collecting the flattened components.
class Flattener {
 public:
  explicit Flattener(Variables variables) : variables_(std::move(variables)) {}

  YAML::Node run(const YamlView& architecture) {
    walk(architecture.get("nodes"), {}, 0);
    if (components_.size() == 0) architecture.fail("no components in the architecture");
    if (!last_was_compute_)
      architecture.fail(
          "the last component of a v0.4 architecture must be a compute component (class "
          "mac, intmac, fpmac or compute)");
    YAML::Node subtree(YAML::NodeType::Map);
    subtree["name"] = top_name_;
    subtree["local"] = components_;
    YAML::Node arch(YAML::NodeType::Map);
    arch["version"] = "0.3";
    arch["subtree"].push_back(subtree);
    YAML::Node doc(YAML::NodeType::Map);
    doc["architecture"] = arch;
    return doc;
  }

  Tree tree() && { return std::move(tree_); }

 private:
  void walk(const YamlView& list, const std::vector<std::pair<int, int>>& branches, int depth) {
    if (depth > 100) list.fail("architecture nested too deeply");
    list.expectSequence();
    for (const YamlView& element : list.elements()) {
      const std::string tag = element.node().Tag();
      if (tag == "!Parallel" || tag == "!Hierarchical" || tag == "!Pipelined") {
        element.expectMap();
        element.checkKeys({"nodes"});
        if (tag != "!Parallel") {
          // A branch's own nodes are in sequence again, even inside a !Parallel (as in timeloopfe).
          const bool outer = inParallel_;
          inParallel_ = false;
          if (auto nodes = element.find("nodes")) walk(*nodes, branches, depth + 1);
          inParallel_ = outer;
          continue;
        }
        const int id = static_cast<int>(tree_.parallels.size());
        tree_.parallels.push_back({element, 0, branches});
        if (auto nodes = element.find("nodes")) {
          nodes->expectSequence();
          int index = 0;
          for (const YamlView& child : nodes->elements()) {
            auto inner = branches;
            inner.emplace_back(id, index++);
            YAML::Node single(YAML::NodeType::Sequence);
            single.push_back(child.node());
            const bool outer = inParallel_;
            inParallel_ = true;
            walk(YamlView(single, child.file(), nodes->path()), inner, depth + 1);
            inParallel_ = outer;
          }
          tree_.parallels[id].branch_count = index;
        }
        continue;
      }
      if (tag == "!Container") {
        container(element, branches);
      } else if (tag == "!Component") {
        component(element, branches, std::nullopt);
      } else if (tag == "!Nothing") {
        component(element, branches, Kind::Nothing);
      } else {
        element.fail(fmt::format(
            "{} (a v0.4 architecture node needs one of the tags !Container, !Component, !Parallel, "
            "!Hierarchical, !Nothing)",
            tag.empty() || tag == "?" ? "untagged node" : "unknown tag '" + tag + "'"));
      }
    }
  }

  // Looks a name up for expressions: the component's own earlier attributes, then the attributes
  // of the containers before it, then `variables:`.
  std::optional<ExpressionValue> lookup(std::string_view name, const std::vector<Attribute>& own) const {
    for (auto it = own.rbegin(); it != own.rend(); ++it)
      if (it->key == name) return symbolValue(*it);
    for (auto it = inherited_.rbegin(); it != inherited_.rend(); ++it)
      if (it->key == name) return symbolValue(*it);
    return variables_.find(name);
  }
  static std::optional<ExpressionValue> symbolValue(const Attribute& a) {
    if (a.number) return a.number;
    throw ExpressionError(
        fmt::format("'{}' is {}, not a number", a.key,
                    a.value.isScalar() ? "'" + a.value.node().Scalar() + "'" : "not a scalar"),
        0);
  }

  std::vector<Attribute> evaluateAttributes(const std::optional<YamlView>& attributes) const {
    std::vector<Attribute> out;
    if (!attributes) return out;
    attributes->expectMap();
    for (const auto& [key, value] : attributes->entries()) {
      Attribute a{key, value, std::nullopt, ""};
      if (value.isScalar()) {  // quoted or not, as timeloopfe
        try {
          a.number = evaluateExpression(value.node().Scalar(),
                                        [&](std::string_view name) { return lookup(name, out); });
        } catch (const ExpressionError& e) {
          a.error = e.reason();
        }
      }
      out.push_back(std::move(a));
    }
    return out;
  }

  // `spatial: {meshX, meshY}`: the fan-out of a container or component.
  std::pair<std::int64_t, std::int64_t> readSpatial(const YamlView& element,
                                                    const std::vector<Attribute>& own) {
    auto spatial = element.find("spatial");
    if (!spatial) return {1, 1};
    spatial->expectMap();
    spatial->checkKeys({"meshX", "meshY"});
    std::pair<std::int64_t, std::int64_t> mesh{1, 1};
    for (const char* axis : {"meshX", "meshY"}) {
      auto value = spatial->find(axis);
      if (!value) continue;
      ExpressionValue v;
      try {
        v = evaluateExpression(value->asString(), [&](std::string_view name) { return lookup(name, own); });
      } catch (const ExpressionError& e) {
        value->fail(fmt::format("cannot evaluate '{}': {}", value->asString(), e.reason()));
      }
      (std::string(axis) == "meshX" ? mesh.first : mesh.second) = positiveInt(*value, v, axis);
    }
    return mesh;
  }

  void applyMesh(const YamlView& where, std::int64_t x, std::int64_t y) {
    std::int64_t nx = 0, ny = 0, product = 0;
    if (__builtin_mul_overflow(mesh_x_, x, &nx) || __builtin_mul_overflow(mesh_y_, y, &ny) ||
        __builtin_mul_overflow(nx, ny, &product) || product > kMaxInstances)
      where.fail(fmt::format("the fan-outs multiply to more than the supported {} instances", kMaxInstances));
    mesh_x_ = nx;
    mesh_y_ = ny;
  }

  void container(const YamlView& element, const std::vector<std::pair<int, int>>& branches) {
    element.expectMap();
    element.checkKeys({"name", "attributes", "spatial", "constraints", "networks", "sparse_optimizations"});
    if (inParallel_)
      element.fail("containers directly under a !Parallel are not supported (as in timeloopfe)");
    const std::string name = element.get("name").asString();
    std::vector<Attribute> attributes = evaluateAttributes(element.find("attributes"));
    const auto [x, y] = readSpatial(element, attributes);
    if (auto networks = element.find("networks"); networks && !isNull(*networks))
      networks->fail("network components are not supported");
    if (first_node_) top_name_ = name + "_top_level";
    // Later components inherit the container's attributes (those they do not set themselves).
    for (Attribute& a : attributes) {
      auto same = std::find_if(inherited_.begin(), inherited_.end(),
                               [&](const Attribute& b) { return b.key == a.key; });
      if (same != inherited_.end()) inherited_.erase(same);
      inherited_.push_back(a);
    }
    first_node_ = false;
    tree_.leaves.push_back(
        {Leaf::Kind::Container, name, element, element.find("constraints"), x * y, branches});
    if (x * y != 1) {
      placeDummy(name);
      applyMesh(element, x, y);
    }
  }

  void component(const YamlView& element, const std::vector<std::pair<int, int>>& branches,
                 std::optional<Kind> forced) {
    element.expectMap();
    element.checkKeys({"name", "class", "subclass", "attributes", "spatial", "constraints",
                       "sparse_optimizations", "required_actions", "area_scale", "energy_scale", "enabled"});
    if (auto enabled = element.find("enabled"); enabled && !enabled->asBool()) return;
    const Kind kind = forced ? *forced : classify(element.get("class"));
    const std::string name =
        element.has("name") ? element.get("name").asString() : (kind == Kind::Nothing ? "nothing" : "");
    if (name.empty()) element.get("name");  // reports the missing name
    if (kind != Kind::Nothing && name.find_first_of("[].") != std::string::npos)
      element.get("name").fail(fmt::format("component name '{}' may not contain '[', ']' or '.'", name));
    std::vector<Attribute> attributes = evaluateAttributes(element.find("attributes"));
    const auto [x, y] = readSpatial(element, attributes);
    const Leaf::Kind leaf_kind = kind == Kind::Storage   ? Leaf::Kind::Storage
                                 : kind == Kind::Compute ? Leaf::Kind::Compute
                                                         : Leaf::Kind::Nothing;
    first_node_ = false;
    tree_.leaves.push_back({leaf_kind, name, element, element.find("constraints"), x * y, branches});
    if (kind == Kind::Nothing) return;
    if (x * y != 1) {
      if (inParallel_) element.fail("components with a fan-out directly under a !Parallel are not supported");
      placeDummy(name);
      applyMesh(element, x, y);
    }
    place(name, element.get("class"), attributes, kind == Kind::Compute);
    last_was_compute_ = kind == Kind::Compute;
  }

  void placeDummy(const std::string& name) {
    // As timeloopfe: 1 word of 1 bit, technology -1; it keeps nothing, so it costs nothing.
    YAML::Node attributes(YAML::NodeType::Map);
    attributes["width"] = 1;
    attributes["depth"] = 1;
    attributes["datawidth"] = 1;
    attributes["technology"] = -1;
    attributes["meshX"] = mesh_x_;
    attributes["meshY"] = mesh_y_;
    YAML::Node c(YAML::NodeType::Map);
    c["name"] = fmt::format("inter_{}_spatial[1..{}]", name, mesh_x_ * mesh_y_);
    c["class"] = "dummy_storage";
    c["attributes"] = attributes;
    components_.push_back(c);
    last_was_compute_ = false;
  }

  void place(const std::string& name, const YamlView& cls, std::vector<Attribute> attributes, bool compute) {
    // Inherited: the container attributes Timeloop reads (others, e.g. a container's helper values,
    // are for expressions and Accelergy).
    const auto& known = compute ? kComputePassed : kStoragePassed;
    for (const Attribute& a : inherited_)
      if (contains(known, a.key) && std::none_of(attributes.begin(), attributes.end(),
                                                 [&](const Attribute& b) { return b.key == a.key; }))
        attributes.push_back(a);
    YAML::Node attrs = normalizedAttributes(attributes, compute);
    // The cumulative mesh replaces anything written (as timeloopfe does).
    attrs["meshX"] = mesh_x_;
    attrs["meshY"] = mesh_y_;
    YAML::Node c(YAML::NodeType::Map);
    c["name"] = fmt::format("{}[1..{}]", name, mesh_x_ * mesh_y_);
    c["class"] = cls.node();
    c["attributes"] = attrs;
    components_.push_back(c);
  }

  Variables variables_;
  std::vector<Attribute> inherited_;
  YAML::Node components_{YAML::NodeType::Sequence};
  std::string top_name_ = "top_level";
  bool first_node_ = true;
  bool last_was_compute_ = false;
  bool inParallel_ = false;
  std::int64_t mesh_x_ = 1;
  std::int64_t mesh_y_ = 1;
  Tree tree_;
};

// --- the processed form -------------------------------------------------------------------------

YAML::Node normalizeProcessedNode(const YamlView& node, int depth) {
  if (depth > 100) node.fail("architecture nested too deeply");
  node.expectMap();
  YAML::Node out(YAML::NodeType::Map);
  if (auto name = node.find("name")) out["name"] = name->node();
  if (auto local = node.find("local")) {
    YAML::Node components(YAML::NodeType::Sequence);
    for (const YamlView& element : local->elements()) {
      element.expectMap();
      element.checkKeys({"name", "class", "subclass", "attributes", "required_actions", "enabled",
                         "area_scale", "energy_scale"});
      if (auto enabled = element.find("enabled"); enabled && !enabled->asBool()) continue;
      const YamlView cls = element.get("class");
      const Kind kind = classify(cls);
      if (kind == Kind::Nothing) continue;
      std::vector<Attribute> attributes;
      if (auto attrs = element.find("attributes")) {
        attrs->expectMap();
        for (const auto& [key, value] : attrs->entries()) {
          Attribute a{key, value, std::nullopt, ""};
          if (value.isScalar()) {  // quoted or not, as timeloopfe
            try {
              a.number = evaluateExpression(value.node().Scalar(), nullptr);
            } catch (const ExpressionError& e) {
              a.error = e.reason();
            }
          }
          attributes.push_back(std::move(a));
        }
      }
      YAML::Node c(YAML::NodeType::Map);
      c["name"] = element.get("name").node();
      c["class"] = cls.node();
      c["attributes"] = normalizedAttributes(attributes, kind == Kind::Compute);
      components.push_back(c);
    }
    out["local"] = components;
  }
  if (auto subtree = node.find("subtree")) {
    YAML::Node children(YAML::NodeType::Sequence);
    for (const YamlView& child : subtree->elements())
      children.push_back(normalizeProcessedNode(child, depth + 1));
    out["subtree"] = children;
  }
  return out;
}

}  // namespace

bool declaresV04(const YamlView& node) {
  if (!node.isMap()) return false;
  auto version = node.find("version");
  if (!version || !version->isScalar()) return false;
  const std::string v = version->node().Scalar();
  return v == "0.4" || v == "0.4.0";
}

void rejectSparse(const YamlView& root) {
  if (!root.isMap()) return;
  if (auto sparse = root.find("sparse_optimizations")) {
    bool empty = true;
    if (sparse->isMap())
      for (const auto& [key, value] : sparse->entries())
        if (key != "version" && !isNull(value)) empty = false;
    if (!empty) sparse->fail("sparse optimizations are not supported by cosa (dense models only)");
  }
}

Tree readTree(const YamlView& root) {
  root.expectMap();
  resolveMergeKeys(root.node(), root.file());
  const YamlView arch = root.has("architecture") ? root.get("architecture") : root.get("arch");
  arch.expectMap();
  Flattener flattener(Variables::read(root));
  flattener.run(arch);
  return std::move(flattener).tree();
}

Architecture parseArchitecture(const YamlView& root) {
  root.expectMap();
  resolveMergeKeys(root.node(), root.file());
  rejectSparse(root);
  const YamlView arch = root.has("architecture") ? root.get("architecture") : root.get("arch");
  arch.expectMap();
  YAML::Node normalized;
  if (arch.has("nodes")) {
    arch.checkKeys({"version", "nodes", "name"});
    Flattener flattener(Variables::read(root));
    normalized = flattener.run(arch);
    // Sparse optimizations inside the tree.
    for (const Leaf& leaf : std::move(flattener).tree().leaves)
      if (auto sparse = leaf.node.find("sparse_optimizations"); sparse && !isNull(*sparse))
        sparse->fail("sparse optimizations are not supported by cosa (dense models only)");
  } else if (arch.has("subtree")) {
    // timeloopfe's processed output (parsed-processed-input.yaml).
    arch.checkKeys({"version", "subtree", "name", "local"});
    YAML::Node a(YAML::NodeType::Map);
    a["version"] = "0.3";
    if (auto name = arch.find("name")) a["name"] = name->node();
    YAML::Node subtree(YAML::NodeType::Sequence);
    for (const YamlView& child : arch.get("subtree").elements())
      subtree.push_back(normalizeProcessedNode(child, 0));
    a["subtree"] = subtree;
    if (auto local = arch.find("local")) a["local"] = local->node();  // the v0.3 reader explains
    normalized = YAML::Node(YAML::NodeType::Map);
    normalized["architecture"] = a;
  } else {
    arch.fail("a version 0.4 architecture needs 'nodes' (or, as timeloopfe writes it out, 'subtree')");
  }
  return cosa::parseArchitecture(YamlView(normalized, root.file(), ""));
}

}  // namespace cosa::v04
