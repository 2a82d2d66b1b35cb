#include "io/onnx/onnx_shape_folding.hpp"

#include <fmt/format.h>
#include <onnx/defs/schema.h>
#include <onnx/onnx_pb.h>
#include <onnx/shape_inference/implementation.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "io/onnx/onnx_constant_folding.hpp"
#include "io/onnx/onnx_folded_values.hpp"
#include "io/onnx/onnx_graph_util.hpp"
#include "io/onnx/onnx_if_folding.hpp"
#include "io/onnx/onnx_inference_guards.hpp"

namespace cosa {

namespace {

using namespace shape_folding;

constexpr int kMaxRounds = 400;

bool isComputeOp(const std::string& op) {
  return op == "Conv" || op == "ConvTranspose" || op == "Gemm" || op == "MatMul" || op == "Einsum";
}

int defaultDomainOpset(const onnx::ModelProto& model) {
  int version = 0;
  for (const auto& op : model.opset_import())
    if (op.domain().empty() || op.domain() == "ai.onnx")
      version = std::max(version, static_cast<int>(op.version()));
  return version;
}

// One round of libonnx's inference over the whole model. Returns whether a node kept out of this
// round by the rank guard could now take part (so another round is worth running).
bool runShapeInference(onnx::ModelProto& model, const std::string& source) {
  const int opset = defaultDomainOpset(model);
  checkSchemaAttributes(model.graph(), opset, source, "graph");
  const ShapeTable previous = knownShapes(model.graph());
  model.mutable_graph()->clear_value_info();
  const UntypedInputPlaceholders placeholders(*model.mutable_graph(), model.ir_version() >= 4);
  HiddenNodes hidden;  // given back their operators when this round ends
  const RankGuard rank_guard(*model.mutable_graph(), opset, previous, hidden);
  prepareForShapeInference(*model.mutable_graph(), {}, source, "graph", hidden);
  try {
    // Node-level inference errors are not fatal (error_mode 0): such nodes just stay unsized.
    onnx::ShapeInferenceOptions inference(/*check_type=*/false, /*error_mode=*/0, /*data_propagation=*/true);
    onnx::shape_inference::InferShapes(model, onnx::OpSchemaRegistry::Instance(), inference);
  } catch (const std::exception& e) {
    throw InputError({source, 0, 0}, "graph", fmt::format("ONNX shape inference failed: {}", e.what()));
  }
  placeholders.removeUnfilled(*model.mutable_graph());
  return rank_guard.anyNowSized(knownShapes(model.graph()));
}

// One folding pass over the main graph: values of small tensors, then folded nodes replaced by
// initializers and Ifs with a known condition by their branch. Returns whether anything changed.
bool foldOnce(onnx::GraphProto& graph, ShapeFoldingReport& report) {
  const auto shapes = knownShapes(graph);
  ValueTable values;
  for (const auto& t : graph.initializer())
    if (auto v = valueOf(t)) values.emplace(t.name(), std::move(*v));

  std::vector<bool> folded(static_cast<std::size_t>(graph.node_size()), false);
  std::map<int, std::vector<onnx::NodeProto>> inlined;
  for (int i = 0; i < graph.node_size(); ++i) {
    const onnx::NodeProto& node = graph.node(i);
    if (!isDefaultDomain(node)) continue;
    if (isComputeOp(node.op_type())) continue;
    if (node.op_type() == "If") {
      if (auto known = inlineKnownIf(node, values)) {
        inlined[i] = std::move(known->nodes);
        report.notes.push_back(std::move(known->note));
      }
      continue;
    }
    auto outputs = foldNode(node, values, shapes);
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
