#include "io/timeloop/shapes.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <stdexcept>

namespace cosa {

namespace {

// The built-in shapes, written in Timeloop's shape format. Axis orders follow Timeloop's
// problem-shapes/*.yaml where Timeloop ships the shape (cnn-layer, gemm-ABZ).
struct BuiltinText {
  const char* name;
  const char* yaml;
};

constexpr BuiltinText kBuiltinTexts[] = {
    {"cnn-layer", R"(
shape:
  name: cnn-layer
  dimensions: [R, S, P, Q, C, K, N]
  coefficients:
    - {name: Wstride, default: 1}
    - {name: Hstride, default: 1}
    - {name: Wdilation, default: 1}
    - {name: Hdilation, default: 1}
  data-spaces:
    - name: Weights
      projection: [[[C]], [[K]], [[R]], [[S]]]
    - name: Inputs
      projection: [[[N]], [[C]], [[R, Wdilation], [P, Wstride]], [[S, Hdilation], [Q, Hstride]]]
    - name: Outputs
      projection: [[[N]], [[K]], [[Q]], [[P]]]
      read-write: true
)"},
    // Grouped convolution: G groups, each mapping C input channels to K output channels.
    {"grouped-cnn-layer", R"(
shape:
  name: grouped-cnn-layer
  dimensions: [R, S, P, Q, C, K, G, N]
  coefficients:
    - {name: Wstride, default: 1}
    - {name: Hstride, default: 1}
    - {name: Wdilation, default: 1}
    - {name: Hdilation, default: 1}
  data-spaces:
    - name: Weights
      projection: [[[G]], [[C]], [[K]], [[R]], [[S]]]
    - name: Inputs
      projection: [[[N]], [[G]], [[C]], [[R, Wdilation], [P, Wstride]], [[S, Hdilation], [Q, Hstride]]]
    - name: Outputs
      projection: [[[N]], [[G]], [[K]], [[Q]], [[P]]]
      read-write: true
)"},
    // Depthwise convolution: every channel C is filtered on its own (a grouped convolution with
    // one input and one output channel per group).
    {"depthwise-cnn-layer", R"(
shape:
  name: depthwise-cnn-layer
  dimensions: [R, S, P, Q, C, N]
  coefficients:
    - {name: Wstride, default: 1}
    - {name: Hstride, default: 1}
    - {name: Wdilation, default: 1}
    - {name: Hdilation, default: 1}
  data-spaces:
    - name: Weights
      projection: [[[C]], [[R]], [[S]]]
    - name: Inputs
      projection: [[[N]], [[C]], [[R, Wdilation], [P, Wstride]], [[S, Hdilation], [Q, Hstride]]]
    - name: Outputs
      projection: [[[N]], [[C]], [[Q]], [[P]]]
      read-write: true
)"},
    // Z[M,N] += A[M,K] * B[K,N].
    {"gemm", R"(
shape:
  name: gemm
  dimensions: [M, N, K]
  data-spaces:
    - name: A
      projection: [[[M]], [[K]]]
    - name: B
      projection: [[[K]], [[N]]]
    - name: Z
      projection: [[[M]], [[N]]]
      read-write: true
)"},
    // Timeloop's gemm-ABZ: B is stored as [N, K].
    {"gemm-ABZ", R"(
shape:
  name: gemm-ABZ
  dimensions: [M, N, K]
  data-spaces:
    - name: A
      projection: [[[M]], [[K]]]
    - name: B
      projection: [[[N]], [[K]]]
    - name: Z
      projection: [[[M]], [[N]]]
      read-write: true
)"},
    // Z[B,M,N] += A[B,M,K] * B[B,K,N]; the dimension B is the batch (data space names and
    // dimension names live in separate namespaces).
    {"batched-gemm", R"(
shape:
  name: batched-gemm
  dimensions: [M, N, K, B]
  data-spaces:
    - name: A
      projection: [[[B]], [[M]], [[K]]]
    - name: B
      projection: [[[B]], [[K]], [[N]]]
    - name: Z
      projection: [[[B]], [[M]], [[N]]]
      read-write: true
)"},
};

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

bool isIdentifier(const std::string& text) {
  if (text.empty() || !(std::isalpha(static_cast<unsigned char>(text[0])) || text[0] == '_')) return false;
  return std::all_of(text.begin(), text.end(),
                     [](unsigned char c) { return std::isalnum(c) || c == '_' || c == '-'; });
}

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

ShapeTerm parseTerm(const YamlView& term, const WorkloadShape& shape) {
  // A term is [dim] or [dim, coefficient]; a bare scalar `dim` is accepted as [dim].
  std::vector<YamlView> items;
  if (term.isScalar()) {
    items.push_back(term);
  } else if (term.isSequence()) {
    items = term.elements();
  } else {
    term.fail("expected a projection term [dimension] or [dimension, coefficient]");
  }
  if (items.empty() || items.size() > 2)
    term.fail("expected a projection term [dimension] or [dimension, coefficient]");
  ShapeTerm out;
  const std::string dim = items[0].asString();
  out.dim = shape.dimIndex(dim);
  if (out.dim < 0)
    items[0].fail(fmt::format("unknown dimension '{}' (dimensions: {})", dim, joined(shape.dimensions)));
  if (items.size() == 2) {
    out.coefficient = items[1].asString();
    if (shape.coefficientIndex(out.coefficient) < 0) {
      std::vector<std::string> names;
      for (const auto& c : shape.coefficients) names.push_back(c.name);
      items[1].fail(fmt::format("unknown coefficient '{}' (coefficients: {})", out.coefficient,
                                names.empty() ? std::string("none") : joined(names)));
    }
  }
  return out;
}

std::vector<std::vector<ShapeTerm>> parseProjection(const YamlView& projection, const WorkloadShape& shape) {
  projection.expectSequence();
  const auto axes = projection.elements();
  if (axes.empty()) projection.fail("a data space needs at least one axis");
  if (axes.size() > static_cast<std::size_t>(kMaxDataSpaceAxes))
    projection.fail(fmt::format("a data space has at most {} axes, got {}", kMaxDataSpaceAxes, axes.size()));
  std::vector<std::vector<ShapeTerm>> out;
  // Simple form: a list of dimension names, one axis each ([M, K]).
  const bool simple = std::all_of(axes.begin(), axes.end(), [](const YamlView& a) { return a.isScalar(); });
  for (const YamlView& axis : axes) {
    if (simple) {
      out.push_back({parseTerm(axis, shape)});
      continue;
    }
    if (!axis.isSequence()) axis.fail("expected an axis: a list of terms such as [[P, Wstride], [R]]");
    std::vector<ShapeTerm> terms;
    for (const YamlView& term : axis.elements()) terms.push_back(parseTerm(term, shape));
    if (terms.empty()) axis.fail("an axis needs at least one term");
    out.push_back(std::move(terms));
  }
  return out;
}

}  // namespace

int WorkloadShape::dimIndex(std::string_view dim) const {
  for (std::size_t i = 0; i < dimensions.size(); ++i)
    if (dimensions[i] == dim) return static_cast<int>(i);
  return -1;
}

int WorkloadShape::coefficientIndex(std::string_view coef) const {
  for (std::size_t i = 0; i < coefficients.size(); ++i)
    if (coefficients[i].name == coef) return static_cast<int>(i);
  return -1;
}

WorkloadShape parseShape(const YamlView& node) {
  node.expectMap();
  if (node.has("flatten")) node.get("flatten").fail("flattened dimensions are not supported");
  node.checkKeys({"name", "dimensions", "coefficients", "data-spaces"});
  WorkloadShape shape;
  shape.name = node.optString("name").value_or("");

  const YamlView dims = node.get("dimensions");
  dims.expectSequence();
  for (const YamlView& d : dims.elements()) {
    std::string name = d.asString();
    if (!isIdentifier(name)) d.fail(fmt::format("invalid dimension name '{}'", name));
    if (shape.dimIndex(name) >= 0) d.fail(fmt::format("duplicate dimension '{}'", name));
    shape.dimensions.push_back(std::move(name));
  }
  if (shape.dimensions.empty()) dims.fail("a shape needs at least one dimension");

  if (auto coefs = node.find("coefficients")) {
    coefs->expectSequence();
    for (const YamlView& c : coefs->elements()) {
      c.expectMap();
      c.checkKeys({"name", "default"});
      ShapeCoefficient coef;
      const YamlView name = c.get("name");
      coef.name = name.asString();
      if (!isIdentifier(coef.name)) name.fail(fmt::format("invalid coefficient name '{}'", coef.name));
      if (shape.coefficientIndex(coef.name) >= 0 || shape.dimIndex(coef.name) >= 0)
        name.fail(
            fmt::format("duplicate name '{}' (coefficients and dimensions must be distinct)", coef.name));
      if (auto def = c.find("default")) {
        coef.default_value = def->asInt();
        if (coef.default_value < 0) def->fail("must be >= 0");
      }
      shape.coefficients.push_back(std::move(coef));
    }
  }

  const YamlView spaces = node.get("data-spaces");
  spaces.expectSequence();
  for (const YamlView& s : spaces.elements()) {
    s.expectMap();
    s.checkKeys({"name", "projection", "read-write"});
    ShapeDataSpace ds;
    const YamlView name = s.get("name");
    ds.name = name.asString();
    if (ds.name.empty()) name.fail("empty data space name");
    for (const auto& other : shape.data_spaces)
      if (other.name == ds.name) name.fail(fmt::format("duplicate data space '{}'", ds.name));
    ds.axes = parseProjection(s.get("projection"), shape);
    if (auto rw = s.find("read-write")) ds.read_write = rw->asBool();
    shape.data_spaces.push_back(std::move(ds));
  }
  if (shape.data_spaces.empty()) spaces.fail("a shape needs at least one data space");
  return shape;
}

namespace {

struct BuiltinTable {
  std::vector<std::string> names;
  std::map<std::string, WorkloadShape> by_lower_name;
};

const BuiltinTable& builtins() {
  static const BuiltinTable table = [] {
    BuiltinTable t;
    for (const auto& b : kBuiltinTexts) {
      const YamlView root = YamlView::loadString(b.yaml, fmt::format("<built-in shape {}>", b.name));
      t.names.emplace_back(b.name);
      t.by_lower_name.emplace(lower(b.name), parseShape(root.get("shape")));
    }
    return t;
  }();
  return table;
}

}  // namespace

const WorkloadShape* findBuiltinShape(std::string_view name) {
  const auto& table = builtins();
  auto it = table.by_lower_name.find(lower(name));
  return it == table.by_lower_name.end() ? nullptr : &it->second;
}

const WorkloadShape& builtinShape(std::string_view name) {
  const WorkloadShape* shape = findBuiltinShape(name);
  if (!shape) throw std::out_of_range(fmt::format("no built-in problem shape '{}'", name));
  return *shape;
}

std::vector<std::string> builtinShapeNames() { return builtins().names; }

Workload instantiate(const WorkloadShape& shape, const std::vector<std::int64_t>& bounds,
                     const std::vector<std::int64_t>& coefficients) {
  if (bounds.size() != shape.dimensions.size())
    throw std::invalid_argument(fmt::format("shape '{}' has {} dimensions, got {} bounds", shape.name,
                                            shape.dimensions.size(), bounds.size()));
  if (!coefficients.empty() && coefficients.size() != shape.coefficients.size())
    throw std::invalid_argument(fmt::format("shape '{}' has {} coefficients, got {} values", shape.name,
                                            shape.coefficients.size(), coefficients.size()));
  Workload w;
  w.shape = shape.name;
  w.dimensions = shape.dimensions;
  w.bounds = bounds;
  for (std::size_t i = 0; i < shape.coefficients.size(); ++i)
    w.coefficients.push_back({shape.coefficients[i].name,
                              coefficients.empty() ? shape.coefficients[i].default_value : coefficients[i]});
  for (const auto& ds : shape.data_spaces) {
    DataSpace out;
    out.name = ds.name;
    out.read_write = ds.read_write;
    for (const auto& axis : ds.axes) {
      ProjectionAxis terms;
      for (const auto& term : axis) {
        ProjectionTerm t;
        t.dim = term.dim;
        t.coefficient_name = term.coefficient;
        t.coefficient =
            term.coefficient.empty() ? 1 : w.coefficients[shape.coefficientIndex(term.coefficient)].value;
        terms.push_back(std::move(t));
      }
      out.axes.push_back(std::move(terms));
    }
    w.data_spaces.push_back(std::move(out));
  }
  return w;
}

}  // namespace cosa
