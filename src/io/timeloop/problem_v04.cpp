#include "io/timeloop/problem_v04.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <vector>

namespace cosa::v04 {
namespace {

bool isEmpty(const YamlView& node) {
  const YAML::Node& n = node.node();
  if (n.IsNull()) return true;
  if (n.IsMap() || n.IsSequence()) return n.size() == 0;
  return n.Scalar().empty() || n.Scalar() == "null" || n.Scalar() == "~";
}

YAML::Node normalizeShape(const YamlView& shape) {
  if (!shape.isMap()) return shape.node();  // a shape name; the v0.3 reader resolves it
  YAML::Node out(YAML::NodeType::Map);
  for (const auto& [key, value] : shape.entries()) {
    if (key == "data_spaces" || key == "data-spaces") {
      if (shape.has("data_spaces") && shape.has("data-spaces"))
        value.fail("give either data_spaces or data-spaces, not both");
      YAML::Node spaces(YAML::NodeType::Sequence);
      for (const YamlView& space : value.elements()) {
        space.expectMap();
        space.checkKeys({"name", "projection", "read_write", "read-write"});
        YAML::Node s(YAML::NodeType::Map);
        for (const auto& [k, v] : space.entries()) s[k == "read_write" ? "read-write" : k] = v.node();
        spaces.push_back(s);
      }
      out["data-spaces"] = spaces;
    } else {
      out[key] = value.node();
    }
  }
  return out;
}

// Names the instance may bound: the shape's dimensions and coefficients (inline shapes only; a
// named shape keeps every instance key for the v0.3 reader to check).
std::optional<std::vector<std::string>> instanceNames(const YamlView& shape) {
  if (!shape.isMap()) return std::nullopt;
  std::vector<std::string> names;
  if (auto dims = shape.find("dimensions"))
    for (const YamlView& d : dims->elements()) names.push_back(d.asString());
  if (auto coefficients = shape.find("coefficients"))
    for (const YamlView& c : coefficients->elements())
      if (c.isMap() && c.has("name")) names.push_back(c.get("name").asString());
  return names;
}

}  // namespace

bool isV04Problem(const YamlView& problem) {
  if (!problem.isMap()) return false;
  if (auto version = problem.find("version"); version && version->isScalar()) {
    const std::string v = version->node().Scalar();
    if (v == "0.4" || v == "0.4.0") return true;
  }
  if (auto shape = problem.find("shape"); shape && shape->isMap() && shape->has("data_spaces")) return true;
  return false;
}

YamlView normalizeProblem(const YamlView& problem, const Variables& variables) {
  problem.expectMap();
  problem.checkKeys({"version", "instance", "shape", "name"});
  YAML::Node out(YAML::NodeType::Map);
  std::optional<std::vector<std::string>> names;
  if (auto shape = problem.find("shape")) {
    out["shape"] = normalizeShape(*shape);
    names = instanceNames(*shape);
  }
  if (auto name = problem.find("name")) out["name"] = name->node();
  const YamlView instance = problem.get("instance");
  instance.expectMap();
  YAML::Node bounds(YAML::NodeType::Map);
  for (const auto& [key, value] : instance.entries()) {
    if (key == "densities") {
      if (!isEmpty(value)) value.fail("densities (sparse workloads) are not supported by cosa");
      continue;
    }
    if (names && std::find(names->begin(), names->end(), key) == names->end()) continue;
    if (!value.isScalar()) value.fail("expected a number");
    std::string error;
    auto number = value.node().Tag() == "!" ? std::nullopt : variables.evaluate(value, &error);
    if (!number)
      value.fail(fmt::format("cannot evaluate '{}': {}", value.node().Scalar(),
                             error.empty() ? "a quoted string" : error));
    const std::string text = formatExpressionValue(*number);
    bounds[key] = text == value.node().Scalar() ? value.node() : YAML::Node(text);
  }
  out["instance"] = bounds;
  return YamlView(out, problem.file(), problem.path());
}

}  // namespace cosa::v04
