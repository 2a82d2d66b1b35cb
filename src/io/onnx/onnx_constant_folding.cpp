#include "io/onnx/onnx_constant_folding.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <set>
#include <stdexcept>

#include "io/onnx/onnx_shape_folding.hpp"

namespace cosa::shape_folding {

namespace {

// Evaluates one node whose inputs (or, for Shape and Size, whose input shapes) are known.
class NodeEvaluator {
 public:
  NodeEvaluator(const ValueTable& values, const ShapeTable& shapes) : values_(values), shapes_(shapes) {}

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
    if (op == "Cast") return one(cast(node, x));
    if (op == "Gather") return one(gather(node, x));
    if (op == "Slice") return one(slice(node, x));
    if (op == "Concat") return one(concat(node));
    if (op == "Unsqueeze" || op == "Squeeze") return one(squeeze(node, x, op == "Unsqueeze"));
    if (op == "Reshape") return one(reshape(node, x));
    if (op == "Flatten") return one(flattenTo2d(node, x));
    if (op == "Transpose") return one(transpose(node, x));
    if (op == "Expand") return one(expand(node, x));
    if (op == "Tile") return one(tile(node, x));
    if (op == "ConstantOfShape") return one(constantOfShape(node, x));
    if (op == "Range") return one(range(node, x));
    return arithmetic(node);
  }

  std::optional<Value> cast(const onnx::NodeProto& node, const Value& x) const {
    const int to = static_cast<int>(intAttr(node, "to", 0));
    if (!isFoldableType(to)) return std::nullopt;
    Value out{to, x.shape, {}};
    for (double v : x.data) out.data.push_back(castTo(to, v));
    return out;
  }

  std::optional<Value> flattenTo2d(const onnx::NodeProto& node, const Value& x) const {
    const auto rank = static_cast<std::int64_t>(x.shape.size());
    const std::int64_t axis = intAttr(node, "axis", 1);
    if (axis < -rank || axis > rank) return std::nullopt;
    const auto a = static_cast<std::size_t>(axis < 0 ? axis + rank : axis);
    std::int64_t outer = 1, inner = 1;
    for (std::size_t i = 0; i < x.shape.size(); ++i) (i < a ? outer : inner) *= x.shape[i];
    return Value{x.type, {outer, inner}, x.data};
  }

  std::optional<Value> expand(const onnx::NodeProto& node, const Value& x) const {
    const Value* shape = in(node, 1);
    if (shape == nullptr) return std::nullopt;
    const Value target{x.type, shape->ints(), {}};
    const auto s = broadcastShapes(x.shape, target.shape);
    if (!s) return std::nullopt;
    Value zeros{x.type, *s, std::vector<double>(elementCount(*s).value_or(0), 0)};
    if (!elementCount(*s)) return std::nullopt;
    return elementwise({&x, &zeros}, x.type, [](const auto& a) { return a[0]; });
  }

  std::optional<Value> constantOfShape(const onnx::NodeProto& node, const Value& x) const {
    Value fill{onnx::TensorProto::FLOAT, {}, {0.0}};
    if (const auto* a = attribute(node, "value"); a != nullptr && a->has_t()) {
      auto v = valueOf(a->t());
      if (!v || v->data.size() != 1) return std::nullopt;
      fill = *v;
    }
    const Dims shape = x.ints();
    const auto count = elementCount(shape);
    if (!count) return std::nullopt;
    return Value{fill.type, shape, std::vector<double>(*count, fill.data[0])};
  }

  std::optional<Value> range(const onnx::NodeProto& node, const Value& start) const {
    const Value *limit = in(node, 1), *delta = in(node, 2);
    if (limit == nullptr || delta == nullptr || start.data.size() != 1 || limit->data.size() != 1 ||
        delta->data.size() != 1 || delta->data[0] == 0)
      return std::nullopt;
    const double n = std::max(std::ceil((limit->data[0] - start.data[0]) / delta->data[0]), 0.0);
    if (!std::isfinite(n) || n > kMaxFoldedElements) return std::nullopt;
    Value out{start.type, {static_cast<std::int64_t>(n)}, {}};
    for (std::int64_t i = 0; i < static_cast<std::int64_t>(n); ++i)
      out.data.push_back(start.data[0] + static_cast<double>(i) * delta->data[0]);
    return out;
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

  const ValueTable& values_;
  const ShapeTable& shapes_;
};

}  // namespace

std::optional<std::vector<Value>> foldNode(const onnx::NodeProto& node, const ValueTable& values,
                                           const ShapeTable& shapes) {
  return NodeEvaluator(values, shapes).evaluate(node);
}

}  // namespace cosa::shape_folding
