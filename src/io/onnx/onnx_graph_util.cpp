#include "io/onnx/onnx_graph_util.hpp"

namespace cosa::shape_folding {

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

bool isDefaultDomain(const onnx::NodeProto& node) {
  return node.domain().empty() || node.domain() == "ai.onnx";
}

Dims dimsOf(const onnx::TypeProto& type) {
  Dims dims;
  for (const auto& d : type.tensor_type().shape().dim())
    dims.push_back(d.has_dim_value() && d.dim_value() >= 0 ? d.dim_value() : -1);
  return dims;
}

ShapeTable knownShapes(const onnx::GraphProto& graph) {
  ShapeTable shapes;
  auto add = [&](const onnx::ValueInfoProto& v) {
    if (v.type().has_tensor_type() && v.type().tensor_type().has_shape()) shapes[v.name()] = dimsOf(v.type());
  };
  for (const auto& v : graph.input()) add(v);
  for (const auto& v : graph.output()) add(v);
  for (const auto& v : graph.value_info()) add(v);
  for (const auto& t : graph.initializer()) shapes[t.name()] = Dims(t.dims().begin(), t.dims().end());
  return shapes;
}

}  // namespace cosa::shape_folding
