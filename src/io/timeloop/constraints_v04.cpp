#include "io/timeloop/constraints_v04.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "io/timeloop/arch_v04.hpp"
#include "io/yaml/yaml_merge.hpp"

namespace cosa::v04 {
namespace {

bool isV04(const std::optional<YamlView>& node) { return node && declaresV04(*node); }

bool isEmptyValue(const YamlView& node) {
  const YAML::Node& n = node.node();
  if (n.IsNull()) return true;
  if (n.IsMap() || n.IsSequence()) return n.size() == 0;
  return n.Scalar() == "null" || n.Scalar() == "~" || n.Scalar().empty();
}

// A list given as a YAML list or as a string ("R=1 S=1", "R=1,S=1"; permutations also "PQRS").
std::vector<std::string> splitList(const YamlView& node, bool letters) {
  if (node.node().IsNull()) return {};
  if (node.isSequence()) {
    std::vector<std::string> out;
    for (const YamlView& e : node.elements()) out.push_back(e.asString());
    return out;
  }
  const std::string text = node.asString();
  std::vector<std::string> out;
  std::string current;
  const bool separated = text.find_first_of(", ") != std::string::npos;
  for (char c : text) {
    if (c == ',' || c == ' ') {
      if (!current.empty()) out.push_back(current);
      current.clear();
    } else if (letters && !separated) {
      out.emplace_back(1, c);
    } else {
      current.push_back(c);
    }
  }
  if (!current.empty()) out.push_back(current);
  return out;
}

struct Factor {
  std::string dim;
  std::string op;  // "=", "<=", ">="
  std::string value;
  std::string text() const { return dim + op + value; }
};

Factor splitFactor(const std::string& text, const YamlView& where) {
  for (const char* op : {"<=", ">=", "="}) {
    const auto at = text.find(op);
    if (at == std::string::npos) continue;
    Factor f{text.substr(0, at), op, text.substr(at + std::string(op).size())};
    auto trim = [](std::string s) {
      s.erase(0, s.find_first_not_of(' '));
      s.erase(s.find_last_not_of(' ') + 1);
      return s;
    };
    f.dim = trim(f.dim);
    f.value = trim(f.value);
    if (f.dim.empty() || f.value.empty() ||
        !std::all_of(f.value.begin(), f.value.end(), [](char c) { return c >= '0' && c <= '9'; }))
      break;
    return f;
  }
  where.fail(fmt::format("malformed factor '{}' (expected e.g. R=3, R<=3 or R>=3)", text));
}

// One spatial or temporal constraint of a node.
struct Iteration {
  std::vector<Factor> factors;
  std::vector<std::string> permutation;
  std::optional<YamlView> split;
  std::optional<YamlView> default_max_factor;

  bool empty() const { return factors.empty() && permutation.empty() && !split && !default_max_factor; }

  void addFactor(const Factor& f, const YamlView& where) {
    for (const Factor& g : factors) {
      if (g.dim != f.dim) continue;
      if (g.op == f.op && g.value == f.value) return;
      const bool bounds = (g.op == "<=" && f.op == ">=") || (g.op == ">=" && f.op == "<=");
      if (!bounds) where.fail(fmt::format("conflicting factors {} and {}", g.text(), f.text()));
    }
    factors.push_back(f);
  }
  bool names(const std::string& dim) const {
    return std::any_of(factors.begin(), factors.end(), [&](const Factor& f) { return f.dim == dim; });
  }
};

struct Group {
  Iteration spatial;
  Iteration temporal;
  std::vector<std::string> keep;
  std::vector<std::string> bypass;
};

class Reader {
 public:
  explicit Reader(const Workload& workload) : workload_(workload) {
    for (const auto& ds : workload.data_spaces) all_data_spaces_.push_back(ds.name);
  }

  // A node's `constraints:` block (or one top-level target, `type` naming the part), into `group`.
  void readGroup(const YamlView& block, Group& group) {
    block.expectMap();
    block.checkKeys({"spatial", "temporal", "dataspace", "max_overbooked_proportion", "utilization"});
    for (const auto& [key, value] : block.entries()) readPart(key, value, group);
  }

  void readPart(const std::string& type, const YamlView& value, Group& group) {
    if (value.node().IsNull()) return;
    value.expectMap();
    if (type == "spatial" || type == "temporal") {
      readIteration(value, type == "spatial", type == "spatial" ? group.spatial : group.temporal);
    } else if (type == "dataspace" || type == "bypass" || type == "datatype" || type == "bypassing") {
      readDataspace(value, group);
    } else if (type == "max_overbooked_proportion") {
      // cosa never overbooks a buffer, which satisfies any bound on overbooking.
    } else if (type == "utilization") {
      value.fail("'utilization' constraints (minimum utilization) are not supported by cosa");
    } else {
      value.fail(fmt::format("unknown constraint type '{}' (expected spatial, temporal or dataspace)", type));
    }
  }

  void readIteration(const YamlView& c, bool spatial, Iteration& out) {
    std::vector<std::string> keys = {"type",
                                     "target",
                                     "factors",
                                     "permutation",
                                     "default_max_factor",
                                     "default_min_factor",
                                     "remainders",
                                     "no_reuse",
                                     "factors_only",
                                     "no_iteration_over_dataspaces",
                                     "must_iterate_over_dataspaces",
                                     "maximize_dims",
                                     "maximize_dims_capacity"};
    if (spatial)
      keys.insert(keys.end(), {"split", "no_link_transfer"});
    else
      keys.push_back("rmw_first_update");
    c.checkKeys(keys);
    for (const char* key : {"no_reuse", "no_link_transfer", "rmw_first_update", "default_min_factor",
                            "remainders", "maximize_dims_capacity"})
      if (auto v = c.find(key); v && !isEmptyValue(*v))
        v->fail(fmt::format("'{}' is not supported by cosa", key));
    if (auto v = c.find("maximize_dims"); v && !isEmptyValue(*v))
      v->fail(
          "'maximize_dims' is not supported by cosa (give the factors, or let cosa's scheduler choose them)");
    if (auto factors = c.find("factors"))
      for (const std::string& text : splitList(*factors, false))
        out.addFactor(splitFactor(text, *factors), *factors);
    if (auto only = c.find("factors_only")) {
      for (const std::string& text : splitList(*only, false)) out.addFactor(splitFactor(text, *only), *only);
      for (const auto& dim : workload_.dimensions)
        if (!out.names(dim)) out.factors.push_back({dim, "=", "1"});
    }
    if (auto ds = c.find("no_iteration_over_dataspaces"))
      for (int d : dataSpaces(*ds))
        for (int dim = 0; dim < workload_.numDims(); ++dim)
          if (workload_.isRelevant(d, dim)) out.addFactor({workload_.dimensions[dim], "=", "1"}, *ds);
    if (auto ds = c.find("must_iterate_over_dataspaces")) {
      std::set<int> used;
      for (int d : dataSpaces(*ds))
        for (int dim = 0; dim < workload_.numDims(); ++dim)
          if (workload_.isRelevant(d, dim)) used.insert(dim);
      for (int dim = 0; dim < workload_.numDims(); ++dim)
        if (!used.count(dim)) out.addFactor({workload_.dimensions[dim], "=", "1"}, *ds);
    }
    if (auto permutation = c.find("permutation")) {
      std::vector<std::string> p = splitList(*permutation, true);
      if (!p.empty() && !out.permutation.empty() && p != out.permutation)
        permutation->fail("re-specification of a permutation");
      if (!p.empty()) out.permutation = p;
    }
    if (auto split = c.find("split")) out.split = split;
    if (auto max = c.find("default_max_factor")) out.default_max_factor = max;
  }

  void readDataspace(const YamlView& c, Group& group) {
    c.checkKeys({"type", "target", "keep", "bypass", "keep_only", "bypass_only", "no_coalesce"});
    if (auto v = c.find("no_coalesce"); v && !isEmptyValue(*v))
      v->fail("'no_coalesce' is not supported by cosa");
    auto add = [&](std::vector<std::string>& list, const std::vector<std::string>& names) {
      for (const auto& n : names)
        if (std::find(list.begin(), list.end(), n) == list.end()) list.push_back(n);
    };
    if (auto keep = c.find("keep")) add(group.keep, names(*keep));
    if (auto bypass = c.find("bypass")) add(group.bypass, names(*bypass));
    if (auto only = c.find("keep_only")) {
      const auto kept = names(*only);
      add(group.keep, kept);
      add(group.bypass, complement(kept));
    }
    if (auto only = c.find("bypass_only")) {
      const auto bypassed = names(*only);
      add(group.bypass, bypassed);
      add(group.keep, complement(bypassed));
    }
    for (const auto& k : group.keep)
      if (std::find(group.bypass.begin(), group.bypass.end(), k) != group.bypass.end())
        c.fail(fmt::format("data space '{}' is both kept and bypassed", k));
  }

  // Data space names as written, with `*` for all of them; unknown names are left for the v0.3
  // reader to report.
  std::vector<std::string> names(const YamlView& list) const {
    std::vector<std::string> out;
    for (const std::string& n : splitList(list, false)) {
      if (n == "*") {
        for (const auto& d : all_data_spaces_)
          if (std::find(out.begin(), out.end(), d) == out.end()) out.push_back(d);
      } else if (std::find(out.begin(), out.end(), n) == out.end()) {
        out.push_back(n);
      }
    }
    return out;
  }
  std::vector<int> dataSpaces(const YamlView& list) const {
    std::vector<int> out;
    for (const std::string& n : names(list)) {
      const int d = workload_.dataSpaceIndex(n);
      if (d < 0) list.fail(fmt::format("unknown data space '{}'", n));
      out.push_back(d);
    }
    return out;
  }
  std::vector<std::string> complement(const std::vector<std::string>& names) const {
    std::vector<std::string> out;
    for (const auto& d : all_data_spaces_)
      if (std::find(names.begin(), names.end(), d) == names.end()) out.push_back(d);
    return out;
  }
  const std::vector<std::string>& allDataSpaces() const { return all_data_spaces_; }

 private:
  const Workload& workload_;
  std::vector<std::string> all_data_spaces_;
};

// timeloopfe's permutation optimizer: factor-1 and bound-1 dimensions go innermost.
void optimizePermutation(Iteration& it, const Workload& workload) {
  auto absent = [&](const std::string& d) {
    return std::find(it.permutation.begin(), it.permutation.end(), d) == it.permutation.end();
  };
  for (const Factor& f : it.factors)
    if (f.value == "1" && absent(f.dim)) it.permutation.insert(it.permutation.begin(), f.dim);
  for (int d = 0; d < workload.numDims(); ++d)
    if (workload.bounds[d] == 1 && absent(workload.dimensions[d]))
      it.permutation.insert(it.permutation.begin(), workload.dimensions[d]);
}

std::string joined(const std::vector<std::string>& items, const char* separator) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : separator) + i;
  return out;
}

YAML::Node iterationEntry(const std::string& target, const char* type, const Iteration& it) {
  YAML::Node e(YAML::NodeType::Map);
  e["target"] = target;
  e["type"] = type;
  if (!it.factors.empty()) {
    std::vector<std::string> texts;
    for (const Factor& f : it.factors) texts.push_back(f.text());
    e["factors"] = joined(texts, " ");
  }
  if (!it.permutation.empty()) e["permutation"] = joined(it.permutation, " ");
  if (it.split) e["split"] = it.split->node();
  if (it.default_max_factor) e["default_max_factor"] = it.default_max_factor->node();
  return e;
}

YAML::Node dataspaceEntry(const std::string& target, const Group& g) {
  YAML::Node e(YAML::NodeType::Map);
  e["target"] = target;
  e["type"] = "bypass";
  YAML::Node keep(YAML::NodeType::Sequence), bypass(YAML::NodeType::Sequence);
  for (const auto& k : g.keep) keep.push_back(k);
  for (const auto& b : g.bypass) bypass.push_back(b);
  e["keep"] = keep;
  e["bypass"] = bypass;
  return e;
}

// Top-level v0.4 `constraints: {targets: [...]}` and `mapping: [...]`: (target, type, entry).
struct TargetEntry {
  std::string target;
  std::string type;
  YamlView entry;
};
std::vector<TargetEntry> topLevelTargets(const YamlView& root) {
  std::vector<TargetEntry> out;
  auto collect = [&](const YamlView& list) {
    for (const YamlView& e : list.elements()) {
      e.expectMap();
      out.push_back({e.get("target").asString(), e.get("type").asString(), e});
    }
  };
  if (auto c = root.find("constraints"); c && c->isMap()) {
    c->checkKeys({"version", "targets"});
    if (auto targets = c->find("targets")) collect(*targets);
  }
  if (auto m = root.find("mapping"); m && m->isSequence()) collect(*m);
  return out;
}

void checkMapspace(const YamlView& root) {
  if (auto mapspace = root.find("mapspace"); mapspace && mapspace->isMap()) {
    mapspace->checkKeys({"version", "template"});
    if (auto t = mapspace->find("template"); t && t->asString() != "uber")
      t->fail(fmt::format("unsupported mapspace template '{}' (only 'uber')", t->asString()));
  }
}

// The user form: constraints inside the tree, processed as timeloopfe processes them.
YAML::Node treeTargets(const YamlView& root, const Workload& workload) {
  const Tree tree = readTree(root);
  Reader reader(workload);
  std::vector<Group> groups(tree.leaves.size());
  for (std::size_t i = 0; i < tree.leaves.size(); ++i)
    if (tree.leaves[i].constraints) reader.readGroup(*tree.leaves[i].constraints, groups[i]);
  for (const TargetEntry& t : topLevelTargets(root)) {
    auto leaf = std::find_if(tree.leaves.begin(), tree.leaves.end(),
                             [&](const Leaf& l) { return l.name == t.target; });
    if (leaf == tree.leaves.end())
      t.entry.get("target").fail(fmt::format("constraint target '{}' is not in the architecture", t.target));
    reader.readPart(t.type, t.entry, groups[leaf - tree.leaves.begin()]);
  }

  // !Parallel: each branch keeps what its nodes keep and bypasses the rest.
  auto inBranch = [&](const Leaf& leaf, int parallel, int branch) {
    return std::find(leaf.branches.begin(), leaf.branches.end(), std::make_pair(parallel, branch)) !=
           leaf.branches.end();
  };
  auto branchKeeps = [&](int parallel, int branch) {
    std::set<std::string> keep;
    for (std::size_t i = 0; i < tree.leaves.size(); ++i)
      if (inBranch(tree.leaves[i], parallel, branch))
        keep.insert(groups[i].keep.begin(), groups[i].keep.end());
    return keep;
  };
  for (int p = 0; p < static_cast<int>(tree.parallels.size()); ++p) {
    const ParallelNode& parallel = tree.parallels[p];
    std::set<std::string> arriving(reader.allDataSpaces().begin(), reader.allDataSpaces().end());
    if (!parallel.branches.empty())
      arriving = branchKeeps(parallel.branches.back().first, parallel.branches.back().second);
    std::vector<std::set<std::string>> keeps;
    for (int b = 0; b < parallel.branch_count; ++b) keeps.push_back(branchKeeps(p, b));
    std::set<std::string> covered;
    for (int b = 0; b < parallel.branch_count; ++b) {
      for (const auto& ds : keeps[b])
        if (!covered.insert(ds).second)
          parallel.node.fail(
              fmt::format("data space '{}' is kept in two branches of this !Parallel (each data "
                          "space may be kept in one branch only)",
                          ds));
    }
    for (const auto& ds : arriving)
      if (!covered.count(ds))
        parallel.node.fail(
            fmt::format("no branch of this !Parallel keeps data space '{}' (add a keep constraint "
                        "in one branch, or a branch '!Nothing {{constraints: {{dataspace: {{keep: "
                        "[{}]}}}}}}' to bypass them all)",
                        ds, ds));
    for (std::size_t i = 0; i < tree.leaves.size(); ++i)
      for (int b = 0; b < parallel.branch_count; ++b)
        if (inBranch(tree.leaves[i], p, b))
          for (const auto& ds : reader.allDataSpaces())
            if (!keeps[b].count(ds) &&
                std::find(groups[i].bypass.begin(), groups[i].bypass.end(), ds) == groups[i].bypass.end())
              groups[i].bypass.push_back(ds);
  }

  YAML::Node targets(YAML::NodeType::Sequence);
  for (std::size_t i = 0; i < tree.leaves.size(); ++i) {
    const Leaf& leaf = tree.leaves[i];
    Group& g = groups[i];
    if (leaf.kind == Leaf::Kind::Nothing) continue;
    if (leaf.kind == Leaf::Kind::Storage) optimizePermutation(g.temporal, workload);
    if (leaf.fanout > 1) {
      optimizePermutation(g.spatial, workload);
      // The dummy level that carries the fan-out: its spatial constraints, no temporal loops, no data.
      const std::string dummy = "inter_" + leaf.name + "_spatial";
      if (!g.spatial.empty()) targets.push_back(iterationEntry(dummy, "spatial", g.spatial));
      Iteration none;
      for (const auto& d : workload.dimensions) {
        none.factors.push_back({d, "=", "1"});
        none.permutation.push_back(d);
      }
      targets.push_back(iterationEntry(dummy, "temporal", none));
      Group nothing;
      nothing.bypass = reader.allDataSpaces();
      targets.push_back(dataspaceEntry(dummy, nothing));
      g.spatial = Iteration{};
    }
    if (leaf.kind == Leaf::Kind::Container) continue;  // not a level: timeloopfe drops the rest
    const bool has_constraints =
        !g.spatial.empty() || !g.temporal.empty() || !g.keep.empty() || !g.bypass.empty();
    if (leaf.kind == Leaf::Kind::Compute) {
      if (has_constraints && leaf.constraints)
        leaf.constraints->fail(
            "constraints on the compute component are not supported (it is not a storage level)");
      continue;
    }
    if (!g.spatial.empty()) targets.push_back(iterationEntry(leaf.name, "spatial", g.spatial));
    if (!g.temporal.empty()) targets.push_back(iterationEntry(leaf.name, "temporal", g.temporal));
    if (!g.keep.empty() || !g.bypass.empty()) targets.push_back(dataspaceEntry(leaf.name, g));
  }
  return targets;
}

// A v0.4 target entry (lists, `type: dataspace`) as a v0.3 one.
YAML::Node convertTarget(const TargetEntry& t, const Workload& workload) {
  Reader reader(workload);
  Group g;
  reader.readPart(t.type, t.entry, g);
  if (t.type == "spatial") return iterationEntry(t.target, "spatial", g.spatial);
  if (t.type == "temporal") return iterationEntry(t.target, "temporal", g.temporal);
  if (t.type == "max_overbooked_proportion") return YAML::Node();
  return dataspaceEntry(t.target, g);
}

}  // namespace

bool hasV04Constraints(const YamlView& root) {
  if (!root.isMap()) return false;
  return isV04(root.find("architecture")) || isV04(root.find("constraints")) || isV04(root.find("mapspace"));
}

YamlView normalizeConstraints(const YamlView& root, const Workload& workload) {
  resolveMergeKeys(root.node(), root.file());
  rejectSparse(root);
  checkMapspace(root);
  YAML::Node targets(YAML::NodeType::Sequence);
  const auto arch = root.find("architecture");
  const bool tree = isV04(arch) && arch->has("nodes");
  if (tree) targets = treeTargets(root, workload);  // top-level v0.4 targets are attached there
  // Timeloop's v0.3 constraint lists as written (what timeloopfe's processed output holds).
  for (const char* key : {"architecture_constraints", "arch_constraints"})
    if (auto c = root.find(key)) {
      const YamlView list = c->isMap() ? c->get("targets") : *c;
      for (const YamlView& e : list.elements()) targets.push_back(e.node());
    }
  if (!tree)
    for (const TargetEntry& t : topLevelTargets(root))
      if (YAML::Node e = convertTarget(t, workload); e.IsDefined() && !e.IsNull()) targets.push_back(e);
  YAML::Node list(YAML::NodeType::Map);
  list["targets"] = targets;
  YAML::Node doc(YAML::NodeType::Map);
  doc["architecture_constraints"] = list;
  return YamlView(doc, root.file(), "");
}

}  // namespace cosa::v04
