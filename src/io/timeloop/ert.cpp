// Accelergy energy reference tables (ERT), read the way Timeloop 019f107 consumes them.
//
// Accepted layouts (under a top-level `ERT:` key):
//   version 0.3 / 0.4:  tables: [{name: system.PE[0..15].Registers,
//                                 actions: [{name: read, arguments: {...} | null, energy: X}, ...]}]
//   version 0.2:        tables: {system.PE[0..15].Registers: {read: [{arguments, energy}, ...] | {energy}}}
// `version` may be omitted; the shape of `tables` then decides.
//
// Semantics (as in Timeloop):
// - A table applies to the level whose name equals the table name's last dotted component, after
//   dropping `[a..b]` replication suffixes. Tables naming no level (wires, networks, ...) are ignored.
// - An action listed several times (one entry per argument combination) costs the maximum of its
//   entries' energies, not the "random" (data_delta = address_delta = 1) entry.
// - Storage: read <- first of {random_read, read}; fill <- {random_fill, write};
//   update <- {random_update, random_fill, write}. MAC <- first of
//   {mac_random, mult_random, mac, mult, compute}. An operation the table does not provide keeps the
//   built-in estimate, as does every level the file does not mention.
// - ERT energies are per (vector) action and are used as they are: unlike the built-in SRAM
//   estimate they are not divided by the cluster size.

#include "io/timeloop/ert.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "io/yaml/input_files.hpp"
#include "io/yaml/yaml_util.hpp"

namespace cosa {
namespace {

struct Component {
  std::string full_name;
  std::string level_name;                 // last dotted component without `[a..b]`
  std::map<std::string, double> actions;  // action name -> max energy over its argument entries
};

// "system.PE[0..15].Registers[0..3]" -> "Registers".
std::string componentName(const std::string& full_name, const YamlView& where) {
  std::string stripped;
  for (std::size_t i = 0; i < full_name.size(); ++i) {
    if (full_name[i] == '[') {
      const std::size_t close = full_name.find(']', i);
      if (close == std::string::npos)
        where.fail(fmt::format("table name '{}' has an unterminated '['", full_name));
      i = close;
    } else {
      stripped.push_back(full_name[i]);
    }
  }
  const std::size_t dot = stripped.rfind('.');
  return dot == std::string::npos ? stripped : stripped.substr(dot + 1);
}

// All tables in order of first appearance; tables with the same full name are merged.
class ComponentList {
 public:
  Component& get(const std::string& full_name, const YamlView& where) {
    auto it = index_.find(full_name);
    if (it != index_.end()) return components_[it->second];
    index_.emplace(full_name, components_.size());
    components_.push_back({full_name, componentName(full_name, where), {}});
    return components_.back();
  }
  const std::vector<Component>& all() const { return components_; }

 private:
  std::vector<Component> components_;
  std::map<std::string, std::size_t> index_;
};

double readEnergy(const YamlView& node) {
  const double energy = node.asDouble();
  if (energy < 0) node.fail(fmt::format("energy must not be negative, got {}", energy));
  return energy;
}

void checkArguments(const YamlView& entry) {
  if (!entry.has("arguments")) return;
  const YamlView args = entry.get("arguments");
  if (!args.node().IsNull() && !args.isMap()) args.fail("expected a mapping of argument values or null");
}

void record(Component& component, const std::string& action, double energy) {
  auto [it, inserted] = component.actions.emplace(action, energy);
  if (!inserted) it->second = std::max(it->second, energy);
}

// Version 0.3 / 0.4: a list of {name, actions: [{name, arguments, energy}]}.
void readListTables(const YamlView& tables, ComponentList& out) {
  for (const YamlView& table : tables.elements()) {
    table.expectMap();
    table.checkKeys({"name", "actions"});
    const YamlView name = table.get("name");
    Component& component = out.get(name.asString(), name);
    const YamlView actions = table.get("actions");
    if (actions.node().IsNull()) continue;
    for (const YamlView& action : actions.elements()) {
      action.expectMap();
      action.checkKeys({"name", "arguments", "energy"});
      checkArguments(action);
      record(component, action.get("name").asString(), readEnergy(action.get("energy")));
    }
  }
}

// Version 0.2: {component: {action: [{arguments, energy}] or {arguments, energy}}}.
void readMapTables(const YamlView& tables, ComponentList& out) {
  for (const auto& [name, table] : tables.entries()) {
    Component& component = out.get(name, table);
    if (table.node().IsNull()) continue;
    for (const auto& [action, value] : table.entries()) {
      std::vector<YamlView> entries;
      if (value.isSequence()) {
        entries = value.elements();
      } else {
        entries.push_back(value);
      }
      for (const YamlView& entry : entries) {
        entry.expectMap();
        entry.checkKeys({"arguments", "energy"});
        checkArguments(entry);
        record(component, action, readEnergy(entry.get("energy")));
      }
    }
  }
}

const double* firstOf(const Component& component, std::initializer_list<std::string_view> names) {
  for (std::string_view name : names) {
    auto it = component.actions.find(std::string(name));
    if (it != component.actions.end()) return &it->second;
  }
  return nullptr;
}

void apply(const Component& component, const Architecture& arch, EnergyTable& table) {
  const std::string& name = component.level_name;
  // Timeloop keeps the last level of that name; storage levels come after the arithmetic level.
  int storage = -1;
  for (int i = 0; i < arch.numLevels(); ++i)
    if (arch.levels[static_cast<std::size_t>(i)].name == name) storage = i;
  if (storage >= 0) {
    LevelEnergy& energy = table.levels[static_cast<std::size_t>(storage)];
    if (const double* e = firstOf(component, {"random_read", "read"})) energy.read_pJ = *e;
    if (const double* e = firstOf(component, {"random_fill", "write"})) energy.fill_pJ = *e;
    if (const double* e = firstOf(component, {"random_update", "random_fill", "write"}))
      energy.update_pJ = *e;
    return;
  }
  if (arch.arithmetic.name == name) {
    if (const double* e = firstOf(component, {"mac_random", "mult_random", "mac", "mult", "compute"}))
      table.mac_pJ = *e;
  }
}

}  // namespace

EnergyTable loadErt(const std::string& path, const Architecture& arch) {
  return parseErt(YamlView::loadFile(path), arch);
}

EnergyTable parseErt(const YamlView& root, const Architecture& arch) {
  EnergyTable table = builtinEnergyTable(arch);

  root.expectMap();
  const YamlView ert = root.get("ERT");
  ert.expectMap();
  ert.checkKeys({"version", "tables"});
  const YamlView tables = ert.get("tables");

  std::optional<double> version;
  if (auto v = ert.find("version")) {
    const double value = v->asDouble();
    auto is = [value](double known) { return std::fabs(value - known) < 1e-9; };
    if (!is(0.2) && !is(0.3) && !is(0.4))
      v->fail(fmt::format("unsupported ERT version {} (expected 0.2, 0.3 or 0.4)", v->asString()));
    version = value;
  }

  ComponentList components;
  if (tables.isSequence()) {
    if (version && *version < 0.25) tables.fail("ERT version 0.2 expects `tables` to be a mapping");
    readListTables(tables, components);
  } else if (tables.isMap()) {
    if (version && *version > 0.25) tables.fail("ERT version 0.3 and later expect `tables` to be a list");
    readMapTables(tables, components);
  } else if (!tables.node().IsNull()) {
    tables.fail("expected a list of tables (or, for version 0.2, a mapping)");
  }

  for (const Component& component : components.all()) apply(component, arch, table);
  return table;
}

EnergyTable energyTableFor(const InputFiles& files, const Architecture& arch, const std::string& ert_path) {
  if (!ert_path.empty()) return loadErt(ert_path, arch);
  if (files.section("ERT"))
    for (const YamlView& root : files.roots())
      if (root.has("ERT")) return parseErt(root, arch);
  return builtinEnergyTable(arch);
}

}  // namespace cosa
