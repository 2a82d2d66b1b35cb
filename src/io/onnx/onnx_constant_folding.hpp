#pragma once
// Constant folding of the shape computations in ONNX graphs (internal to io/onnx/): the value of
// one node whose inputs are known, for the operators onnx_shape_folding.hpp lists.

#include <onnx/onnx_pb.h>

#include <optional>
#include <vector>

#include "io/onnx/onnx_folded_values.hpp"
#include "io/onnx/onnx_graph_util.hpp"

namespace cosa::shape_folding {

// One value per output of `node` when it is a folded operator whose inputs are in `values` (for
// Shape and Size: whose input's shape is in `values` or `shapes`); nothing when the node cannot be
// folded (also when its indices or axes are malformed: it is left to shape inference).
std::optional<std::vector<Value>> foldNode(const onnx::NodeProto& node, const ValueTable& values,
                                           const ShapeTable& shapes);

}  // namespace cosa::shape_folding
