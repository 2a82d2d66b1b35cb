#include "io/onnx/onnx_inference_guards.hpp"

#include <onnx/defs/schema.h>

#include <algorithm>
#include <map>
#include <set>

#include "common/error.hpp"

namespace cosa::shape_folding {

namespace {

// What libonnx's registry does not know, so that its inference passes the node by.
constexpr const char* kHiddenOperator = "CosaHiddenFromShapeInference";

std::string attributeTypeName(int type) {
  const std::string& name =
      onnx::AttributeProto::AttributeType_Name(static_cast<onnx::AttributeProto::AttributeType>(type));
  return name.empty() ? fmt::format("type {}", type) : name;
}

// Adds the shapes `graph` declares for its inputs, initializers and Constant nodes to `known`.
void addDeclaredShapes(const onnx::GraphProto& graph, ShapeTable& known) {
  for (const auto& v : graph.input())
    if (v.type().has_tensor_type() && v.type().tensor_type().has_shape()) known[v.name()] = dimsOf(v.type());
  for (const auto& t : graph.initializer()) known[t.name()] = Dims(t.dims().begin(), t.dims().end());
  for (const auto& node : graph.node())
    if (node.op_type() == "Constant" && node.output_size() > 0)
      for (const auto& a : node.attribute())
        if (a.name() == "value" && a.has_t())
          known[node.output(0)] = Dims(a.t().dims().begin(), a.t().dims().end());
}

// Strides, dilations, kernel_shape (and a DepthToSpace/SpaceToDepth blocksize) in [1, kMaxBound];
// pads and output_padding in [0, kMaxBound]. `where` names the node.
void checkAttributeRanges(const onnx::NodeProto& node, bool blocks, const std::string& source,
                          const std::string& where) {
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
}

// A convolution (weight at input `weight_input`) gets kernel_shape from a weight known up front,
// or keeps its own; one whose weight libonnx could misread is hidden.
void giveKernelShapeOrHide(onnx::NodeProto& node, int weight_input, const ShapeTable& known,
                           HiddenNodes& hidden) {
  const auto w = node.input_size() > weight_input ? known.find(node.input(weight_input)) : known.end();
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
    if (kernel_shape != nullptr) return;
    onnx::AttributeProto* kernel = node.add_attribute();
    kernel->set_name("kernel_shape");
    kernel->set_type(onnx::AttributeProto::INTS);
    for (std::size_t d = 2; d < w->second.size(); ++d) kernel->add_ints(w->second[d]);
  } else {
    hidden.hide(node);
  }
}

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

bool ranksShown(const onnx::NodeProto& node, const RankRequirement& need, const ShapeTable& shapes) {
  return std::all_of(need.inputs.begin(), need.inputs.end(), [&](int i) {
    if (i >= node.input_size()) return false;
    const auto it = shapes.find(node.input(i));
    return it != shapes.end() && it->second.size() >= need.min_rank;
  });
}

}  // namespace

HiddenNodes::~HiddenNodes() {
  for (auto it = hidden_.rbegin(); it != hidden_.rend(); ++it) it->first->set_op_type(it->second);
}

void HiddenNodes::hide(onnx::NodeProto& node) {
  hidden_.emplace_back(&node, node.op_type());
  node.set_op_type(kHiddenOperator);
}

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

void prepareForShapeInference(onnx::GraphProto& graph, ShapeTable known, const std::string& source,
                              const std::string& path, HiddenNodes& hidden) {
  static const std::map<std::string, int> kWeightInput = {
      {"Conv", 1}, {"ConvInteger", 1}, {"ConvTranspose", 1}, {"QLinearConv", 3}};
  static const std::set<std::string> kPools = {"MaxPool", "AveragePool", "LpPool", "MaxUnpool"};
  static const std::set<std::string> kBlocks = {"DepthToSpace", "SpaceToDepth"};
  addDeclaredShapes(graph, known);
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
    checkAttributeRanges(node, blocks, source, where);
    if (weight != kWeightInput.end()) giveKernelShapeOrHide(node, weight->second, known, hidden);
  }
}

UntypedInputPlaceholders::UntypedInputPlaceholders(onnx::GraphProto& graph, bool initializers_typed)
    : initializers_typed_(initializers_typed) {
  visit(graph);
}

void UntypedInputPlaceholders::removeUnfilled(onnx::GraphProto& graph) const {
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

void UntypedInputPlaceholders::visit(onnx::GraphProto& graph) {
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
    if (isDefaultDomain(node) && node.op_type() == "Shape" && node.input_size() > 0 && !node.input(0).empty())
      typeInOwnScope(node.input(0));
    forEachSubgraph(node, [&](onnx::GraphProto& sub, const std::string&) { visit(sub); });
  }
  scopes_.pop_back();
}

void UntypedInputPlaceholders::typeInOwnScope(const std::string& name) {
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

RankGuard::RankGuard(onnx::GraphProto& graph, int opset, const ShapeTable& shapes, HiddenNodes& hidden) {
  visit(graph, opset, &shapes, hidden);
}

bool RankGuard::anyNowSized(const ShapeTable& shapes) const {
  return std::any_of(guarded_.begin(), guarded_.end(),
                     [&](const Guarded& g) { return !g.in_subgraph && ranksShown(*g.node, g.need, shapes); });
}

void RankGuard::visit(onnx::GraphProto& graph, int opset, const ShapeTable* shapes, HiddenNodes& hidden) {
  for (auto& node : *graph.mutable_node()) {
    if (RankRequirement need = rankRequirement(node, opset);
        !need.inputs.empty() && (shapes == nullptr || !ranksShown(node, need, *shapes))) {
      guarded_.push_back({&node, std::move(need), shapes == nullptr});
      hidden.hide(node);
    }
    forEachSubgraph(node,
                    [&](onnx::GraphProto& sub, const std::string&) { visit(sub, opset, nullptr, hidden); });
  }
}

}  // namespace cosa::shape_folding
