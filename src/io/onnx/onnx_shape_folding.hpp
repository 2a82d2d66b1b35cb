#pragma once
// Static shapes for ONNX graphs whose tensor sizes are computed inside the graph (PyTorch exports
// compute `x.view(b, g, c // g, h, w)` with Shape -> Gather -> Concat -> Reshape chains that
// libonnx's shape inference leaves unsized). The folder evaluates those small integer
// computations and replaces them by constants, then shape inference runs again, until nothing
// changes. `If` nodes whose condition folds to a constant are replaced by the branch taken.
//
// Folded operators: Constant, Identity, Shape, Size, Cast, Gather, Slice, Concat, Unsqueeze,
// Squeeze, Reshape, Flatten, Transpose, Expand, Tile, ConstantOfShape, Range, Where, Equal, Less,
// Greater, LessOrEqual, GreaterOrEqual, Not, And, Or, Add, Sub, Mul, Div, Mod, Neg, Abs, Floor,
// Ceil, Sqrt, Pow, Min, Max, Sign, ReduceProd, ReduceSum, ReduceMin, ReduceMax. Only tensors of at
// most kMaxFoldedElements elements are folded: shapes, never activations.

#include <string>
#include <vector>

namespace onnx {
class ModelProto;
}

namespace cosa {

inline constexpr int kMaxFoldedElements = 4096;

struct ShapeFoldingReport {
  int rounds = 0;                  // shape-inference rounds run
  int folded_nodes = 0;            // nodes replaced by constants
  std::vector<std::string> notes;  // e.g. "If 'x': condition is true, then_branch inlined"
};

// Runs libonnx shape inference and folding to a fixed point; afterwards every tensor whose size
// can be known statically has a shape in the graph's value_info. Throws InputError naming
// `source` when shape inference fails outright or a node's attributes are out of range.
ShapeFoldingReport inferStaticShapes(onnx::ModelProto& model, const std::string& source);

}  // namespace cosa
