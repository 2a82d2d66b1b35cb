#include "io/onnx/onnx_shape_folding.hpp"

#include <fmt/format.h>
#include <onnx/defs/schema.h>
#include <onnx/onnx_pb.h>
#include <onnx/shape_inference/implementation.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "common/error.hpp"

namespace cosa {

namespace {

using Dims = std::vector<std::int64_t>;

// Sizes far past any real layer (the same limit as onnx_import.cpp).
constexpr std::int64_t kMaxBound = std::int64_t{1} << 31;
// Integers stored in doubles: the folded values are sizes and indices, far below 2^53; larger
// ones (INT64_MAX as "to the end" in Slice) are clamped to this on the way back.
constexpr double kHugeInt = 4.0e18;
constexpr int kMaxRounds = 400;

bool isFloatType(int type) {
  using T = onnx::TensorProto;
  return type == T::FLOAT || type == T::DOUBLE;
}

bool isFoldableType(int type) {
  using T = onnx::TensorProto;
  switch (type) {
    case T::FLOAT:
    case T::DOUBLE:
    case T::INT64:
    case T::INT32:
    case T::INT16:
    case T::INT8:
    case T::UINT8:
    case T::UINT16:
    case T::UINT32:
    case T::UINT64:
    case T::BOOL:
      return true;
    default:
      return false;
  }
}

std::int64_t toInt(double v) { return static_cast<std::int64_t>(std::clamp(v, -kHugeInt, kHugeInt)); }

std::optional<std::size_t> elementCount(const Dims& shape) {
  std::size_t n = 1;
  for (std::int64_t d : shape) {
    if (d < 0 || d > kMaxFoldedElements) return std::nullopt;
    n *= static_cast<std::size_t>(d);
    if (n > static_cast<std::size_t>(kMaxFoldedElements)) return std::nullopt;
  }
  return n;
}

// A small tensor whose values are known: every element as a double (integers are exact).
struct Value {
  int type = onnx::TensorProto::INT64;
  Dims shape;
  std::vector<double> data;

  std::int64_t intAt(std::size_t i) const { return toInt(data.at(i)); }
  Dims ints() const {
    Dims out;
    for (double v : data) out.push_back(toInt(v));
    return out;
  }
};

// The value's type rounding: integer results truncate toward zero (ONNX's integer division).
double castTo(int type, double v) {
  if (isFloatType(type)) return v;
  if (type == onnx::TensorProto::BOOL) return v != 0 ? 1 : 0;
  return std::trunc(v);
}

std::optional<Value> valueOf(const onnx::TensorProto& t) {
  if (t.data_location() == onnx::TensorProto::EXTERNAL || !isFoldableType(t.data_type())) return std::nullopt;
  Value v{t.data_type(), Dims(t.dims().begin(), t.dims().end()), {}};
  const auto count = elementCount(v.shape);
  if (!count) return std::nullopt;
  using T = onnx::TensorProto;
  if (t.has_raw_data()) {
    const std::string& raw = t.raw_data();
    auto read = [&](auto sample) -> bool {
      using S = decltype(sample);
      if (raw.size() != *count * sizeof(S)) return false;
      for (std::size_t i = 0; i < *count; ++i) {
        S s;
        std::memcpy(&s, raw.data() + i * sizeof(S), sizeof(S));
        v.data.push_back(static_cast<double>(s));
      }
      return true;
    };
    bool ok = false;
    switch (t.data_type()) {
      case T::FLOAT:
        ok = read(float{});
        break;
      case T::DOUBLE:
        ok = read(double{});
        break;
      case T::INT64:
        ok = read(std::int64_t{});
        break;
      case T::INT32:
        ok = read(std::int32_t{});
        break;
      case T::INT16:
        ok = read(std::int16_t{});
        break;
      case T::INT8:
        ok = read(std::int8_t{});
        break;
      case T::UINT8:
      case T::BOOL:
        ok = read(std::uint8_t{});
        break;
      case T::UINT16:
        ok = read(std::uint16_t{});
        break;
      case T::UINT32:
        ok = read(std::uint32_t{});
        break;
      case T::UINT64:
        ok = read(std::uint64_t{});
        break;
      default:
        break;
    }
    if (!ok) return std::nullopt;
    return v;
  }
  auto copy = [&](const auto& field) {
    for (const auto& x : field) v.data.push_back(static_cast<double>(x));
  };
  switch (t.data_type()) {
    case T::FLOAT:
      copy(t.float_data());
      break;
    case T::DOUBLE:
      copy(t.double_data());
      break;
    case T::INT64:
      copy(t.int64_data());
      break;
    case T::UINT32:
    case T::UINT64:
      copy(t.uint64_data());
      break;
    default:
      copy(t.int32_data());
      break;
  }
  if (v.data.size() != *count) return std::nullopt;
  return v;
}

onnx::TensorProto toTensor(const Value& v, const std::string& name) {
  onnx::TensorProto t;
  t.set_name(name);
  t.set_data_type(v.type);
  for (std::int64_t d : v.shape) t.add_dims(d);
  using T = onnx::TensorProto;
  for (double x : v.data) switch (v.type) {
      case T::FLOAT:
        t.add_float_data(static_cast<float>(x));
        break;
      case T::DOUBLE:
        t.add_double_data(x);
        break;
      case T::INT64:
        t.add_int64_data(toInt(x));
        break;
      case T::UINT32:
      case T::UINT64:
        t.add_uint64_data(static_cast<std::uint64_t>(std::max<std::int64_t>(0, toInt(x))));
        break;
      default:
        t.add_int32_data(static_cast<std::int32_t>(std::clamp<std::int64_t>(toInt(x), INT32_MIN, INT32_MAX)));
    }
  return t;
}

const onnx::AttributeProto* attribute(const onnx::NodeProto& node, std::string_view name) {
  for (const auto& a : node.attribute())
    if (a.name() == name) return &a;
  return nullptr;
}
std::int64_t intAttr(const onnx::NodeProto& node, std::string_view name, std::int64_t fallback) {
  const auto* a = attribute(node, name);
  return a != nullptr && a->type() == onnx::AttributeProto::INT ? a->i() : fallback;
}
std::optional<Dims> intsAttr(const onnx::NodeProto& node, std::string_view name) {
  const auto* a = attribute(node, name);
  if (a == nullptr || a->type() != onnx::AttributeProto::INTS) return std::nullopt;
  return Dims(a->ints().begin(), a->ints().end());
}

// Calls visit(subgraph, label) for every graph a node's attributes hold; the label is the
// attribute's name, or "name[i]" in a list of graphs (as error fields name them).
template <typename Visit>
void forEachSubgraph(const onnx::NodeProto& node, Visit&& visit) {
  for (const auto& a : node.attribute()) {
    if (a.has_g()) visit(a.g(), a.name());
    for (int g = 0; g < a.graphs_size(); ++g) visit(a.graphs(g), fmt::format("{}[{}]", a.name(), g));
  }
}
template <typename Visit>
void forEachSubgraph(onnx::NodeProto& node, Visit&& visit) {
  for (auto& a : *node.mutable_attribute()) {
    if (a.has_g()) visit(*a.mutable_g(), a.name());
    for (int g = 0; g < a.graphs_size(); ++g) visit(*a.mutable_graphs(g), fmt::format("{}[{}]", a.name(), g));
  }
}

// Row-major index arithmetic.
Dims unflatten(std::size_t flat, const Dims& shape) {
  Dims idx(shape.size(), 0);
  for (std::size_t i = shape.size(); i-- > 0;) {
    const auto d = static_cast<std::size_t>(std::max<std::int64_t>(shape[i], 1));
    idx[i] = static_cast<std::int64_t>(flat % d);
    flat /= d;
  }
  return idx;
}
std::size_t flatten(const Dims& idx, const Dims& shape) {
  std::size_t flat = 0;
  for (std::size_t i = 0; i < shape.size(); ++i) flat = flat * static_cast<std::size_t>(shape[i]) + idx[i];
  return flat;
}

std::optional<Dims> broadcastShapes(const Dims& a, const Dims& b) {
  Dims out(std::max(a.size(), b.size()), 1);
  for (std::size_t i = 0; i < out.size(); ++i) {
    const std::int64_t da = i < out.size() - a.size() ? 1 : a[i - (out.size() - a.size())];
    const std::int64_t db = i < out.size() - b.size() ? 1 : b[i - (out.size() - b.size())];
    if (da != db && da != 1 && db != 1) return std::nullopt;
    out[i] = da == 1 ? db : da;
  }
  return out;
}

// The element of `v` that broadcasts to position `idx` of `out_shape`.
double broadcastAt(const Value& v, const Dims& idx, const Dims& out_shape) {
  std::size_t flat = 0;
  const std::size_t offset = out_shape.size() - v.shape.size();
  for (std::size_t i = 0; i < v.shape.size(); ++i)
    flat = flat * static_cast<std::size_t>(v.shape[i]) + (v.shape[i] == 1 ? 0 : idx[i + offset]);
  return v.data.at(flat);
}

std::optional<Value> elementwise(const std::vector<const Value*>& in, int type,
                                 const std::function<double(const std::vector<double>&)>& f) {
  Dims shape;
  for (const Value* v : in) {
    auto s = broadcastShapes(shape, v->shape);
    if (!s) return std::nullopt;
    shape = *s;
  }
  const auto count = elementCount(shape);
  if (!count) return std::nullopt;
  Value out{type, shape, {}};
  std::vector<double> args(in.size());
  for (std::size_t i = 0; i < *count; ++i) {
    const Dims idx = unflatten(i, shape);
    for (std::size_t k = 0; k < in.size(); ++k) args[k] = broadcastAt(*in[k], idx, shape);
    out.data.push_back(castTo(type, f(args)));
  }
  return out;
}

std::int64_t normalizeAxis(std::int64_t axis, std::size_t rank) {
  const auto r = static_cast<std::int64_t>(rank);
  if (axis < -r || axis >= r) throw std::out_of_range("axis");
  return axis < 0 ? axis + r : axis;
}

// Evaluates one node whose inputs (or, for Shape and Size, whose input shapes) are known.
class NodeEvaluator {
 public:
  NodeEvaluator(const std::unordered_map<std::string, Value>& values,
                const std::unordered_map<std::string, Dims>& shapes)
      : values_(values), shapes_(shapes) {}

  // One value per output, or nothing when the node cannot be folded.
  std::optional<std::vector<Value>> evaluate(const onnx::NodeProto& node) const {
    try {
      return dispatch(node);
    } catch (const std::out_of_range&) {
      return std::nullopt;  // malformed indices or axes: leave the node to shape inference
    }
  }

 private:
  const Value* in(const onnx::NodeProto& node, int i) const {
    if (i >= node.input_size() || node.input(i).empty()) return nullptr;
    const auto it = values_.find(node.input(i));
    return it == values_.end() ? nullptr : &it->second;
  }
  bool allInputsKnown(const onnx::NodeProto& node) const {
    for (int i = 0; i < node.input_size(); ++i)
      if (!node.input(i).empty() && in(node, i) == nullptr) return false;
    return node.input_size() > 0;
  }
  static std::optional<std::vector<Value>> one(std::optional<Value> v) {
    if (!v || !elementCount(v->shape)) return std::nullopt;
    return std::vector<Value>{std::move(*v)};
  }

  std::optional<std::vector<Value>> dispatch(const onnx::NodeProto& node) const {
    const std::string& op = node.op_type();
    if (op == "Constant") return one(constant(node));
    if (op == "Shape" || op == "Size") return one(shapeOf(node, op == "Size"));
    // The first input may be an empty name (an absent optional input), which is not a value.
    if (!allInputsKnown(node) || in(node, 0) == nullptr) return std::nullopt;
    const Value& x = *in(node, 0);
    if (op == "Identity") return one(x);
    if (op == "Cast") {
      const int to = static_cast<int>(intAttr(node, "to", 0));
      if (!isFoldableType(to)) return std::nullopt;
      Value out{to, x.shape, {}};
      for (double v : x.data) out.data.push_back(castTo(to, v));
      return one(out);
    }
    if (op == "Gather") return one(gather(node, x));
    if (op == "Slice") return one(slice(node, x));
    if (op == "Concat") return one(concat(node));
    if (op == "Unsqueeze" || op == "Squeeze") return one(squeeze(node, x, op == "Unsqueeze"));
    if (op == "Reshape") return one(reshape(node, x));
    if (op == "Flatten") {
      const auto rank = static_cast<std::int64_t>(x.shape.size());
      const std::int64_t axis = intAttr(node, "axis", 1);
      if (axis < -rank || axis > rank) return std::nullopt;
      const auto a = static_cast<std::size_t>(axis < 0 ? axis + rank : axis);
      std::int64_t outer = 1, inner = 1;
      for (std::size_t i = 0; i < x.shape.size(); ++i) (i < a ? outer : inner) *= x.shape[i];
      return one(Value{x.type, {outer, inner}, x.data});
    }
    if (op == "Transpose") return one(transpose(node, x));
    if (op == "Expand") {
      const Value* shape = in(node, 1);
      if (shape == nullptr) return std::nullopt;
      const Value target{x.type, shape->ints(), {}};
      const auto s = broadcastShapes(x.shape, target.shape);
      if (!s) return std::nullopt;
      Value zeros{x.type, *s, std::vector<double>(elementCount(*s).value_or(0), 0)};
      if (!elementCount(*s)) return std::nullopt;
      return one(elementwise({&x, &zeros}, x.type, [](const auto& a) { return a[0]; }));
    }
    if (op == "Tile") return one(tile(node, x));
    if (op == "ConstantOfShape") {
      Value fill{onnx::TensorProto::FLOAT, {}, {0.0}};
      if (const auto* a = attribute(node, "value"); a != nullptr && a->has_t()) {
        auto v = valueOf(a->t());
        if (!v || v->data.size() != 1) return std::nullopt;
        fill = *v;
      }
      const Dims shape = x.ints();
      const auto count = elementCount(shape);
      if (!count) return std::nullopt;
      return one(Value{fill.type, shape, std::vector<double>(*count, fill.data[0])});
    }
    if (op == "Range") {
      const Value *limit = in(node, 1), *delta = in(node, 2);
      if (limit == nullptr || delta == nullptr || x.data.size() != 1 || limit->data.size() != 1 ||
          delta->data.size() != 1 || delta->data[0] == 0)
        return std::nullopt;
      const double n = std::max(std::ceil((limit->data[0] - x.data[0]) / delta->data[0]), 0.0);
      if (!std::isfinite(n) || n > kMaxFoldedElements) return std::nullopt;
      Value out{x.type, {static_cast<std::int64_t>(n)}, {}};
      for (std::int64_t i = 0; i < static_cast<std::int64_t>(n); ++i)
        out.data.push_back(x.data[0] + static_cast<double>(i) * delta->data[0]);
      return one(out);
    }
    return arithmetic(node);
  }

  std::optional<Value> constant(const onnx::NodeProto& node) const {
    for (const auto& a : node.attribute()) {
      if (a.name() == "value" && a.has_t()) return valueOf(a.t());
      if (a.name() == "value_int") return Value{onnx::TensorProto::INT64, {}, {static_cast<double>(a.i())}};
      if (a.name() == "value_float") return Value{onnx::TensorProto::FLOAT, {}, {a.f()}};
      if (a.name() == "value_ints") {
        Value v{onnx::TensorProto::INT64, {a.ints_size()}, {}};
        for (auto i : a.ints()) v.data.push_back(static_cast<double>(i));
        return v;
      }
      if (a.name() == "value_floats") {
        Value v{onnx::TensorProto::FLOAT, {a.floats_size()}, {}};
        for (auto f : a.floats()) v.data.push_back(f);
        return v;
      }
    }
    return std::nullopt;
  }

  std::optional<Value> shapeOf(const onnx::NodeProto& node, bool size) const {
    if (node.input_size() < 1) return std::nullopt;
    Dims shape;
    if (const Value* v = in(node, 0))
      shape = v->shape;
    else if (const auto it = shapes_.find(node.input(0)); it != shapes_.end())
      shape = it->second;
    else
      return std::nullopt;
    if (std::any_of(shape.begin(), shape.end(), [](std::int64_t d) { return d < 0; })) return std::nullopt;
    if (size) {
      double n = 1;
      for (auto d : shape) n *= static_cast<double>(d);
      return Value{onnx::TensorProto::INT64, {}, {n}};
    }
    const auto rank = static_cast<std::int64_t>(shape.size());
    auto clampAxis = [&](std::int64_t a) {
      a = std::clamp(a, -rank, rank);
      return a < 0 ? a + rank : a;
    };
    const std::int64_t start = clampAxis(intAttr(node, "start", 0));
    const std::int64_t end = clampAxis(intAttr(node, "end", rank));
    Value out{onnx::TensorProto::INT64, {std::max<std::int64_t>(end - start, 0)}, {}};
    for (std::int64_t i = start; i < end; ++i) out.data.push_back(static_cast<double>(shape[i]));
    return out;
  }

  std::optional<Value> gather(const onnx::NodeProto& node, const Value& data) const {
    const Value* indices = in(node, 1);
    if (indices == nullptr || data.shape.empty()) return std::nullopt;
    const auto axis = static_cast<std::size_t>(normalizeAxis(intAttr(node, "axis", 0), data.shape.size()));
    Dims shape(data.shape.begin(), data.shape.begin() + static_cast<std::ptrdiff_t>(axis));
    shape.insert(shape.end(), indices->shape.begin(), indices->shape.end());
    shape.insert(shape.end(), data.shape.begin() + static_cast<std::ptrdiff_t>(axis) + 1, data.shape.end());
    const auto count = elementCount(shape);
    if (!count) return std::nullopt;
    Value out{data.type, shape, {}};
    const std::size_t k = indices->shape.size();
    for (std::size_t i = 0; i < *count; ++i) {
      const Dims idx = unflatten(i, shape);
      const Dims index_idx(idx.begin() + static_cast<std::ptrdiff_t>(axis),
                           idx.begin() + static_cast<std::ptrdiff_t>(axis + k));
      std::int64_t j = indices->intAt(flatten(index_idx, indices->shape));
      if (j < 0) j += data.shape[axis];
      if (j < 0 || j >= data.shape[axis]) return std::nullopt;
      Dims src(idx.begin(), idx.begin() + static_cast<std::ptrdiff_t>(axis));
      src.push_back(j);
      src.insert(src.end(), idx.begin() + static_cast<std::ptrdiff_t>(axis + k), idx.end());
      out.data.push_back(data.data.at(flatten(src, data.shape)));
    }
    return out;
  }

  std::optional<Value> slice(const onnx::NodeProto& node, const Value& data) const {
    const Value *starts = in(node, 1), *ends = in(node, 2), *axes_v = in(node, 3), *steps_v = in(node, 4);
    Dims st, en, axes, steps;
    if (starts != nullptr && ends != nullptr) {  // opset >= 10
      st = starts->ints();
      en = ends->ints();
      if (axes_v != nullptr) axes = axes_v->ints();
      if (steps_v != nullptr) steps = steps_v->ints();
    } else {
      st = intsAttr(node, "starts").value_or(Dims{});
      en = intsAttr(node, "ends").value_or(Dims{});
      axes = intsAttr(node, "axes").value_or(Dims{});
    }
    if (st.size() != en.size() || st.empty()) return std::nullopt;
    if (axes.empty())
      for (std::size_t i = 0; i < st.size(); ++i) axes.push_back(static_cast<std::int64_t>(i));
    if (steps.empty()) steps.assign(st.size(), 1);
    if (axes.size() != st.size() || steps.size() != st.size()) return std::nullopt;
    const std::size_t rank = data.shape.size();
    Dims begin(rank, 0), step(rank, 1), shape = data.shape;
    for (std::size_t i = 0; i < st.size(); ++i) {
      const auto a = static_cast<std::size_t>(normalizeAxis(axes[i], rank));
      const std::int64_t dim = data.shape[a], s = steps[i];
      if (s == 0) return std::nullopt;
      std::int64_t b = st[i] < 0 ? st[i] + dim : st[i];
      std::int64_t e = en[i] < 0 ? en[i] + dim : en[i];
      if (s > 0) {
        b = std::clamp<std::int64_t>(b, 0, dim);
        e = std::clamp<std::int64_t>(e, 0, dim);
        shape[a] = e > b ? (e - b + s - 1) / s : 0;
      } else {
        b = std::clamp<std::int64_t>(b, 0, dim - 1);
        e = std::clamp<std::int64_t>(e, -1, dim - 1);
        shape[a] = b > e ? (b - e - s - 1) / -s : 0;
      }
      begin[a] = b;
      step[a] = s;
    }
    const auto count = elementCount(shape);
    if (!count) return std::nullopt;
    Value out{data.type, shape, {}};
    for (std::size_t i = 0; i < *count; ++i) {
      Dims idx = unflatten(i, shape);
      for (std::size_t a = 0; a < rank; ++a) idx[a] = begin[a] + idx[a] * step[a];
      out.data.push_back(data.data.at(flatten(idx, data.shape)));
    }
    return out;
  }

  std::optional<Value> concat(const onnx::NodeProto& node) const {
    const Value& first = *in(node, 0);
    if (first.shape.empty()) return std::nullopt;
    const auto axis = static_cast<std::size_t>(normalizeAxis(intAttr(node, "axis", 0), first.shape.size()));
    Dims shape = first.shape;
    shape[axis] = 0;
    std::vector<const Value*> parts;
    for (int i = 0; i < node.input_size(); ++i) {
      const Value* v = in(node, i);
      if (v == nullptr || v->shape.size() != first.shape.size()) return std::nullopt;
      for (std::size_t a = 0; a < shape.size(); ++a)
        if (a != axis && v->shape[a] != first.shape[a]) return std::nullopt;
      shape[axis] += v->shape[axis];
      parts.push_back(v);
    }
    const auto count = elementCount(shape);
    if (!count) return std::nullopt;
    Value out{first.type, shape, {}};
    for (std::size_t i = 0; i < *count; ++i) {
      Dims idx = unflatten(i, shape);
      for (const Value* v : parts) {
        if (idx[axis] < v->shape[axis]) {
          out.data.push_back(v->data.at(flatten(idx, v->shape)));
          break;
        }
        idx[axis] -= v->shape[axis];
      }
    }
    return out;
  }

  std::optional<Value> squeeze(const onnx::NodeProto& node, const Value& x, bool unsqueeze) const {
    Dims axes;
    if (const Value* a = in(node, 1))
      axes = a->ints();
    else if (auto attr = intsAttr(node, "axes"))
      axes = *attr;
    Dims shape = x.shape;
    if (unsqueeze) {
      const std::size_t rank = x.shape.size() + axes.size();
      for (auto& a : axes) a = normalizeAxis(a, rank);
      std::sort(axes.begin(), axes.end());
      for (std::int64_t a : axes) {
        if (a > static_cast<std::int64_t>(shape.size())) return std::nullopt;
        shape.insert(shape.begin() + a, 1);
      }
    } else {
      std::set<std::int64_t> drop;
      for (std::int64_t a : axes) drop.insert(normalizeAxis(a, x.shape.size()));
      shape.clear();
      for (std::size_t i = 0; i < x.shape.size(); ++i) {
        const bool dropped = axes.empty() ? x.shape[i] == 1 : drop.contains(static_cast<std::int64_t>(i));
        if (dropped && x.shape[i] != 1) return std::nullopt;
        if (!dropped) shape.push_back(x.shape[i]);
      }
    }
    return Value{x.type, shape, x.data};
  }

  std::optional<Value> reshape(const onnx::NodeProto& node, const Value& x) const {
    const Value* target = in(node, 1);
    if (target == nullptr) return std::nullopt;
    Dims shape = target->ints();
    const bool allow_zero = intAttr(node, "allowzero", 0) != 0;
    std::int64_t known = 1;
    int infer = -1;
    for (std::size_t i = 0; i < shape.size(); ++i) {
      if (shape[i] == 0 && !allow_zero) {
        if (i >= x.shape.size()) return std::nullopt;
        shape[i] = x.shape[i];
      }
      if (shape[i] == -1) {
        if (infer >= 0) return std::nullopt;
        infer = static_cast<int>(i);
      } else if (shape[i] < 0 || shape[i] > static_cast<std::int64_t>(x.data.size())) {
        return std::nullopt;  // (a size above the element count cannot fit, and could overflow)
      } else {
        known *= shape[i];
      }
    }
    const auto total = static_cast<std::int64_t>(x.data.size());
    if (infer >= 0) {
      if (known == 0 || total % known != 0) return std::nullopt;
      shape[static_cast<std::size_t>(infer)] = total / known;
    } else if (known != total) {
      return std::nullopt;
    }
    return Value{x.type, shape, x.data};
  }

  std::optional<Value> transpose(const onnx::NodeProto& node, const Value& x) const {
    const std::size_t rank = x.shape.size();
    Dims perm = intsAttr(node, "perm").value_or(Dims{});
    if (perm.empty())
      for (std::size_t i = 0; i < rank; ++i) perm.push_back(static_cast<std::int64_t>(rank - 1 - i));
    if (perm.size() != rank) return std::nullopt;
    Dims shape(rank);
    for (std::size_t i = 0; i < rank; ++i) shape[i] = x.shape.at(static_cast<std::size_t>(perm[i]));
    Value out{x.type, shape, {}};
    for (std::size_t i = 0; i < x.data.size(); ++i) {
      const Dims idx = unflatten(i, shape);
      Dims src(rank);
      for (std::size_t a = 0; a < rank; ++a) src[static_cast<std::size_t>(perm[a])] = idx[a];
      out.data.push_back(x.data.at(flatten(src, x.shape)));
    }
    return out;
  }

  std::optional<Value> tile(const onnx::NodeProto& node, const Value& x) const {
    const Value* repeats = in(node, 1);
    if (repeats == nullptr || repeats->data.size() != x.shape.size()) return std::nullopt;
    Dims shape = x.shape;
    for (std::size_t i = 0; i < shape.size(); ++i) {
      const std::int64_t r = repeats->intAt(i);
      if (r < 0 || r > kMaxFoldedElements) return std::nullopt;
      shape[i] *= r;  // both at most kMaxFoldedElements: no overflow
    }
    const auto count = elementCount(shape);
    if (!count) return std::nullopt;
    Value out{x.type, shape, {}};
    for (std::size_t i = 0; i < *count; ++i) {
      Dims idx = unflatten(i, shape);
      for (std::size_t a = 0; a < idx.size(); ++a) idx[a] %= x.shape[a];
      out.data.push_back(x.data.at(flatten(idx, x.shape)));
    }
    return out;
  }

  std::optional<std::vector<Value>> arithmetic(const onnx::NodeProto& node) const {
    const std::string& op = node.op_type();
    std::vector<const Value*> args;
    for (int i = 0; i < node.input_size(); ++i) args.push_back(in(node, i));
    // An absent (empty-named) operand is no value to compute with.
    if (std::find(args.begin(), args.end(), nullptr) != args.end()) return std::nullopt;
    const int type = args[0]->type;
    constexpr int kBool = onnx::TensorProto::BOOL;
    using F = std::function<double(const std::vector<double>&)>;
    static const std::map<std::string, std::pair<bool, F>> kBinary = {
        // name -> (result is bool, function)
        {"Add", {false, [](const auto& a) { return a[0] + a[1]; }}},
        {"Sub", {false, [](const auto& a) { return a[0] - a[1]; }}},
        {"Mul", {false, [](const auto& a) { return a[0] * a[1]; }}},
        {"Pow", {false, [](const auto& a) { return std::pow(a[0], a[1]); }}},
        {"Equal", {true, [](const auto& a) { return double(a[0] == a[1]); }}},
        {"Less", {true, [](const auto& a) { return double(a[0] < a[1]); }}},
        {"Greater", {true, [](const auto& a) { return double(a[0] > a[1]); }}},
        {"LessOrEqual", {true, [](const auto& a) { return double(a[0] <= a[1]); }}},
        {"GreaterOrEqual", {true, [](const auto& a) { return double(a[0] >= a[1]); }}},
        {"And", {true, [](const auto& a) { return double(a[0] != 0 && a[1] != 0); }}},
        {"Or", {true, [](const auto& a) { return double(a[0] != 0 || a[1] != 0); }}},
        {"Xor", {true, [](const auto& a) { return double((a[0] != 0) != (a[1] != 0)); }}},
    };
    static const std::map<std::string, F> kUnary = {
        {"Neg", [](const auto& a) { return -a[0]; }},
        {"Abs", [](const auto& a) { return std::abs(a[0]); }},
        {"Floor", [](const auto& a) { return std::floor(a[0]); }},
        {"Ceil", [](const auto& a) { return std::ceil(a[0]); }},
        {"Sqrt", [](const auto& a) { return std::sqrt(a[0]); }},
        {"Sign", [](const auto& a) { return double((a[0] > 0) - (a[0] < 0)); }},
        {"Not", [](const auto& a) { return double(a[0] == 0); }},
    };
    if (const auto b = kBinary.find(op); b != kBinary.end() && args.size() == 2)
      return one(elementwise(args, b->second.first ? kBool : type, b->second.second));
    if (const auto u = kUnary.find(op); u != kUnary.end() && args.size() == 1)
      return one(elementwise(args, op == "Not" ? kBool : type, u->second));
    if (op == "Div" && args.size() == 2) {
      if (std::any_of(args[1]->data.begin(), args[1]->data.end(), [](double v) { return v == 0; }) &&
          !isFloatType(type))
        return std::nullopt;
      return one(elementwise(args, type, [](const auto& a) { return a[0] / a[1]; }));
    }
    if (op == "Mod" && args.size() == 2) {
      if (std::any_of(args[1]->data.begin(), args[1]->data.end(), [](double v) { return v == 0; }))
        return std::nullopt;
      const bool fmod = intAttr(node, "fmod", 0) != 0;
      return one(elementwise(args, type, [fmod](const auto& a) {
        const double r = std::fmod(a[0], a[1]);
        return fmod || r == 0 || (r < 0) == (a[1] < 0) ? r
                                                       : r + a[1];  // integer Mod takes the divisor's sign
      }));
    }
    if ((op == "Min" || op == "Max" || op == "Sum") && !args.empty())
      return one(elementwise(args, type, [&op](const auto& a) {
        double r = a[0];
        for (std::size_t i = 1; i < a.size(); ++i)
          r = op == "Min" ? std::min(r, a[i]) : op == "Max" ? std::max(r, a[i]) : r + a[i];
        return r;
      }));
    if (op == "Where" && args.size() == 3)
      return one(elementwise(args, args[1]->type, [](const auto& a) { return a[0] != 0 ? a[1] : a[2]; }));
    if (op.rfind("Reduce", 0) == 0) return one(reduce(node, *args[0]));
    return std::nullopt;
  }

  std::optional<Value> reduce(const onnx::NodeProto& node, const Value& x) const {
    const std::string& op = node.op_type();
    if (op != "ReduceProd" && op != "ReduceSum" && op != "ReduceMin" && op != "ReduceMax")
      return std::nullopt;
    Dims axes;
    if (const Value* a = in(node, 1))
      axes = a->ints();
    else
      axes = intsAttr(node, "axes").value_or(Dims{});
    if (axes.empty() && intAttr(node, "noop_with_empty_axes", 0) != 0) return x;
    std::set<std::size_t> reduced;
    for (std::int64_t a : axes) reduced.insert(static_cast<std::size_t>(normalizeAxis(a, x.shape.size())));
    if (axes.empty())
      for (std::size_t i = 0; i < x.shape.size(); ++i) reduced.insert(i);
    const bool keep = intAttr(node, "keepdims", 1) != 0;
    Dims kept_shape = x.shape;
    for (std::size_t a : reduced) kept_shape[a] = 1;
    const auto count = elementCount(kept_shape);
    if (!count) return std::nullopt;
    std::vector<double> acc(*count, op == "ReduceProd" ? 1.0 : op == "ReduceSum" ? 0.0 : NAN);
    for (std::size_t i = 0; i < x.data.size(); ++i) {
      Dims idx = unflatten(i, x.shape);
      for (std::size_t a : reduced) idx[a] = 0;
      double& r = acc[flatten(idx, kept_shape)];
      const double v = x.data[i];
      if (op == "ReduceProd")
        r *= v;
      else if (op == "ReduceSum")
        r += v;
      else if (std::isnan(r))
        r = v;
      else
        r = op == "ReduceMin" ? std::min(r, v) : std::max(r, v);
    }
    Dims shape;
    for (std::size_t a = 0; a < x.shape.size(); ++a)
      if (keep || !reduced.contains(a)) shape.push_back(kept_shape[a]);
    if (std::any_of(acc.begin(), acc.end(), [](double v) { return std::isnan(v); })) return std::nullopt;
    return Value{x.type, shape, acc};
  }

  const std::unordered_map<std::string, Value>& values_;
  const std::unordered_map<std::string, Dims>& shapes_;
};

Dims dimsOf(const onnx::TypeProto& type) {
  Dims dims;
  for (const auto& d : type.tensor_type().shape().dim())
    dims.push_back(d.has_dim_value() && d.dim_value() >= 0 ? d.dim_value() : -1);
  return dims;
}

std::unordered_map<std::string, Dims> knownShapes(const onnx::GraphProto& graph) {
  std::unordered_map<std::string, Dims> shapes;
  auto add = [&](const onnx::ValueInfoProto& v) {
    if (v.type().has_tensor_type() && v.type().tensor_type().has_shape()) shapes[v.name()] = dimsOf(v.type());
  };
  for (const auto& v : graph.input()) add(v);
  for (const auto& v : graph.output()) add(v);
  for (const auto& v : graph.value_info()) add(v);
  for (const auto& t : graph.initializer()) shapes[t.name()] = Dims(t.dims().begin(), t.dims().end());
  return shapes;
}

bool isDefaultDomain(const onnx::NodeProto& node) {
  return node.domain().empty() || node.domain() == "ai.onnx";
}

bool isComputeOp(const std::string& op) {
  return op == "Conv" || op == "ConvTranspose" || op == "Gemm" || op == "MatMul" || op == "Einsum";
}

// Libonnx's shape inference (Debian's 1.12) trusts convolution and pooling attributes: a zero
// stride divides by zero, and a convolution without kernel_shape takes its kernel from a weight
// whose rank it never compares with the input's, then reads past its vectors (both found by
// fuzzing, docs/hardening.md); DepthToSpace squares its blocksize and divides by it (a probe). So
// before inference, in the graph and in every subgraph (libonnx infers the branches of an If it
// cannot decide): their sizes must lie in range, and every convolution gets an explicit
// kernel_shape from its weight's shape (which libonnx does check against the input's rank). A
// convolution whose weight is computed is hidden from inference instead (renamed; the caller
// restores the returned nodes): its output stays unsized and the import reports the node as not
// imported. `known` holds the shapes the enclosing graphs declare.
using HiddenNodes = std::vector<std::pair<onnx::NodeProto*, std::string>>;

void prepareForShapeInference(onnx::GraphProto& graph, std::unordered_map<std::string, Dims> known,
                              const std::string& source, const std::string& path, HiddenNodes& hidden) {
  static const std::map<std::string, int> kWeightInput = {
      {"Conv", 1}, {"ConvInteger", 1}, {"ConvTranspose", 1}, {"QLinearConv", 3}};
  static const std::set<std::string> kPools = {"MaxPool", "AveragePool", "LpPool", "MaxUnpool"};
  static const std::set<std::string> kBlocks = {"DepthToSpace", "SpaceToDepth"};
  for (const auto& v : graph.input())
    if (v.type().has_tensor_type() && v.type().tensor_type().has_shape()) known[v.name()] = dimsOf(v.type());
  for (const auto& t : graph.initializer()) known[t.name()] = Dims(t.dims().begin(), t.dims().end());
  for (const auto& node : graph.node())
    if (node.op_type() == "Constant" && node.output_size() > 0)
      for (const auto& a : node.attribute())
        if (a.name() == "value" && a.has_t())
          known[node.output(0)] = Dims(a.t().dims().begin(), a.t().dims().end());

  for (int i = 0; i < graph.node_size(); ++i) {
    onnx::NodeProto& node = *graph.mutable_node(i);
    const std::string where = fmt::format("{}.node[{}] '{}' ({})", path, i, node.name(), node.op_type());
    forEachSubgraph(node, [&](onnx::GraphProto& sub, const std::string& label) {
      prepareForShapeInference(sub, known, source, where + " " + label, hidden);
    });
    if (!isDefaultDomain(node)) continue;
    const auto weight = kWeightInput.find(node.op_type());
    const bool blocks = kBlocks.contains(node.op_type());
    if (weight == kWeightInput.end() && !kPools.contains(node.op_type()) && !blocks) continue;
    for (const auto& a : node.attribute()) {
      const bool positive = a.name() == "strides" || a.name() == "dilations" || a.name() == "kernel_shape" ||
                            (blocks && a.name() == "blocksize");
      if (!positive && a.name() != "pads" && a.name() != "output_padding") continue;
      auto check = [&](std::int64_t value) {
        if (value < (positive ? 1 : 0) || value > kMaxBound)
          throw InputError({source, 0, 0}, fmt::format("{} {}", where, a.name()),
                           fmt::format("{} is outside [{}, {}]", value, positive ? 1 : 0, kMaxBound));
      };
      if (a.type() == onnx::AttributeProto::INT) check(a.i());
      for (const std::int64_t value : a.ints()) check(value);
    }
    if (weight == kWeightInput.end()) continue;
    const auto w = node.input_size() > weight->second ? known.find(node.input(weight->second)) : known.end();
    const auto x = node.input_size() > 0 ? known.find(node.input(0)) : known.end();
    const onnx::AttributeProto* kernel_shape = attribute(node, "kernel_shape");
    // libonnx reads the weight's channel and kernel dimensions without checking its rank (a 1-D
    // ConvTranspose weight with kernel_shape crashed it, found by fuzzing): a weight known up front
    // must have the input's rank (at least 3) and the kernel's.
    const bool weight_fits = w != known.end() && w->second.size() >= 3 &&
                             std::all_of(w->second.begin(), w->second.end(),
                                         [](std::int64_t d) { return d >= 1 && d <= kMaxBound; }) &&
                             (x == known.end() || x->second.size() == w->second.size()) &&
                             (kernel_shape == nullptr ||
                              static_cast<std::size_t>(kernel_shape->ints_size()) + 2 == w->second.size());
    // A computed weight keeps Conv's kernel_shape (libonnx checks Conv's weight rank then); other
    // convolutions with a computed weight are hidden as well.
    if (weight_fits || (w == known.end() && kernel_shape != nullptr && node.op_type() == "Conv")) {
      if (kernel_shape != nullptr) continue;
      onnx::AttributeProto* kernel = node.add_attribute();
      kernel->set_name("kernel_shape");
      kernel->set_type(onnx::AttributeProto::INTS);
      for (std::size_t d = 2; d < w->second.size(); ++d) kernel->add_ints(w->second[d]);
    } else {
      hidden.emplace_back(&node, node.op_type());
      node.set_op_type("CosaHiddenFromShapeInference");
    }
  }
}

int defaultDomainOpset(const onnx::ModelProto& model) {
  int version = 0;
  for (const auto& op : model.opset_import())
    if (op.domain().empty() || op.domain() == "ai.onnx")
      version = std::max(version, static_cast<int>(op.version()));
  return version;
}

std::string attributeTypeName(int type) {
  const std::string& name =
      onnx::AttributeProto::AttributeType_Name(static_cast<onnx::AttributeProto::AttributeType>(type));
  return name.empty() ? fmt::format("type {}", type) : name;
}

// Libonnx 1.12 dereferences attributes it never checks for, and reads an attribute's field for
// the type the schema declares, whatever type the attribute says it has (found by fuzzing,
// docs/hardening.md findings 11 and 13: Scan without its required num_scan_inputs; an `axis`
// marked FLOATS still gave its `i` to LayerNormalization, which the rank guard below then
// misjudged). So every node must carry its schema's required attributes, and a declared type
// other than the schema's is an error, as in ONNX Runtime; an unset type (old exporters) is left
// to libonnx.
void checkSchemaAttributes(const onnx::GraphProto& graph, int opset, const std::string& source,
                           const std::string& path) {
  for (int i = 0; i < graph.node_size(); ++i) {
    const onnx::NodeProto& node = graph.node(i);
    const std::string where = fmt::format("{}.node[{}] '{}' ({})", path, i, node.name(), node.op_type());
    const onnx::OpSchema* schema = opset > 0 && isDefaultDomain(node)
                                       ? onnx::OpSchemaRegistry::Schema(node.op_type(), opset, "")
                                       : nullptr;
    if (schema != nullptr) {
      for (const auto& [name, spec] : schema->attributes())
        if (spec.required && attribute(node, name) == nullptr)
          throw InputError({source, 0, 0}, where,
                           fmt::format("the required attribute '{}' is missing", name));
      for (const auto& a : node.attribute()) {
        const auto spec = schema->attributes().find(a.name());
        if (spec != schema->attributes().end() && a.type() != onnx::AttributeProto::UNDEFINED &&
            a.type() != spec->second.type)
          throw InputError({source, 0, 0}, fmt::format("{} {}", where, a.name()),
                           fmt::format("the attribute is {}, but the operator's schema says {}",
                                       attributeTypeName(a.type()), attributeTypeName(spec->second.type)));
      }
    }
    forEachSubgraph(node, [&](const onnx::GraphProto& sub, const std::string& label) {
      checkSchemaAttributes(sub, opset, source, where + " " + label);
    });
  }
}

// Libonnx 1.12's Shape from opset 15 on reads its input's type without checking that there is one
// (found by fuzzing, docs/hardening.md finding 11); it is absent when nothing types the tensor (an
// unknown custom operator's output, a name no node produces). So a Shape input that nothing types
// gets an empty tensor type in the value_info of the graph that defines it; inference fills that
// in, and the ones it leaves empty are removed afterwards (they say nothing).
class UntypedInputPlaceholders {
 public:
  // Adds the empty types; `graph` is the model's main graph. Libonnx types initializers that are
  // not graph inputs only from IR version 4 on (before, an initializer had to be an input too; a
  // Shape of one that is not crashed it, found by fuzzing).
  UntypedInputPlaceholders(onnx::GraphProto& graph, bool initializers_typed)
      : initializers_typed_(initializers_typed) {
    visit(graph);
  }

  // Removes the empty types that inference did not fill in.
  void removeUnfilled(onnx::GraphProto& graph) const {
    auto* infos = graph.mutable_value_info();
    for (int i = infos->size() - 1; i >= 0; --i) {
      const onnx::TypeProto& type = infos->Get(i).type();
      const bool empty =
          type.has_tensor_type() && type.tensor_type().elem_type() == 0 && !type.tensor_type().has_shape();
      if (empty && added_.contains(infos->Get(i).name())) infos->DeleteSubrange(i, 1);
    }
    for (auto& node : *graph.mutable_node())
      forEachSubgraph(node, [&](onnx::GraphProto& sub, const std::string&) { removeUnfilled(sub); });
  }

 private:
  struct Scope {
    onnx::GraphProto* graph;
    std::unordered_set<std::string> defined;  // inputs, initializers and node outputs
    std::unordered_set<std::string> typed;    // names with a type already
  };

  void visit(onnx::GraphProto& graph) {
    Scope scope{&graph, {}, {}};
    for (const auto& v : graph.input()) {
      scope.defined.insert(v.name());
      if (v.has_type()) scope.typed.insert(v.name());
    }
    for (const auto& t : graph.initializer()) {
      scope.defined.insert(t.name());
      if (initializers_typed_) scope.typed.insert(t.name());
    }
    for (const auto& v : graph.value_info())
      if (v.has_type()) scope.typed.insert(v.name());
    for (const auto& v : graph.output())
      if (v.has_type()) scope.typed.insert(v.name());
    for (const auto& node : graph.node())
      for (const auto& o : node.output()) scope.defined.insert(o);
    scopes_.push_back(std::move(scope));
    for (auto& node : *graph.mutable_node()) {
      if (isDefaultDomain(node) && node.op_type() == "Shape" && node.input_size() > 0 &&
          !node.input(0).empty())
        typeInOwnScope(node.input(0));
      forEachSubgraph(node, [&](onnx::GraphProto& sub, const std::string&) { visit(sub); });
    }
    scopes_.pop_back();
  }

  // The innermost graph that defines the name (the current one for a name nobody defines).
  void typeInOwnScope(const std::string& name) {
    Scope* owner = &scopes_.back();
    for (auto it = scopes_.rbegin(); it != scopes_.rend(); ++it)
      if (it->defined.contains(name)) {
        owner = &*it;
        break;
      }
    if (!owner->typed.insert(name).second) return;
    onnx::ValueInfoProto* info = owner->graph->add_value_info();
    info->set_name(name);
    info->mutable_type()->mutable_tensor_type();
    added_.insert(name);
  }

  bool initializers_typed_;
  std::vector<Scope> scopes_;
  std::unordered_set<std::string> added_;
};

// Libonnx 1.12 indexes the dimensions of some inputs without checking their rank (found by
// fuzz/probe_libonnx.py and the fuzzer after finding 11): dimensions 0 and 1 of STFT's signal,
// of X in RNN, GRU and LSTM before opset 7, and of A and B in Gemm before opset 7;
// LayerNormalization with its Mean or InvStdDev output walks the dimensions up to its axis (a
// negative one counted back from the rank); MaxUnpool without output_shape reads the shape of its
// indices. A rank-0 or rank-1 tensor there, an axis outside the rank, or unsized indices crashed
// it. The inputs listed here must be shown to have at least `min_rank` dimensions before
// inference may see the node.
struct RankRequirement {
  std::vector<int> inputs;
  std::size_t min_rank = 0;
};

RankRequirement rankRequirement(const onnx::NodeProto& node, int opset) {
  if (!isDefaultDomain(node) || opset <= 0) return {};
  const std::string& op = node.op_type();
  if (op == "LayerNormalization") {
    const bool statistics = (node.output_size() > 1 && !node.output(1).empty()) ||
                            (node.output_size() > 2 && !node.output(2).empty());
    // libonnx reads `i` (the schema checks above make the type INT or unset).
    const onnx::AttributeProto* axis_attribute = attribute(node, "axis");
    const std::int64_t axis = axis_attribute != nullptr ? axis_attribute->i() : -1;
    if (!statistics) return {};
    // A valid axis lies in [-rank, rank): the rank must exceed a positive one and reach -axis.
    const std::int64_t rank =
        axis >= 0 ? std::min(axis, kMaxBound) + 1 : std::min(-std::max(axis, -kMaxBound), kMaxBound);
    return {{0}, static_cast<std::size_t>(rank)};
  }
  if (op == "MaxUnpool") {
    const bool output_shape = node.input_size() > 2 && !node.input(2).empty();
    return output_shape ? RankRequirement{} : RankRequirement{{1}, 1};
  }
  if (op != "STFT" && op != "RNN" && op != "GRU" && op != "LSTM" && op != "Gemm") return {};
  const onnx::OpSchema* schema = onnx::OpSchemaRegistry::Schema(op, opset, "");
  if (schema == nullptr) return {};
  if (op == "STFT") return {{0}, 2};
  if (schema->since_version() >= 7) return {};
  return {op == "Gemm" ? std::vector<int>{0, 1} : std::vector<int>{0}, 2};
}

// Hides rank-guarded nodes from one round of inference (renamed, as above) unless the shapes known
// so far (those the previous round inferred) give their guarded inputs the rank they need. Inside
// subgraphs, whose shapes cosa does not track, they are always hidden. A hidden node's outputs
// stay unsized that round; once its inputs are sized, the next round includes it.
class RankGuard {
 public:
  RankGuard(onnx::GraphProto& graph, int opset, const std::unordered_map<std::string, Dims>& shapes) {
    visit(graph, opset, &shapes);
  }
  RankGuard(const RankGuard&) = delete;
  RankGuard& operator=(const RankGuard&) = delete;
  ~RankGuard() {
    for (const Hidden& h : hidden_) h.node->set_op_type(h.op_type);
  }

  // Whether a node hidden in the main graph now has its guarded inputs sized, so that another
  // round would include it.
  bool anyNowSized(const std::unordered_map<std::string, Dims>& shapes) const {
    return std::any_of(hidden_.begin(), hidden_.end(), [&](const Hidden& h) {
      return !h.in_subgraph && ranksShown(*h.node, h.need, shapes);
    });
  }

 private:
  struct Hidden {
    onnx::NodeProto* node;
    std::string op_type;
    RankRequirement need;
    bool in_subgraph;
  };

  static bool ranksShown(const onnx::NodeProto& node, const RankRequirement& need,
                         const std::unordered_map<std::string, Dims>& shapes) {
    return std::all_of(need.inputs.begin(), need.inputs.end(), [&](int i) {
      if (i >= node.input_size()) return false;
      const auto it = shapes.find(node.input(i));
      return it != shapes.end() && it->second.size() >= need.min_rank;
    });
  }

  // `shapes` is null inside subgraphs.
  void visit(onnx::GraphProto& graph, int opset, const std::unordered_map<std::string, Dims>* shapes) {
    for (auto& node : *graph.mutable_node()) {
      if (RankRequirement need = rankRequirement(node, opset);
          !need.inputs.empty() && (shapes == nullptr || !ranksShown(node, need, *shapes))) {
        hidden_.push_back({&node, node.op_type(), std::move(need), shapes == nullptr});
        node.set_op_type("CosaHiddenFromShapeInference");
      }
      forEachSubgraph(node, [&](onnx::GraphProto& sub, const std::string&) { visit(sub, opset, nullptr); });
    }
  }

  std::vector<Hidden> hidden_;
};

// One round of libonnx's inference over the whole model. Returns whether a node kept out of this
// round by the rank guard could now take part (so another round is worth running).
bool runShapeInference(onnx::ModelProto& model, const std::string& source) {
  const int opset = defaultDomainOpset(model);
  checkSchemaAttributes(model.graph(), opset, source, "graph");
  const std::unordered_map<std::string, Dims> previous = knownShapes(model.graph());
  model.mutable_graph()->clear_value_info();
  const UntypedInputPlaceholders placeholders(*model.mutable_graph(), model.ir_version() >= 4);
  const RankGuard rank_guard(*model.mutable_graph(), opset, previous);
  HiddenNodes hidden;
  prepareForShapeInference(*model.mutable_graph(), {}, source, "graph", hidden);
  try {
    // Node-level inference errors are not fatal (error_mode 0): such nodes just stay unsized.
    onnx::ShapeInferenceOptions inference(/*check_type=*/false, /*error_mode=*/0, /*data_propagation=*/true);
    onnx::shape_inference::InferShapes(model, onnx::OpSchemaRegistry::Instance(), inference);
  } catch (const std::exception& e) {
    throw InputError({source, 0, 0}, "graph", fmt::format("ONNX shape inference failed: {}", e.what()));
  }
  for (const auto& [node, op_type] : hidden) node->set_op_type(op_type);
  placeholders.removeUnfilled(*model.mutable_graph());
  return rank_guard.anyNowSized(knownShapes(model.graph()));
}

// Renames the tensors a subgraph produces (prefix + name) in its nodes, and in nested subgraphs'
// references to them, so that inlining it cannot collide with the outer graph's names.
void renameTensors(onnx::GraphProto& graph, const std::unordered_map<std::string, std::string>& names) {
  auto rename = [&](std::string* s) {
    if (const auto it = names.find(*s); it != names.end()) *s = it->second;
  };
  for (auto& node : *graph.mutable_node()) {
    for (auto& input : *node.mutable_input()) rename(&input);
    for (auto& output : *node.mutable_output()) rename(&output);
    for (auto& a : *node.mutable_attribute()) {
      if (a.has_g()) renameTensors(*a.mutable_g(), names);
      for (auto& g : *a.mutable_graphs()) renameTensors(g, names);
    }
  }
  for (auto& t : *graph.mutable_initializer()) rename(t.mutable_name());
  for (auto& o : *graph.mutable_output()) rename(o.mutable_name());
}

// The nodes that replace an If whose branch is known: the branch's nodes, its initializers as
// Constant nodes, and an Identity per output.
std::vector<onnx::NodeProto> inlineBranch(const onnx::NodeProto& node, onnx::GraphProto branch) {
  const std::string prefix = (node.name().empty() ? node.output(0) : node.name()) + "/";
  std::unordered_map<std::string, std::string> names;
  for (const auto& n : branch.node())
    for (const auto& o : n.output())
      if (!o.empty()) names[o] = prefix + o;
  for (const auto& t : branch.initializer()) names[t.name()] = prefix + t.name();
  renameTensors(branch, names);
  std::vector<onnx::NodeProto> out;
  for (const auto& t : branch.initializer()) {
    onnx::NodeProto c;
    c.set_op_type("Constant");
    c.set_name(t.name());
    c.add_output(t.name());
    auto* a = c.add_attribute();
    a->set_name("value");
    a->set_type(onnx::AttributeProto::TENSOR);
    *a->mutable_t() = t;
    out.push_back(std::move(c));
  }
  for (const auto& n : branch.node()) {
    out.push_back(n);
    if (out.back().name().empty()) continue;
    out.back().set_name(prefix + n.name());
  }
  for (int i = 0; i < node.output_size() && i < branch.output_size(); ++i) {
    onnx::NodeProto identity;
    identity.set_op_type("Identity");
    identity.set_name(prefix + "output_" + std::to_string(i));
    identity.add_input(branch.output(i).name());
    identity.add_output(node.output(i));
    out.push_back(std::move(identity));
  }
  return out;
}

const onnx::GraphProto* branchGraph(const onnx::NodeProto& node, bool condition) {
  const auto* a = attribute(node, condition ? "then_branch" : "else_branch");
  return a != nullptr && a->has_g() ? &a->g() : nullptr;
}

// One folding pass over the main graph: values of small tensors, then folded nodes replaced by
// initializers and Ifs with a known condition by their branch. Returns whether anything changed.
bool foldOnce(onnx::GraphProto& graph, ShapeFoldingReport& report) {
  const auto shapes = knownShapes(graph);
  std::unordered_map<std::string, Value> values;
  for (const auto& t : graph.initializer())
    if (auto v = valueOf(t)) values.emplace(t.name(), std::move(*v));
  const NodeEvaluator evaluator(values, shapes);

  std::vector<bool> folded(static_cast<std::size_t>(graph.node_size()), false);
  std::map<int, std::vector<onnx::NodeProto>> inlined;
  for (int i = 0; i < graph.node_size(); ++i) {
    const onnx::NodeProto& node = graph.node(i);
    if (!node.domain().empty() && node.domain() != "ai.onnx") continue;
    if (isComputeOp(node.op_type())) continue;
    if (node.op_type() == "If") {
      const auto cond = node.input_size() > 0 ? values.find(node.input(0)) : values.end();
      if (cond == values.end() || cond->second.data.size() != 1) continue;
      const bool taken = cond->second.data[0] != 0;
      const onnx::GraphProto* branch = branchGraph(node, taken);
      if (branch == nullptr || branch->output_size() != node.output_size()) continue;
      inlined[i] = inlineBranch(node, *branch);
      report.notes.push_back(fmt::format("If '{}': the condition is {}, so {} was inlined and {} dropped",
                                         node.name().empty() ? node.output(0) : node.name(),
                                         taken ? "true" : "false", taken ? "then_branch" : "else_branch",
                                         taken ? "else_branch" : "then_branch"));
      continue;
    }
    auto outputs = evaluator.evaluate(node);
    if (!outputs || static_cast<int>(outputs->size()) < node.output_size() || node.output_size() == 0)
      continue;
    for (int o = 0; o < node.output_size(); ++o)
      if (!node.output(o).empty()) values[node.output(o)] = (*outputs)[static_cast<std::size_t>(o)];
    folded[static_cast<std::size_t>(i)] = true;
  }
  const auto folded_count = std::count(folded.begin(), folded.end(), true);
  if (folded_count == 0 && inlined.empty()) return false;

  google::protobuf::RepeatedPtrField<onnx::NodeProto> kept;
  for (int i = 0; i < graph.node_size(); ++i) {
    const onnx::NodeProto& node = graph.node(i);
    if (folded[static_cast<std::size_t>(i)]) {
      for (const auto& o : node.output())
        if (!o.empty()) *graph.add_initializer() = toTensor(values.at(o), o);
    } else if (const auto it = inlined.find(i); it != inlined.end()) {
      for (auto& n : it->second) *kept.Add() = std::move(n);
    } else {
      *kept.Add() = node;
    }
  }
  graph.mutable_node()->Swap(&kept);
  report.folded_nodes += static_cast<int>(folded_count);
  return true;
}

}  // namespace

ShapeFoldingReport inferStaticShapes(onnx::ModelProto& model, const std::string& source) {
  ShapeFoldingReport report;
  onnx::GraphProto& graph = *model.mutable_graph();
  // Folded values become initializers: the graph must not also list them as inputs to override.
  for (report.rounds = 1;; ++report.rounds) {
    const bool guarded_node_now_sized = runShapeInference(model, source);
    const bool folded = report.rounds < kMaxRounds && foldOnce(graph, report);
    if (report.rounds >= kMaxRounds || (!folded && !guarded_node_now_sized)) break;
  }
  return report;
}

}  // namespace cosa
