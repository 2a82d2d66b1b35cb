#pragma once
// `If` nodes whose condition folds to a constant, replaced by the branch taken (internal to
// io/onnx/).

#include <onnx/onnx_pb.h>

#include <optional>
#include <string>
#include <vector>

#include "io/onnx/onnx_folded_values.hpp"

namespace cosa::shape_folding {

struct InlinedIf {
  std::vector<onnx::NodeProto> nodes;  // what replaces the If
  std::string note;                    // which branch was taken, for the report
};

// The nodes that replace an If whose condition `values` knows: the branch's nodes (its tensors
// renamed under the If's name), its initializers as Constant nodes, and an Identity per output.
// Nothing when the condition is unknown or the branch's outputs do not match the node's.
std::optional<InlinedIf> inlineKnownIf(const onnx::NodeProto& node, const ValueTable& values);

}  // namespace cosa::shape_folding
