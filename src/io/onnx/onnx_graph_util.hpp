#pragma once
// Reading ONNX graphs for the shape folding (internal to io/onnx/): attributes, the graphs a node
// holds, the shapes a graph declares.

#include <fmt/format.h>
#include <onnx/onnx_pb.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace cosa::shape_folding {

using Dims = std::vector<std::int64_t>;
using ShapeTable = std::unordered_map<std::string, Dims>;

// Sizes far past any real layer (the same limit as onnx_import.cpp).
inline constexpr std::int64_t kMaxBound = std::int64_t{1} << 31;

const onnx::AttributeProto* attribute(const onnx::NodeProto& node, std::string_view name);
// An INT attribute's value, else `fallback` (also when the attribute has another type).
std::int64_t intAttr(const onnx::NodeProto& node, std::string_view name, std::int64_t fallback);
// An INTS attribute's values, else nothing.
std::optional<Dims> intsAttr(const onnx::NodeProto& node, std::string_view name);

bool isDefaultDomain(const onnx::NodeProto& node);

// A tensor type's dimensions, -1 where unknown.
Dims dimsOf(const onnx::TypeProto& type);
// The shapes a graph declares: its inputs', outputs', value_info's and initializers'.
ShapeTable knownShapes(const onnx::GraphProto& graph);

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

}  // namespace cosa::shape_folding
