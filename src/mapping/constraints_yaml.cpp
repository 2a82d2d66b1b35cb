#include "mapping/constraints_yaml.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <set>
#include <string_view>

#include "mapping/constraints_v04.hpp"
#include "mapping/mapping_yaml.hpp"
#include "workload/data_space_roles.hpp"

// What Timeloop 019f107 accepts (src/mapping/constraints.cpp, src/applications/mapper), and how
// it is read here:
//  - Where: `mapspace:` or else `mapspace_constraints:`; also architecture constraints under
//    `arch_constraints:` / `architecture_constraints:` / `arch: {constraints}` (merged, as Timeloop
//    merges both trees). Each is a list, or a map holding `constraints: [...]`, `constraints: NAME`
//    (then the list is `constraints_NAME`), or `targets: [...]`; `template` must be `uber`.
//  - Entries are flat `{target|name, type, ...}`, or `{target|name, constraints: [{type, ...}]}`;
//    a constraint's attributes may sit under `attributes:`.
//  - Types: temporal, spatial (factors, permutation, split), datatype / bypass / bypassing
//    (keep, bypass), max_overbooked_proportion (accepted and ignored: cosa never overbooks, which
//    satisfies any such bound), utilization / parallelism (`min`, innermost level only).
//  - Factors: `R=4` fixes a factor; 0 means the whole dimension, and a factor above the bound is
//    clamped to it (both as Timeloop). Re-specifying a factor, permutation, split or keep/bypass flag
//    of one level is an error (as Timeloop).
//  - Not representable in cosa's Constraints and therefore rejected with an explanation: max
//    factors (`R<=4`, `default_max_factor`), minimum utilization, and non-empty `no_link_transfer`,
//    `no_multicast_no_reduction`, `no_temporal_reuse`.
//  - keep/bypass lists name data spaces by name or, beyond Timeloop, by role (Weights, Inputs,
//    Outputs: workload/data_space_roles.hpp), so that one mapspace serves convolutions and GEMMs.

namespace cosa {
namespace {

using namespace mapping_syntax;

// A keep/bypass list: data spaces by name or by role.
std::vector<int> dataSpacesByNameOrRole(const YamlView& list, const Workload& workload) {
  if (list.node().IsNull()) return {};
  const std::vector<YamlView> items = list.isScalar() ? std::vector<YamlView>{list} : list.elements();
  std::vector<int> out;
  for (const YamlView& item : items) {
    const std::string name = item.asString();
    const int ds = findDataSpaceByNameOrRole(workload, name);
    if (ds < 0) {
      std::string known;
      for (int d = 0; d < workload.numDataSpaces(); ++d) {
        const std::string role = toString(dataSpaceRole(workload, d));
        known += fmt::format("{}{}{}", known.empty() ? "" : ", ", workload.data_spaces[d].name,
                             role.empty() || role == workload.data_spaces[d].name ? "" : " (" + role + ")");
      }
      item.fail(fmt::format("unknown data space or role '{}' (data spaces: {})", name, known));
    }
    if (std::find(out.begin(), out.end(), ds) != out.end())
      item.fail(fmt::format("data space '{}' is listed twice", workload.data_spaces[ds].name));
    out.push_back(ds);
  }
  return out;
}

class ConstraintReader {
 public:
  ConstraintReader(const Architecture& arch, const Workload& workload) : arch_(arch), workload_(workload) {}

  void parseTree(const YamlView& tree) {
    if (tree.node().IsNull()) return;
    if (tree.isSequence()) return parseList(tree);
    tree.expectMap();
    std::vector<std::string> allowed = {"constraints", "targets", "template"};
    std::optional<std::string> named_list;
    if (auto constraints = tree.find("constraints"); constraints && constraints->isScalar())
      named_list = "constraints_" + constraints->asString();
    // Alternative named lists (`constraints_NAME`) may sit side by side; one is selected.
    for (const auto& [key, value] : tree.entries())
      if (key.rfind("constraints_", 0) == 0) allowed.push_back(key);
    tree.checkKeys(allowed);
    if (auto tmpl = tree.find("template"); tmpl && tmpl->asString() != "uber")
      tmpl->fail(fmt::format("unsupported mapspace template '{}' (only 'uber')", tmpl->asString()));
    if (named_list) {
      parseList(tree.get(*named_list).expectSequence());
    } else if (auto constraints = tree.find("constraints")) {
      parseList(constraints->expectSequence());
    } else if (auto targets = tree.find("targets")) {
      parseList(targets->expectSequence());
    }
  }

  Constraints result() && { return std::move(result_); }

 private:
  void parseList(const YamlView& list) {
    for (const YamlView& item : list.elements()) {
      item.expectMap();
      if (auto nested = item.find("constraints")) {
        item.checkKeys({"target", "name", "constraints"});
        for (const YamlView& constraint : nested->elements()) {
          constraint.expectMap();
          parseSingle(item, constraint, /*nested=*/true);
        }
      } else {
        parseSingle(item, item, /*nested=*/false);
      }
    }
  }

  static int kindSlot(ConstraintKind kind) { return static_cast<int>(kind); }

  void parseSingle(const YamlView& target, const YamlView& constraint, bool nested) {
    const YamlView type_view = constraint.get("type");
    const std::string type = type_view.asString();
    std::vector<std::string> own = {"type", "attributes"};
    if (!nested) own.insert(own.end(), {"target", "name"});
    std::vector<std::string> attribute_keys;
    ConstraintKind kind = ConstraintKind::Temporal;
    if (type == "temporal") {
      attribute_keys = {"factors", "permutation", "default_max_factor"};
      own.push_back("no_temporal_reuse");
    } else if (type == "spatial") {
      kind = ConstraintKind::Spatial;
      attribute_keys = {"factors", "permutation", "default_max_factor"};
      own.insert(own.end(), {"split", "no_link_transfer", "no_multicast_no_reduction"});
    } else if (type == "datatype" || type == "bypass" || type == "bypassing") {
      kind = ConstraintKind::Bypass;
      attribute_keys = {"keep", "bypass"};
    } else if (type == "max_overbooked_proportion") {
      own.push_back("proportion");
    } else if (type == "utilization" || type == "parallelism") {
      attribute_keys = {"min"};
    } else {
      type_view.fail(
          fmt::format("unknown constraint type '{}' (expected temporal, spatial, datatype, bypass, "
                      "bypassing, max_overbooked_proportion, utilization or parallelism)",
                      type));
    }
    const std::optional<YamlView> attributes_node = constraint.find("attributes");
    if (attributes_node) {
      attributes_node->checkKeys(attribute_keys);
      constraint.checkKeys(own);
    } else {
      std::vector<std::string> all = own;
      all.insert(all.end(), attribute_keys.begin(), attribute_keys.end());
      constraint.checkKeys(all);
    }
    const YamlView& attributes = attributes_node ? *attributes_node : constraint;

    const int level = findLevel(target);

    if (type == "max_overbooked_proportion") {
      const double proportion = constraint.get("proportion").asDouble();
      if (proportion < 0 || proportion > 1)
        constraint.get("proportion").fail(fmt::format("proportion must be in [0, 1], got {}", proportion));
      return;  // cosa never overbooks a buffer, which satisfies any bound on overbooking
    }
    if (type == "utilization" || type == "parallelism") {
      if (level != 0)
        target.fail(fmt::format("{} can only be constrained at the innermost storage level ({})", type,
                                arch_.levels[0].name));
      attributes.get("min").asDouble();
      type_view.fail(fmt::format("'{}' constraints (minimum utilization) are not supported by cosa", type));
    }

    LevelConstraint item;
    item.kind = kind;
    item.level = level;
    const std::string& level_name = arch_.levels[level].name;
    if (kind == ConstraintKind::Bypass) {
      parseBypass(attributes, level, item);
    } else {
      const char* kind_name = kind == ConstraintKind::Spatial ? "spatial" : "temporal";
      if (auto factors = attributes.find("factors")) {
        const std::string text = factors->asString();
        if (text.find("<=") != std::string::npos)
          factors->fail(fmt::format("maximum factors ('<=') in '{}' are not supported by cosa", text));
        for (auto [dim, value] : parseFactorText(*factors, workload_)) {
          const std::int64_t bound = workload_.bounds[dim];
          if (value == 0 || value > bound) value = bound;
          if (!fixed_.insert({level, kindSlot(kind), dim}).second)
            factors->fail(fmt::format("re-specification of the {} factor of dimension {} at level {}",
                                      kind_name, workload_.dimensions[dim], level_name));
          item.factors.emplace_back(dim, value);
        }
      }
      if (auto max = attributes.find("default_max_factor"))
        max->fail("maximum factors ('default_max_factor') are not supported by cosa");
      if (auto permutation = attributes.find("permutation")) {
        item.permutation = parsePermutationText(*permutation, workload_);
        if (!item.permutation.empty() && !permuted_.insert({level, kindSlot(kind)}).second)
          permutation->fail(
              fmt::format("re-specification of the {} permutation at level {}", kind_name, level_name));
      }
      if (kind == ConstraintKind::Spatial) {
        if (auto split = constraint.find("split")) {
          const std::int64_t value = split->asInt();
          if (value < 0) split->fail(fmt::format("split must be >= 0, got {}", value));
          if (!split_levels_.insert(level).second)
            split->fail(fmt::format("re-specification of the spatial split at level {}", level_name));
          item.split = static_cast<int>(std::min<std::int64_t>(value, workload_.numDims()));
        }
      }
      for (const char* key : {"no_temporal_reuse", "no_link_transfer", "no_multicast_no_reduction"}) {
        auto value = constraint.find(key);
        if (value && !parseDataSpaceList(*value, workload_).empty())
          value->fail(fmt::format("'{}' is not supported by cosa's model", key));
      }
    }
    result_.items.push_back(std::move(item));
  }

  int findLevel(const YamlView& target) const {
    if (auto t = target.find("target")) return parseTargetLevel(*t, arch_);
    if (auto n = target.find("name")) return parseTargetLevel(*n, arch_);
    target.fail("missing required key 'target'");
  }

  void parseBypass(const YamlView& attributes, int level, LevelConstraint& item) {
    const bool outermost = level == arch_.numLevels() - 1;
    for (const char* key : {"keep", "bypass"}) {
      auto list = attributes.find(key);
      if (!list) continue;
      std::vector<int> dataspaces = dataSpacesByNameOrRole(*list, workload_);
      // The outermost level is the backing store: every mapper keeps everything there, and the
      // CoSA formulation used to throw std::invalid_argument (with no position) on such a bypass.
      if (outermost && std::string_view(key) == "bypass" && !dataspaces.empty())
        list->fail(fmt::format("the outermost level {} holds every data space; it cannot bypass {}",
                               arch_.levels[level].name, workload_.data_spaces[dataspaces.front()].name));
      for (int ds : dataspaces) {
        // Timeloop lets the outermost level be re-specified (its default is a fixed "keep").
        if (!outermost && !flagged_.insert({level, ds}).second)
          list->fail(fmt::format("re-specification of the keep/bypass flag of {} at level {}",
                                 workload_.data_spaces[ds].name, arch_.levels[level].name));
      }
      (std::string(key) == "keep" ? item.keep : item.bypass) = std::move(dataspaces);
    }
    for (int ds : item.bypass)
      if (std::find(item.keep.begin(), item.keep.end(), ds) != item.keep.end())
        attributes.get("bypass").fail(
            fmt::format("data space '{}' is both kept and bypassed", workload_.data_spaces[ds].name));
  }

  const Architecture& arch_;
  const Workload& workload_;
  Constraints result_;
  std::set<std::array<int, 3>> fixed_;     // (level, kind, dimension) with a fixed factor
  std::set<std::array<int, 2>> permuted_;  // (level, kind) with a permutation
  std::set<int> split_levels_;             // levels with a spatial split
  std::set<std::array<int, 2>> flagged_;   // (level, data space) with a keep/bypass flag
};

}  // namespace

Constraints parseConstraints(const YamlView& root, const Architecture& arch, const Workload& workload) {
  root.expectMap();
  // Timeloop v0.4 (timeloopfe's user form and processed output): mapping/constraints_v04.
  if (v04::hasV04Constraints(root)) return parseConstraints(v04::normalizeConstraints(root, workload), arch, workload);
  ConstraintReader reader(arch, workload);
  bool found = root.has("mapspace") || root.has("mapspace_constraints") || root.has("arch_constraints") ||
               root.has("architecture_constraints");
  if (auto mapspace = root.find("mapspace"))
    reader.parseTree(*mapspace);
  else if (auto constraints = root.find("mapspace_constraints"))
    reader.parseTree(*constraints);
  std::optional<YamlView> arch_constraints;
  for (const char* key : {"arch", "architecture"})
    if (auto a = root.find(key); a && a->isMap() && a->find("constraints")) {
      arch_constraints = a->find("constraints");
      break;
    }
  if (!arch_constraints) arch_constraints = root.find("arch_constraints");
  if (!arch_constraints) arch_constraints = root.find("architecture_constraints");
  if (arch_constraints) {
    reader.parseTree(*arch_constraints);
    found = true;
  }
  if (!found)
    root.fail("no constraints found: expected 'mapspace', 'mapspace_constraints' or 'arch_constraints'");
  return std::move(reader).result();
}

Constraints loadConstraints(const std::string& path, const Architecture& arch, const Workload& workload) {
  return parseConstraints(YamlView::loadFile(path), arch, workload);
}

}  // namespace cosa
