#include "io/timeloop/constraints_yaml.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <set>
#include <string_view>

#include "io/timeloop/constraints_v04.hpp"
#include "io/timeloop/mapping_yaml.hpp"
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
//    satisfies any such bound), utilization / parallelism (`min`, innermost level only; recorded in
//    Constraints::min_utilization, with a warning that the scheduler does not enforce it).
//  - `split` sits next to `type` (where Timeloop 019f107 reads it) or under `attributes` (where
//    Timeloop's own chen-asplos2014.yaml puts it, and 019f107 silently ignores it); cosa honours both.
//  - Factors: `R=4` fixes a factor; 0 means the whole dimension, and a factor above the bound is
//    clamped to it (both as Timeloop, with a warning for the clamp). A fixed factor that does not
//    divide what is left of its dimension (Timeloop checks the fixed factors of a dimension from the
//    innermost level out, spatial before temporal) is dropped with a warning, leaving that factor
//    free, as 019f107 does (util/numeric.cpp: "setting to a free variable"); e.g. M=16 on M=1000.
//    Re-specifying a factor, permutation, split or keep/bypass flag of one level is an error (as
//    Timeloop).
//  - A spatial constraint at a level without fan-out (its child has as many instances): an error
//    naming the level when it fixes a factor > 1, else ignored with a warning (Timeloop rejects both).
//  - Keys Timeloop does not read are ignored with a warning (file:line, "did you mean").
//  - Not representable in cosa's Constraints and therefore rejected with an explanation: max
//    factors (`R<=4`, `default_max_factor`), and non-empty `no_link_transfer`,
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
    tree.warnUnknownKeys(allowed, "key");
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

  Constraints result() && {
    dropNonDividingFactors();
    return std::move(result_);
  }

 private:
  void parseList(const YamlView& list) {
    for (const YamlView& item : list.elements()) {
      item.expectMap();
      if (auto nested = item.find("constraints")) {
        item.warnUnknownKeys({"target", "name", "constraints"}, "key");
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
    if (kind == ConstraintKind::Spatial) attribute_keys.push_back("split");
    if (attributes_node) {
      attributes_node->warnUnknownKeys(attribute_keys, "key");
      constraint.warnUnknownKeys(own, "key");
    } else {
      std::vector<std::string> all = own;
      all.insert(all.end(), attribute_keys.begin(), attribute_keys.end());
      constraint.warnUnknownKeys(all, "key");
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
      const YamlView min_node = attributes.get("min");
      const double min = min_node.asDouble();
      if (!(min >= 0 && min <= 1))
        min_node.fail(fmt::format("min must be in [0, 1], got {}", min_node.asString()));
      if (result_.min_utilization) type_view.fail(fmt::format("re-specification of the minimum {}", type));
      result_.min_utilization = min;
      type_view.warn(fmt::format(
          "minimum {} {} (the arithmetic units used over those available) is recorded but not enforced by "
          "cosa's scheduler",
          type, min_node.asString()));
      return;
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
          if (value > bound)
            factors->warn(
                fmt::format("{}={} exceeds the dimension's bound {}: taken as {}={}, as Timeloop does",
                            workload_.dimensions[dim], value, bound, workload_.dimensions[dim], bound));
          if (value == 0 || value > bound) value = bound;
          if (!fixed_.insert({level, kindSlot(kind), dim}).second)
            factors->fail(fmt::format("re-specification of the {} factor of dimension {} at level {}",
                                      kind_name, workload_.dimensions[dim], level_name));
          item.factors.emplace_back(dim, value);
        }
        factor_nodes_.emplace_back(result_.items.size(), *factors);
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
        std::optional<YamlView> split = constraint.find("split");
        if (auto inner = attributes_node ? attributes_node->find("split") : std::nullopt) {
          if (split && split->asInt() != inner->asInt())
            inner->fail(fmt::format("conflicts with split {} given next to 'type'", split->asString()));
          if (!split) split = inner;
        }
        if (split) {
          const std::int64_t value = split->asInt();
          if (value < 0) split->fail(fmt::format("split must be >= 0, got {}", value));
          if (!split_levels_.insert(level).second)
            split->fail(fmt::format("re-specification of the spatial split at level {}", level_name));
          item.split = static_cast<int>(std::min<std::int64_t>(value, workload_.numDims()));
        }
        if (arch_.fanout(level) <= 1 && !checkSpatialLevel(constraint, item)) return;
      }
      for (const char* key : {"no_temporal_reuse", "no_link_transfer", "no_multicast_no_reduction"}) {
        auto value = constraint.find(key);
        if (value && !parseDataSpaceList(*value, workload_).empty())
          value->fail(fmt::format("'{}' is not supported by cosa's model", key));
      }
    }
    result_.items.push_back(std::move(item));
  }

  // A spatial constraint at a level without fan-out (Timeloop rejects it: "cannot find spatial
  // tiling level"). Fixing a factor > 1 there is an error naming the level; otherwise the
  // constraint says nothing and is dropped with a warning. Returns whether to keep it.
  bool checkSpatialLevel(const YamlView& constraint, const LevelConstraint& item) {
    const int level = item.level;
    const std::string child = level == 0 ? arch_.arithmetic.name : arch_.levels[level - 1].name;
    const std::string why =
        fmt::format("level {} has no spatial fan-out (its child {} has as many instances as it, {})",
                    arch_.levels[level].name, child, arch_.levels[level].instances);
    for (const auto& [dim, value] : item.factors)
      if (value > 1)
        constraint.fail(
            fmt::format("spatial factor {}={} cannot be placed: {}", workload_.dimensions[dim], value, why));
    constraint.warn(fmt::format("spatial constraint ignored: {}", why));
    return false;
  }

  // Timeloop 019f107 (util/numeric.cpp, Factors with given factors) takes a dimension's fixed
  // factors in tiling order (storage levels innermost first; at each, spatial before temporal)
  // and keeps one only if the bound is divisible by it times the factors kept so far; any other is
  // dropped, leaving that factor free ("setting to a free variable"), with a warning.
  void dropNonDividingFactors() {
    auto order = [](const LevelConstraint& c) {
      return 2 * c.level + (c.kind == ConstraintKind::Spatial ? 0 : 1);
    };
    std::vector<std::size_t> items;
    for (std::size_t i = 0; i < result_.items.size(); ++i)
      if (result_.items[i].kind != ConstraintKind::Bypass) items.push_back(i);
    std::stable_sort(items.begin(), items.end(), [&](std::size_t a, std::size_t b) {
      return order(result_.items[a]) < order(result_.items[b]);
    });
    for (int dim = 0; dim < workload_.numDims(); ++dim) {
      const std::int64_t bound = workload_.bounds[dim];
      std::int64_t kept = 1;
      for (std::size_t i : items) {
        auto& factors = result_.items[i].factors;
        for (auto it = factors.begin(); it != factors.end(); ++it) {
          if (it->first != dim) continue;
          const std::int64_t value = it->second;
          if (bound % value == 0 && (bound / value) % kept == 0) {
            kept *= value;
            break;
          }
          const LevelConstraint& item = result_.items[i];
          const std::string message = fmt::format(
              "{} factor {}={} at level {} does not divide the dimension's bound {}{}: ignored, that factor "
              "is left free, as Timeloop 019f107 does",
              item.kind == ConstraintKind::Spatial ? "spatial" : "temporal", workload_.dimensions[dim], value,
              arch_.levels[item.level].name, bound,
              kept > 1 ? fmt::format(" together with the factors fixed inside it ({})", kept)
                       : std::string());
          for (const auto& [index, node] : factor_nodes_)
            if (index == i) node.warn(message);
          factors.erase(it);
          break;
        }
      }
    }
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
  std::vector<std::pair<std::size_t, YamlView>> factor_nodes_;  // (item index, its `factors` node)
};

}  // namespace

bool hasConstraints(const InputFiles& files) {
  if (!files.roots().empty() && v04::hasV04Constraints(files.merged())) return true;
  for (const char* key : {"mapspace", "mapspace_constraints", "arch_constraints", "architecture_constraints"})
    if (files.has(key)) return true;
  for (const auto& root : files.roots())
    for (const char* key : {"arch", "architecture"})
      if (auto a = root.find(key); a && a->isMap() && a->find("constraints")) return true;
  return false;
}

Constraints parseConstraints(const InputFiles& files, const Architecture& arch, const Workload& workload) {
  // Timeloop v0.4 (timeloopfe's user form and processed output): io/timeloop/constraints_v04 turns the
  // whole document's constraints into the v0.3 list read below.
  if (!files.roots().empty()) {
    const YamlView whole = files.merged();
    if (v04::hasV04Constraints(whole)) {
      for (const char* key : {"architecture", "constraints", "mapspace", "mapping", "variables"})
        files.markUsed(key);
      return parseConstraints(InputFiles::fromRoot(v04::normalizeConstraints(whole, workload)), arch,
                              workload);
    }
  }
  ConstraintReader reader(arch, workload);
  if (!hasConstraints(files))
    files.failMissing(
        "constraints ('mapspace', 'mapspace_constraints', 'arch_constraints' or 'architecture_constraints')");
  // Timeloop: `mapspace`, else `mapspace_constraints`; architecture constraints under the
  // architecture, else `arch_constraints`, else `architecture_constraints`. Both trees apply.
  if (auto mapspace = files.section({"mapspace", "mapspace_constraints"})) reader.parseTree(*mapspace);
  std::optional<YamlView> arch_constraints;
  if (auto a = files.section({"arch", "architecture"}); a && a->isMap())
    arch_constraints = a->find("constraints");
  if (!arch_constraints) arch_constraints = files.section({"arch_constraints", "architecture_constraints"});
  if (arch_constraints) reader.parseTree(*arch_constraints);
  return std::move(reader).result();
}

Constraints parseConstraints(const YamlView& root, const Architecture& arch, const Workload& workload) {
  root.expectMap();
  return parseConstraints(InputFiles::fromRoot(root), arch, workload);
}

Constraints loadConstraints(const std::string& path, const Architecture& arch, const Workload& workload) {
  return parseConstraints(YamlView::loadFile(path), arch, workload);
}

}  // namespace cosa
