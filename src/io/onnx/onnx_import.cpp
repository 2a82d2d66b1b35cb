#include "io/onnx/onnx_import.hpp"

#include <fmt/format.h>
#include <onnx/onnx_pb.h>

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
#include "io/onnx/onnx_shape_folding.hpp"
#include "io/timeloop/shapes.hpp"

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
    // Weights stay weights through data movement (a shared weight behind an Identity, a
    // transposed or reshaped one).
    static const std::set<std::string> kMovesData = {"Identity", "Transpose", "Reshape", "Cast",
                                                     "Squeeze",  "Unsqueeze", "Flatten", "Expand"};
    for (const auto& node : graph.node()) {
      if (kMovesData.contains(node.op_type()) && node.input_size() > 0 && constants.contains(node.input(0)))
        for (const auto& o : node.output()) constants.insert(o);
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

// Window and channel counts of a convolution (or of the convolution equivalent to a
// ConvTranspose), in ONNX order, turned into a cnn-layer-family workload.
struct ConvGeometry {
  std::int64_t n = 1, c = 1, k = 1, groups = 1;  // c, k: per group
  Dims kernel, output, strides, dilations;       // spatial axes, outermost first ([H, W])
};

Workload convLayer(const ConvGeometry& g) {
  const std::size_t spatial = g.kernel.size();
  // ONNX orders spatial axes outermost first ([H, W]); Timeloop's R/P are the width axis.
  const std::int64_t r = g.kernel[spatial - 1], p = g.output[spatial - 1];
  const std::int64_t s = spatial == 2 ? g.kernel[0] : 1, q = spatial == 2 ? g.output[0] : 1;
  const NamedValues coefficients{{"Wstride", g.strides[spatial - 1]},
                                 {"Hstride", spatial == 2 ? g.strides[0] : 1},
                                 {"Wdilation", g.dilations[spatial - 1]},
                                 {"Hdilation", spatial == 2 ? g.dilations[0] : 1}};
  const NamedValues window{{"R", r}, {"S", s}, {"P", p}, {"Q", q}, {"N", g.n}};
  auto with = [&](NamedValues extra) {
    NamedValues all = window;
    all.insert(all.end(), extra.begin(), extra.end());
    return all;
  };
  if (g.groups == 1) return makeWorkload("cnn-layer", with({{"C", g.c}, {"K", g.k}}), coefficients);
  if (g.c == 1 && g.k == 1) return makeWorkload("depthwise-cnn-layer", with({{"C", g.groups}}), coefficients);
  return makeWorkload("grouped-cnn-layer", with({{"C", g.c}, {"K", g.k}, {"G", g.groups}}), coefficients);
}

// X, W and Y of a Conv or ConvTranspose, checked for rank; the spatial rank is 1 or 2.
struct ConvTensors {
  Dims x, w, y;
  std::size_t spatial = 0;
};

ConvTensors convTensors(const onnx::NodeProto& node, const TensorTable& tensors) {
  if (node.input_size() < 2 || node.output_size() < 1)
    throw Unsupported{fmt::format("{} needs inputs X, W and output Y", node.op_type())};
  ConvTensors t{tensors.known(node.input(0), node), tensors.known(node.input(1), node),
                tensors.known(node.output(0), node), 0};
  const std::size_t rank = t.x.size();
  if (rank != 3 && rank != 4)
    throw Unsupported{fmt::format("{}-D convolution (only 1-D and 2-D convolutions are layers here)",
                                  rank < 2 ? 0 : rank - 2)};
  if (t.w.size() != rank || t.y.size() != rank) throw Unsupported{"X, W and Y do not have the same rank"};
  t.spatial = rank - 2;
  return t;
}

Workload convWorkload(const onnx::NodeProto& node, const TensorTable& tensors) {
  const ConvTensors t = convTensors(node, tensors);
  ConvGeometry g;
  g.strides = intsAttribute(node, "strides", Dims(t.spatial, 1));
  g.dilations = intsAttribute(node, "dilations", Dims(t.spatial, 1));
  if (g.strides.size() != t.spatial || g.dilations.size() != t.spatial)
    throw Unsupported{"strides or dilations do not match the kernel rank"};
  g.groups = intAttribute(node, "group", 1);
  const std::int64_t c_in = t.x[1], k_out = t.w[0];
  if (g.groups < 1 || c_in % g.groups != 0 || k_out % g.groups != 0 || t.w[1] != c_in / g.groups)
    throw Unsupported{
        fmt::format("group {} does not divide the {} input and {} output channels", g.groups, c_in, k_out)};
  if (t.y[1] != k_out) throw Unsupported{"the output channels differ from the weight's"};
  g.n = t.x[0];
  g.c = c_in / g.groups;
  g.k = k_out / g.groups;
  g.kernel.assign(t.w.begin() + 2, t.w.end());
  g.output.assign(t.y.begin() + 2, t.y.end());
  return convLayer(g);
}

// ConvTranspose as the stride-1 convolution over the zero-inserted input (see the header): the
// weight [C_in, C_out / group, k...] gives the kernel, the output its window.
Workload convTransposeWorkload(const onnx::NodeProto& node, const TensorTable& tensors) {
  const ConvTensors t = convTensors(node, tensors);
  ConvGeometry g;
  g.dilations = intsAttribute(node, "dilations", Dims(t.spatial, 1));
  if (g.dilations.size() != t.spatial) throw Unsupported{"dilations do not match the kernel rank"};
  g.strides.assign(t.spatial, 1);
  g.groups = intAttribute(node, "group", 1);
  const std::int64_t c_in = t.x[1], k_out = t.y[1];
  if (g.groups < 1 || c_in % g.groups != 0 || t.w[0] != c_in || t.w[1] * g.groups != k_out)
    throw Unsupported{fmt::format("group {} does not fit {} input and {} output channels (weight {}x{})",
                                  g.groups, c_in, k_out, t.w[0], t.w[1])};
  g.n = t.x[0];
  g.c = c_in / g.groups;
  g.k = t.w[1];
  g.kernel.assign(t.w.begin() + 2, t.w.end());
  g.output.assign(t.y.begin() + 2, t.y.end());
  return convLayer(g);
}

// A fully connected layer as a 1x1 convolution over `rows` input vectors.
Workload fullyConnected(std::int64_t rows, std::int64_t inputs, std::int64_t outputs) {
  return makeWorkload(
      "cnn-layer", {{"R", 1}, {"S", 1}, {"P", 1}, {"Q", 1}, {"C", inputs}, {"K", outputs}, {"N", rows}}, {});
}

// A matrix product Z[batch, m, n] = A[batch, m, k] B[batch, k, n]; a constant B without batch
// is a fully connected layer.
Workload matrixProduct(std::int64_t batch, std::int64_t m, std::int64_t n, std::int64_t k, bool constant_b) {
  if (batch == 1 && constant_b) return fullyConnected(m, k, n);
  if (batch == 1) return makeWorkload("gemm", {{"M", m}, {"N", n}, {"K", k}}, {});
  return makeWorkload("batched-gemm", {{"M", m}, {"N", n}, {"K", k}, {"B", batch}}, {});
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
  return matrixProduct(1, m, n, k, tensors.constants.contains(node.input(1)));
}

// a * b for sizes from the model (both >= 1): beyond kMaxBound no layer is imported, and the
// product of a few large dimensions overflowed int64 before that check (undefined behaviour).
std::int64_t boundedProduct(std::int64_t a, std::int64_t b) {
  std::int64_t out = 0;
  if (__builtin_mul_overflow(a, b, &out) || out > kMaxBound)
    throw Unsupported{fmt::format("a dimension of {} x {} is outside [1, {}]", a, b, kMaxBound)};
  return out;
}

std::int64_t productOf(const Dims& dims, std::size_t begin, std::size_t end) {
  std::int64_t p = 1;
  for (std::size_t i = begin; i < end; ++i) p = boundedProduct(p, dims[i]);
  return p;
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
  const std::int64_t a_batch = productOf(a, 0, a.size() - 2), b_batch = productOf(b, 0, b.size() - 2);
  const bool constant_b = tensors.constants.contains(node.input(1));
  // Batch axes on one side only: every matrix of that side meets the same other matrix, which is
  // one GEMM with the batch folded into M (x[b, s, k] @ w[k, n]) or into N.
  if (b_batch == 1 && !constant_b && a_batch == 1 && tensors.constants.contains(node.input(0)))
    return fullyConnected(n, k, m);
  if (b_batch == 1) return matrixProduct(1, boundedProduct(a_batch, m), n, k, constant_b);
  // A constant left matrix (W @ x) is a fully connected layer too: Z^T = x^T W^T, one row per
  // column of x.
  if (a_batch == 1 && tensors.constants.contains(node.input(0)))
    return fullyConnected(boundedProduct(b_batch, n), k, m);
  if (a_batch == 1) return matrixProduct(1, m, boundedProduct(b_batch, n), k, false);
  const Dims y = tensors.known(node.output(0), node);
  return matrixProduct(productOf(y, 0, y.size() - 2), m, n, k, false);
}

// Einsum with two operands whose every index is a batch (in both operands and the output), a
// row (left operand and output), a column (right operand and output) or a contraction (both
// operands, not the output): a (batched) matrix product. "..." stands for the same leading axes.
Workload einsumWorkload(const onnx::NodeProto& node, const TensorTable& tensors) {
  const onnx::AttributeProto* eq = findAttribute(node, "equation");
  if (eq == nullptr || !eq->has_s()) throw Unsupported{"Einsum without an equation"};
  std::string equation;
  for (char c : eq->s())
    if (c != ' ') equation += c;
  if (node.input_size() != 2 || node.output_size() < 1)
    throw Unsupported{fmt::format("Einsum '{}' has {} operands (only two-operand products are layers)",
                                  eq->s(), node.input_size())};
  const auto arrow = equation.find("->");
  if (arrow == std::string::npos)
    throw Unsupported{fmt::format("Einsum '{}' has no explicit output", eq->s())};
  const auto comma = equation.find(',');
  if (comma == std::string::npos || comma > arrow) throw Unsupported{"Einsum equation without two operands"};
  std::vector<std::string> terms{equation.substr(0, comma), equation.substr(comma + 1, arrow - comma - 1),
                                 equation.substr(arrow + 2)};
  const Dims a = tensors.known(node.input(0), node);
  const Dims b = tensors.known(node.input(1), node);
  const std::vector<const Dims*> operands{&a, &b};
  // "..." becomes the digits 0..9, aligned from the right as numpy broadcasts them.
  std::size_t ellipsis_rank = 0;
  for (std::size_t t = 0; t < 2; ++t)
    if (const auto pos = terms[t].find("..."); pos != std::string::npos) {
      if (operands[t]->size() + 3 < terms[t].size()) throw Unsupported{"Einsum operand rank mismatch"};
      ellipsis_rank = std::max(ellipsis_rank, operands[t]->size() - (terms[t].size() - 3));
    }
  if (ellipsis_rank > 10) throw Unsupported{"Einsum '...' covers more than 10 axes"};
  for (std::size_t t = 0; t < 3; ++t)
    if (const auto pos = terms[t].find("..."); pos != std::string::npos) {
      const std::size_t own = t < 2 ? operands[t]->size() - (terms[t].size() - 3) : ellipsis_rank;
      std::string digits;
      for (std::size_t i = ellipsis_rank - own; i < ellipsis_rank; ++i) digits += static_cast<char>('0' + i);
      terms[t].replace(pos, 3, digits);
    }
  std::map<char, std::int64_t> size;
  for (std::size_t t = 0; t < 2; ++t) {
    if (terms[t].size() != operands[t]->size())
      throw Unsupported{fmt::format("Einsum '{}' does not match the rank of operand {}", eq->s(), t)};
    for (std::size_t i = 0; i < terms[t].size(); ++i)
      size[terms[t][i]] = std::max(size[terms[t][i]], (*operands[t])[i]);
  }
  std::int64_t batch = 1, m = 1, n = 1, k = 1;
  for (const auto& [index, extent] : size) {
    const bool in_a = terms[0].find(index) != std::string::npos,
               in_b = terms[1].find(index) != std::string::npos;
    const bool in_out = terms[2].find(index) != std::string::npos;
    std::int64_t& target = in_a && in_b ? (in_out ? batch : k) : in_out ? (in_a ? m : n) : batch;
    if (!in_out && !(in_a && in_b))
      throw Unsupported{fmt::format("Einsum '{}' sums over index '{}' of one operand only", eq->s(), index)};
    target = boundedProduct(target, extent);
  }
  return matrixProduct(batch, m, n, k, batch == 1 && tensors.constants.contains(node.input(1)));
}

// Graph inputs often leave sizes symbolic ("batch", "height"); shape inference needs numbers.
// Inputs named in `shapes` take those; the symbolic leading dimension of the others takes the
// batch size (recorded in `batch_inputs`).
void fixInputShapes(onnx::GraphProto& graph, const OnnxImportOptions& options, const std::string& source,
                    std::vector<std::string>& batch_inputs) {
  std::unordered_set<std::string> initializers;
  for (const auto& t : graph.initializer()) initializers.insert(t.name());
  std::set<std::string> given;
  for (int i = 0; i < graph.input_size(); ++i) {
    onnx::ValueInfoProto& input = *graph.mutable_input(i);
    if (initializers.contains(input.name()) || !input.type().has_tensor_type()) continue;
    auto& shape = *input.mutable_type()->mutable_tensor_type()->mutable_shape();
    if (const auto fixed = options.input_shapes.find(input.name()); fixed != options.input_shapes.end()) {
      const std::string field = fmt::format("--input-shape {}", input.name());
      if (input.type().tensor_type().has_shape() &&
          shape.dim_size() != static_cast<int>(fixed->second.size()))
        throw InputError({source, 0, 0}, field,
                         fmt::format("the input has {} dimensions, the option gives {}", shape.dim_size(),
                                     fixed->second.size()));
      shape.clear_dim();
      for (std::size_t d = 0; d < fixed->second.size(); ++d) {
        const std::int64_t value = fixed->second[d];
        if (value < 1 || value > kMaxBound)
          throw InputError({source, 0, 0}, field,
                           fmt::format("dimension {} = {} is outside [1, {}]", d, value, kMaxBound));
        shape.add_dim()->set_dim_value(value);
      }
      given.insert(input.name());
      continue;
    }
    if (!input.type().tensor_type().has_shape()) continue;
    for (int d = 0; d < shape.dim_size(); ++d) {
      auto& dim = *shape.mutable_dim(d);
      if (dim.has_dim_value()) continue;
      if (d == 0) {
        dim.set_dim_value(options.batch_size);
        batch_inputs.push_back(input.name());
        continue;
      }
      throw InputError(
          {source, 0, 0}, fmt::format("graph.input[{}] '{}' dimension {}", i, input.name(), d),
          fmt::format("symbolic size '{}': only the leading (batch) dimension takes --batch; give "
                      "the whole shape with --input-shape {}=D0,D1,...",
                      dim.dim_param(), input.name()));
    }
  }
  for (const auto& [name, dims] : options.input_shapes)
    if (!given.contains(name))
      throw InputError({source, 0, 0}, fmt::format("--input-shape {}", name),
                       "the model has no graph input of that name");
}

std::string layerName(const onnx::NodeProto& node, int index) {
  if (!node.name().empty()) return node.name();
  if (node.output_size() > 0 && !node.output(0).empty()) return node.output(0);
  return fmt::format("{}_{}", node.op_type(), index);
}

bool isDefaultDomain(const onnx::NodeProto& node) {
  return node.domain().empty() || node.domain() == "ai.onnx";
}

bool isComputeNode(const onnx::NodeProto& node) {
  const std::string& op = node.op_type();
  return isDefaultDomain(node) &&
         (op == "Conv" || op == "ConvTranspose" || op == "Gemm" || op == "MatMul" || op == "Einsum");
}

// Compute nodes inside subgraphs the folding could not inline (Loop and Scan bodies, Ifs whose
// condition depends on the data): they are not layers, and the import says so.
void listSubgraphComputeNodes(const onnx::NodeProto& owner, const onnx::GraphProto& graph,
                              OnnxImport& result) {
  for (int i = 0; i < graph.node_size(); ++i) {
    const onnx::NodeProto& node = graph.node(i);
    if (isComputeNode(node)) {
      ++result.compute_nodes;
      result.not_imported.push_back(
          {layerName(node, i), node.op_type(),
           owner.op_type() == "If"
               ? fmt::format("inside If '{}', whose condition is not known statically", layerName(owner, 0))
               : fmt::format("inside the body of {} '{}' (loop bodies are not unrolled)", owner.op_type(),
                             layerName(owner, 0))});
    }
    for (const auto& a : node.attribute()) {
      if (a.has_g()) listSubgraphComputeNodes(node, a.g(), result);
      for (const auto& g : a.graphs()) listSubgraphComputeNodes(node, g, result);
    }
  }
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

  OnnxImport result;
  fixInputShapes(*model.mutable_graph(), options, source_name, result.batch_inputs);
  const ShapeFoldingReport folding = inferStaticShapes(model, source_name);
  result.folded_nodes = folding.folded_nodes;
  result.notes = folding.notes;

  const onnx::GraphProto& graph = model.graph();
  const TensorTable tensors(graph);
  result.network.name =
      !graph.name().empty() ? graph.name() : std::filesystem::path(source_name).stem().string();
  std::map<std::string, int> skipped;
  std::set<std::string> names;
  for (int i = 0; i < graph.node_size(); ++i) {
    const onnx::NodeProto& node = graph.node(i);
    const std::string& op = node.op_type();
    for (const auto& a : node.attribute()) {
      if (a.has_g()) listSubgraphComputeNodes(node, a.g(), result);
      for (const auto& g : a.graphs()) listSubgraphComputeNodes(node, g, result);
    }
    if (!isComputeNode(node)) {
      ++skipped[isDefaultDomain(node) ? op : node.domain() + "." + op];
      continue;
    }
    ++result.compute_nodes;
    std::string name = layerName(node, i);
    try {
      Workload workload = op == "Conv"            ? convWorkload(node, tensors)
                          : op == "ConvTranspose" ? convTransposeWorkload(node, tensors)
                          : op == "Gemm"          ? gemmWorkload(node, tensors)
                          : op == "Einsum"        ? einsumWorkload(node, tensors)
                                                  : matmulWorkload(node, tensors);
      // Layer names become output folder names: keep them unique.
      for (int suffix = 2; names.contains(name); ++suffix)
        name = fmt::format("{}_{}", layerName(node, i), suffix);
      names.insert(name);
      workload.name = name;
      result.network.layers.push_back({name, std::move(workload), 1});
    } catch (const Unsupported& u) {
      result.not_imported.push_back({name, op, u.reason});
    }
  }
  for (const NotImportedNode& n : result.not_imported)
    result.warnings.push_back(fmt::format("{} node '{}' not imported: {}", n.op_type, n.node, n.reason));
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
