#include "workload/onnx_import.hpp"

#include <fmt/format.h>
#include <onnx/defs/schema.h>
#include <onnx/onnx_pb.h>
#include <onnx/shape_inference/implementation.h>

#include <algorithm>
#include <climits>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include "common/error.hpp"
#include "workload/shapes.hpp"

namespace cosa {

namespace {

using Dims = std::vector<std::int64_t>;  // -1: unknown
using NamedValues = std::vector<std::pair<std::string, std::int64_t>>;

// Sizes far past any real layer: they would overflow the products the model takes.
constexpr std::int64_t kMaxBound = std::int64_t{1} << 31;
constexpr double kMaxMacs = 9.0e18;

// Why a compute node is not imported; carried to OnnxImport::warnings.
struct Unsupported {
  std::string reason;
};

Dims dimsOf(const onnx::TypeProto& type) {
  if (!type.has_tensor_type() || !type.tensor_type().has_shape()) return {};
  Dims dims;
  for (const auto& d : type.tensor_type().shape().dim())
    dims.push_back(d.has_dim_value() && d.dim_value() > 0 ? d.dim_value() : -1);
  return dims;
}

// Shapes of every tensor the graph knows: inputs, outputs, value_info (after inference),
// initializers and Constant nodes.
struct TensorTable {
  std::unordered_map<std::string, Dims> shapes;
  std::unordered_map<std::string, bool> has_shape;
  std::unordered_set<std::string> constants;

  explicit TensorTable(const onnx::GraphProto& graph) {
    auto add = [&](const onnx::ValueInfoProto& v) {
      if (v.has_type() && v.type().has_tensor_type() && v.type().tensor_type().has_shape()) {
        shapes[v.name()] = dimsOf(v.type());
        has_shape[v.name()] = true;
      }
    };
    for (const auto& v : graph.input()) add(v);
    for (const auto& v : graph.output()) add(v);
    for (const auto& v : graph.value_info()) add(v);
    for (const auto& t : graph.initializer()) {
      shapes[t.name()] = Dims(t.dims().begin(), t.dims().end());
      has_shape[t.name()] = true;
      constants.insert(t.name());
    }
    for (const auto& node : graph.node()) {
      if (node.op_type() != "Constant" || node.output_size() == 0) continue;
      constants.insert(node.output(0));
      for (const auto& a : node.attribute())
        if (a.name() == "value" && a.has_t()) {
          shapes[node.output(0)] = Dims(a.t().dims().begin(), a.t().dims().end());
          has_shape[node.output(0)] = true;
        }
    }
  }

  // The fully known shape of `name`, or an Unsupported naming the tensor.
  Dims known(const std::string& name, const onnx::NodeProto& node) const {
    const auto it = shapes.find(name);
    if (it == shapes.end() || !has_shape.at(name))
      throw Unsupported{
          fmt::format("the shape of '{}' is unknown (shape inference could not size it)", name)};
    for (std::int64_t d : it->second)
      if (d <= 0)
        throw Unsupported{fmt::format("'{}' has an unknown or zero dimension ({} input/output of {})", name,
                                      node.op_type(), node.name())};
    return it->second;
  }
};

const onnx::AttributeProto* findAttribute(const onnx::NodeProto& node, std::string_view name) {
  for (const auto& a : node.attribute())
    if (a.name() == name) return &a;
  return nullptr;
}

Dims intsAttribute(const onnx::NodeProto& node, std::string_view name, Dims fallback) {
  const onnx::AttributeProto* a = findAttribute(node, name);
  if (a == nullptr || a->ints_size() == 0) return fallback;
  return Dims(a->ints().begin(), a->ints().end());
}

std::int64_t intAttribute(const onnx::NodeProto& node, std::string_view name, std::int64_t fallback) {
  const onnx::AttributeProto* a = findAttribute(node, name);
  return a == nullptr || !a->has_i() ? fallback : a->i();
}

// A workload of a built-in shape, with bounds and coefficients given by name (missing
// coefficients keep the shape's defaults).
Workload makeWorkload(const std::string& shape_name, const NamedValues& bounds,
                      const NamedValues& coefficients) {
  const WorkloadShape& shape = builtinShape(shape_name);
  std::vector<std::int64_t> b(shape.dimensions.size(), 0);
  double macs = 1;
  for (const auto& [dim, value] : bounds) {
    if (value < 1 || value > kMaxBound)
      throw Unsupported{fmt::format("dimension {} = {} is outside [1, {}]", dim, value, kMaxBound)};
    b.at(static_cast<std::size_t>(shape.dimIndex(dim))) = value;
    macs *= static_cast<double>(value);
  }
  if (macs > kMaxMacs) throw Unsupported{fmt::format("{:.3g} MACs is too many to count", macs)};
  std::vector<std::int64_t> c;
  for (const auto& coef : shape.coefficients) c.push_back(coef.default_value);
  for (const auto& [name, value] : coefficients) {
    if (value < 1 || value > kMaxBound)
      throw Unsupported{fmt::format("{} = {} is outside [1, {}]", name, value, kMaxBound)};
    c.at(static_cast<std::size_t>(shape.coefficientIndex(name))) = value;
  }
  Workload workload = instantiate(shape, b, c);
  // The limit every reader applies (problem_yaml.cpp): beyond it the cost model's counts overflow.
  if (const double bound = workload.countBound(); !(bound <= kMaxWorkloadCount))
    throw Unsupported{fmt::format("its counts could reach {:.3g}, beyond cosa's limit of 2^56", bound)};
  return workload;
}

Workload convWorkload(const onnx::NodeProto& node, const TensorTable& tensors) {
  if (node.input_size() < 2 || node.output_size() < 1)
    throw Unsupported{"Conv needs inputs X, W and output Y"};
  const Dims x = tensors.known(node.input(0), node);
  const Dims w = tensors.known(node.input(1), node);
  const Dims y = tensors.known(node.output(0), node);
  const std::size_t rank = x.size();
  if (rank != 3 && rank != 4)
    throw Unsupported{fmt::format("{}-D convolution (only 1-D and 2-D convolutions are layers here)",
                                  rank < 2 ? 0 : rank - 2)};
  if (w.size() != rank || y.size() != rank) throw Unsupported{"X, W and Y do not have the same rank"};
  const std::size_t spatial = rank - 2;
  const Dims strides = intsAttribute(node, "strides", Dims(spatial, 1));
  const Dims dilations = intsAttribute(node, "dilations", Dims(spatial, 1));
  if (strides.size() != spatial || dilations.size() != spatial)
    throw Unsupported{"strides or dilations do not match the kernel rank"};
  const std::int64_t groups = intAttribute(node, "group", 1);
  const std::int64_t n = x[0], c_in = x[1], k_out = w[0];
  if (groups < 1 || c_in % groups != 0 || k_out % groups != 0 || w[1] != c_in / groups)
    throw Unsupported{
        fmt::format("group {} does not divide the {} input and {} output channels", groups, c_in, k_out)};
  if (y[1] != k_out) throw Unsupported{"the output channels differ from the weight's"};

  // ONNX orders spatial axes outermost first ([H, W]); Timeloop's R/P are the width axis.
  const std::int64_t r = w[rank - 1], p = y[rank - 1];
  const std::int64_t s = spatial == 2 ? w[2] : 1, q = spatial == 2 ? y[2] : 1;
  const NamedValues coefficients{{"Wstride", strides[spatial - 1]},
                                 {"Hstride", spatial == 2 ? strides[0] : 1},
                                 {"Wdilation", dilations[spatial - 1]},
                                 {"Hdilation", spatial == 2 ? dilations[0] : 1}};
  const NamedValues window{{"R", r}, {"S", s}, {"P", p}, {"Q", q}, {"N", n}};
  auto with = [&](NamedValues extra) {
    NamedValues all = window;
    all.insert(all.end(), extra.begin(), extra.end());
    return all;
  };
  if (groups == 1) return makeWorkload("cnn-layer", with({{"C", c_in}, {"K", k_out}}), coefficients);
  if (groups == c_in && k_out == c_in)
    return makeWorkload("depthwise-cnn-layer", with({{"C", c_in}}), coefficients);
  return makeWorkload("grouped-cnn-layer", with({{"C", c_in / groups}, {"K", k_out / groups}, {"G", groups}}),
                      coefficients);
}

// A fully connected layer as a 1x1 convolution over `rows` input vectors.
Workload fullyConnected(std::int64_t rows, std::int64_t inputs, std::int64_t outputs) {
  return makeWorkload(
      "cnn-layer", {{"R", 1}, {"S", 1}, {"P", 1}, {"Q", 1}, {"C", inputs}, {"K", outputs}, {"N", rows}}, {});
}

Workload gemmWorkload(const onnx::NodeProto& node, const TensorTable& tensors) {
  if (node.input_size() < 2 || node.output_size() < 1)
    throw Unsupported{"Gemm needs inputs A, B and output Y"};
  const Dims a = tensors.known(node.input(0), node);
  const Dims b = tensors.known(node.input(1), node);
  if (a.size() != 2 || b.size() != 2) throw Unsupported{"Gemm operands must be matrices"};
  const bool trans_a = intAttribute(node, "transA", 0) != 0;
  const bool trans_b = intAttribute(node, "transB", 0) != 0;
  const std::int64_t m = trans_a ? a[1] : a[0], k = trans_a ? a[0] : a[1];
  const std::int64_t k_b = trans_b ? b[1] : b[0], n = trans_b ? b[0] : b[1];
  if (k != k_b) throw Unsupported{fmt::format("inner dimensions differ ({} and {})", k, k_b)};
  if (tensors.constants.contains(node.input(1))) return fullyConnected(m, k, n);
  return makeWorkload("gemm", {{"M", m}, {"N", n}, {"K", k}}, {});
}

// a * b for sizes from the model (both >= 1): beyond kMaxBound no layer is imported, and the
// product of a few large dimensions overflowed int64 before that check (undefined behaviour).
std::int64_t boundedProduct(std::int64_t a, std::int64_t b) {
  std::int64_t out = 0;
  if (__builtin_mul_overflow(a, b, &out) || out > kMaxBound)
    throw Unsupported{fmt::format("a dimension of {} x {} is outside [1, {}]", a, b, kMaxBound)};
  return out;
}

Workload matmulWorkload(const onnx::NodeProto& node, const TensorTable& tensors) {
  if (node.input_size() < 2 || node.output_size() < 1)
    throw Unsupported{"MatMul needs inputs A, B and output Y"};
  Dims a = tensors.known(node.input(0), node);
  Dims b = tensors.known(node.input(1), node);
  if (a.empty() || b.empty()) throw Unsupported{"MatMul of a scalar"};
  // numpy semantics: a 1-D A is a row vector, a 1-D B a column vector.
  if (a.size() == 1) a.insert(a.begin(), 1);
  if (b.size() == 1) b.push_back(1);
  const std::int64_t m = a[a.size() - 2], k = a.back(), k_b = b[b.size() - 2], n = b.back();
  if (k != k_b) throw Unsupported{fmt::format("inner dimensions differ ({} and {})", k, k_b)};
  std::int64_t a_batch = 1, b_batch = 1;
  for (std::size_t i = 0; i + 2 < a.size(); ++i) a_batch = boundedProduct(a_batch, a[i]);
  for (std::size_t i = 0; i + 2 < b.size(); ++i) b_batch = boundedProduct(b_batch, b[i]);
  // A constant matrix B shared by every row of A is a fully connected layer.
  if (tensors.constants.contains(node.input(1)) && b_batch == 1)
    return fullyConnected(boundedProduct(a_batch, m), k, n);
  const Dims y = tensors.known(node.output(0), node);
  std::int64_t batch = 1;
  for (std::size_t i = 0; i + 2 < y.size(); ++i) batch = boundedProduct(batch, y[i]);
  if (batch == 1) return makeWorkload("gemm", {{"M", m}, {"N", n}, {"K", k}}, {});
  return makeWorkload("batched-gemm", {{"M", m}, {"N", n}, {"K", k}, {"B", batch}}, {});
}

// Graph inputs often leave the batch symbolic ("N", "batch_size"); shape inference needs a number.
void fixBatchDimension(onnx::GraphProto& graph, std::int64_t batch_size, const std::string& source) {
  std::unordered_set<std::string> initializers;
  for (const auto& t : graph.initializer()) initializers.insert(t.name());
  for (int i = 0; i < graph.input_size(); ++i) {
    onnx::ValueInfoProto& input = *graph.mutable_input(i);
    if (initializers.contains(input.name()) || !input.type().has_tensor_type() ||
        !input.type().tensor_type().has_shape())
      continue;
    auto& shape = *input.mutable_type()->mutable_tensor_type()->mutable_shape();
    for (int d = 0; d < shape.dim_size(); ++d) {
      auto& dim = *shape.mutable_dim(d);
      if (dim.has_dim_value()) continue;
      if (d == 0) {
        dim.set_dim_value(batch_size);
        continue;
      }
      throw InputError(
          {source, 0, 0}, fmt::format("graph.input[{}] '{}' dimension {}", i, input.name(), d),
          fmt::format("symbolic size '{}': only the leading (batch) dimension may be symbolic; export "
                      "the model with fixed input sizes",
                      dim.dim_param()));
    }
  }
}

// Libonnx's shape inference (Debian's 1.12) trusts convolution and pooling attributes: a zero
// stride divides by zero, and a convolution without kernel_shape takes its kernel from a weight
// whose rank it never compares with the input's, then reads past its vectors (both found by
// fuzzing, docs/hardening.md). So before inference: their sizes must lie in range, and every
// convolution gets an explicit kernel_shape from its weight's shape (which libonnx does check
// against the input's rank). A convolution whose weight the graph computes is hidden from
// inference instead (renamed; the caller restores the returned names): its output stays unsized
// and the import reports the node as not imported.
std::vector<std::pair<int, std::string>> prepareForShapeInference(onnx::GraphProto& graph,
                                                                  const std::string& source) {
  // Weight input of each convolution; pools require kernel_shape (libonnx checks its size).
  static const std::map<std::string, int> kWeightInput = {
      {"Conv", 1}, {"ConvInteger", 1}, {"ConvTranspose", 1}, {"QLinearConv", 3}};
  static const std::set<std::string> kPools = {"MaxPool", "AveragePool", "LpPool", "MaxUnpool"};
  // Shapes known before inference: initializers, Constant values, fully sized graph inputs.
  std::unordered_map<std::string, Dims> known;
  for (const auto& v : graph.input())
    if (v.type().has_tensor_type() && v.type().tensor_type().has_shape()) known[v.name()] = dimsOf(v.type());
  for (const auto& t : graph.initializer()) known[t.name()] = Dims(t.dims().begin(), t.dims().end());
  for (const auto& node : graph.node())
    if (node.op_type() == "Constant" && node.output_size() > 0)
      for (const auto& a : node.attribute())
        if (a.name() == "value" && a.has_t())
          known[node.output(0)] = Dims(a.t().dims().begin(), a.t().dims().end());

  std::vector<std::pair<int, std::string>> hidden;
  for (int i = 0; i < graph.node_size(); ++i) {
    onnx::NodeProto& node = *graph.mutable_node(i);
    if (!node.domain().empty() && node.domain() != "ai.onnx") continue;
    const auto weight = kWeightInput.find(node.op_type());
    if (weight == kWeightInput.end() && !kPools.contains(node.op_type())) continue;
    for (const auto& a : node.attribute()) {
      const bool positive = a.name() == "strides" || a.name() == "dilations" || a.name() == "kernel_shape";
      if (!positive && a.name() != "pads") continue;
      for (const std::int64_t value : a.ints())
        if (value < (positive ? 1 : 0) || value > kMaxBound)
          throw InputError(
              {source, 0, 0},
              fmt::format("graph.node[{}] '{}' ({}) {}", i, node.name(), node.op_type(), a.name()),
              fmt::format("{} is outside [{}, {}]", value, positive ? 1 : 0, kMaxBound));
    }
    if (weight == kWeightInput.end() || findAttribute(node, "kernel_shape") != nullptr) continue;
    const auto w = node.input_size() > weight->second ? known.find(node.input(weight->second)) : known.end();
    if (w != known.end() && std::all_of(w->second.begin(), w->second.end(),
                                        [](std::int64_t d) { return d >= 1 && d <= kMaxBound; })) {
      onnx::AttributeProto* kernel = node.add_attribute();
      kernel->set_name("kernel_shape");
      kernel->set_type(onnx::AttributeProto::INTS);
      for (std::size_t d = 2; d < w->second.size(); ++d) kernel->add_ints(w->second[d]);
    } else {
      hidden.emplace_back(i, node.op_type());
      node.set_op_type("CosaHiddenFromShapeInference");
    }
  }
  return hidden;
}

std::string layerName(const onnx::NodeProto& node, int index) {
  if (!node.name().empty()) return node.name();
  if (node.output_size() > 0 && !node.output(0).empty()) return node.output(0);
  return fmt::format("{}_{}", node.op_type(), index);
}

}  // namespace

OnnxImport importOnnxBytes(std::string_view bytes, const std::string& source_name,
                           const OnnxImportOptions& options) {
  const SourceLocation where{source_name, 0, 0};
  if (options.batch_size < 1) throw InputError(where, "batch", "the batch size must be >= 1");
  onnx::ModelProto model;
  if (bytes.size() > static_cast<std::size_t>(INT_MAX) ||
      !model.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
    throw InputError(where, "", "not an ONNX model (the file is not a valid ONNX protobuf)");
  if (!model.has_graph() || model.graph().node_size() == 0)
    throw InputError(where, "graph", "not an ONNX model, or an empty one: it has no graph nodes");
  if (model.ir_version() <= 0)
    throw InputError(where, "ir_version", "not an ONNX model: ir_version is missing");

  fixBatchDimension(*model.mutable_graph(), options.batch_size, source_name);
  const auto hidden = prepareForShapeInference(*model.mutable_graph(), source_name);
  try {
    // Node-level inference errors are not fatal (error_mode 0): such nodes just stay unsized.
    onnx::ShapeInferenceOptions inference(/*check_type=*/false, /*error_mode=*/0, /*data_propagation=*/true);
    onnx::shape_inference::InferShapes(model, onnx::OpSchemaRegistry::Instance(), inference);
  } catch (const std::exception& e) {
    throw InputError(where, "graph", fmt::format("ONNX shape inference failed: {}", e.what()));
  }
  for (const auto& [index, op_type] : hidden)
    model.mutable_graph()->mutable_node(index)->set_op_type(op_type);

  const onnx::GraphProto& graph = model.graph();
  const TensorTable tensors(graph);
  OnnxImport result;
  result.network.name =
      !graph.name().empty() ? graph.name() : std::filesystem::path(source_name).stem().string();
  std::map<std::string, int> skipped;
  std::set<std::string> names;
  for (int i = 0; i < graph.node_size(); ++i) {
    const onnx::NodeProto& node = graph.node(i);
    const std::string& op = node.op_type();
    const bool default_domain = node.domain().empty() || node.domain() == "ai.onnx";
    if (!default_domain || (op != "Conv" && op != "Gemm" && op != "MatMul")) {
      ++skipped[default_domain ? op : node.domain() + "." + op];
      continue;
    }
    std::string name = layerName(node, i);
    try {
      Workload workload = op == "Conv"   ? convWorkload(node, tensors)
                          : op == "Gemm" ? gemmWorkload(node, tensors)
                                         : matmulWorkload(node, tensors);
      // Layer names become output folder names: keep them unique.
      for (int suffix = 2; names.contains(name); ++suffix)
        name = fmt::format("{}_{}", layerName(node, i), suffix);
      names.insert(name);
      workload.name = name;
      result.network.layers.push_back({name, std::move(workload), 1});
    } catch (const Unsupported& u) {
      ++skipped[op];
      result.warnings.push_back(fmt::format("{} node '{}' not imported: {}", op, name, u.reason));
    }
  }
  for (const auto& [op, count] : skipped) result.skipped.push_back({op, count});
  std::stable_sort(result.skipped.begin(), result.skipped.end(),
                   [](const SkippedOperator& a, const SkippedOperator& b) { return a.count > b.count; });
  return result;
}

OnnxImport importOnnx(const std::string& path, const OnnxImportOptions& options) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError({path, 0, 0}, "", "cannot open the file");
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (in.bad()) throw InputError({path, 0, 0}, "", "cannot read the file");
  return importOnnxBytes(bytes.str(), path, options);
}

std::string describeSkipped(const std::vector<SkippedOperator>& skipped) {
  std::string out;
  for (const SkippedOperator& s : skipped)
    out += fmt::format("{}{} x{}", out.empty() ? "" : ", ", s.op_type, s.count);
  return out;
}

}  // namespace cosa
