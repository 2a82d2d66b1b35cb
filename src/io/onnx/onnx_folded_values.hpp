#pragma once
// Small tensors whose values the shape folding knows (internal to io/onnx/): read from and written
// to ONNX tensors, indexed row-major, combined element by element with broadcasting.

#include <onnx/onnx_pb.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "io/onnx/onnx_graph_util.hpp"

namespace cosa::shape_folding {

bool isFloatType(int type);
bool isFoldableType(int type);
// A double as an integer, clamped (see kHugeInt in onnx_folded_values.cpp).
std::int64_t toInt(double v);
// The element count of a shape of at most kMaxFoldedElements elements, else nothing.
std::optional<std::size_t> elementCount(const Dims& shape);

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
using ValueTable = std::unordered_map<std::string, Value>;

// The value's type rounding: integer results truncate toward zero (ONNX's integer division).
double castTo(int type, double v);
// The values of a tensor of a foldable type and at most kMaxFoldedElements elements, else nothing.
std::optional<Value> valueOf(const onnx::TensorProto& t);
onnx::TensorProto toTensor(const Value& v, const std::string& name);

// Row-major index arithmetic.
Dims unflatten(std::size_t flat, const Dims& shape);
std::size_t flatten(const Dims& idx, const Dims& shape);

std::optional<Dims> broadcastShapes(const Dims& a, const Dims& b);
// f over the broadcast inputs, each result rounded to `type`; nothing when the shapes do not
// broadcast or the result is too large.
std::optional<Value> elementwise(const std::vector<const Value*>& in, int type,
                                 const std::function<double(const std::vector<double>&)>& f);
// An axis in [-rank, rank) counted from the front; std::out_of_range outside.
std::int64_t normalizeAxis(std::int64_t axis, std::size_t rank);

}  // namespace cosa::shape_folding
