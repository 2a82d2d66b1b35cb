#include "io/onnx/onnx_folded_values.hpp"

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstring>

#include "io/onnx/onnx_shape_folding.hpp"

namespace cosa::shape_folding {

namespace {

// Integers stored in doubles: the folded values are sizes and indices, far below 2^53; larger
// ones (INT64_MAX as "to the end" in Slice) are clamped to this on the way back.
constexpr double kHugeInt = 4.0e18;

// Decodes raw_data as `count` elements of the tensor's type; false when its size does not match.
bool readRawData(const onnx::TensorProto& t, std::size_t count, std::vector<double>& data) {
  using T = onnx::TensorProto;
  const std::string& raw = t.raw_data();
  auto read = [&](auto sample) -> bool {
    using S = decltype(sample);
    if (raw.size() != count * sizeof(S)) return false;
    for (std::size_t i = 0; i < count; ++i) {
      S s;
      std::memcpy(&s, raw.data() + i * sizeof(S), sizeof(S));
      data.push_back(static_cast<double>(s));
    }
    return true;
  };
  switch (t.data_type()) {
    case T::FLOAT:
      return read(float{});
    case T::DOUBLE:
      return read(double{});
    case T::INT64:
      return read(std::int64_t{});
    case T::INT32:
      return read(std::int32_t{});
    case T::INT16:
      return read(std::int16_t{});
    case T::INT8:
      return read(std::int8_t{});
    case T::UINT8:
    case T::BOOL:
      return read(std::uint8_t{});
    case T::UINT16:
      return read(std::uint16_t{});
    case T::UINT32:
      return read(std::uint32_t{});
    case T::UINT64:
      return read(std::uint64_t{});
    default:
      return false;
  }
}

// Appends the elements of the tensor's typed field (the one its data type is stored in).
void readTypedData(const onnx::TensorProto& t, std::vector<double>& data) {
  using T = onnx::TensorProto;
  auto copy = [&](const auto& field) {
    for (const auto& x : field) data.push_back(static_cast<double>(x));
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
}

// The element of `v` that broadcasts to position `idx` of `out_shape`.
double broadcastAt(const Value& v, const Dims& idx, const Dims& out_shape) {
  std::size_t flat = 0;
  const std::size_t offset = out_shape.size() - v.shape.size();
  for (std::size_t i = 0; i < v.shape.size(); ++i)
    flat = flat * static_cast<std::size_t>(v.shape[i]) + (v.shape[i] == 1 ? 0 : idx[i + offset]);
  return v.data.at(flat);
}

}  // namespace

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
  if (t.has_raw_data()) {
    if (!readRawData(t, *count, v.data)) return std::nullopt;
    return v;
  }
  readTypedData(t, v.data);
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

}  // namespace cosa::shape_folding
