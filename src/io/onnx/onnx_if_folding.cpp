#include "io/onnx/onnx_if_folding.hpp"

#include <fmt/format.h>

#include <unordered_map>

#include "io/onnx/onnx_graph_util.hpp"

namespace cosa::shape_folding {

namespace {

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

}  // namespace

std::optional<InlinedIf> inlineKnownIf(const onnx::NodeProto& node, const ValueTable& values) {
  const auto cond = node.input_size() > 0 ? values.find(node.input(0)) : values.end();
  if (cond == values.end() || cond->second.data.size() != 1) return std::nullopt;
  const bool taken = cond->second.data[0] != 0;
  const onnx::GraphProto* branch = branchGraph(node, taken);
  if (branch == nullptr || branch->output_size() != node.output_size()) return std::nullopt;
  return InlinedIf{inlineBranch(node, *branch),
                   fmt::format("If '{}': the condition is {}, so {} was inlined and {} dropped",
                               node.name().empty() ? node.output(0) : node.name(), taken ? "true" : "false",
                               taken ? "then_branch" : "else_branch", taken ? "else_branch" : "then_branch")};
}

}  // namespace cosa::shape_folding
