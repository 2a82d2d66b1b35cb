#pragma once
// Networks from ONNX models (read with Debian's libonnx, protobuf). Shapes first: the graph's
// symbolic input sizes are fixed (--batch, --input-shape), then libonnx's shape inference and
// cosa's folding of shape computations (onnx_shape_folding.hpp) size every tensor that can be
// sized statically. Then every compute node becomes a layer:
//
//   Conv, group 1              -> cnn-layer
//   Conv, one channel in and out per group (depthwise)
//                              -> depthwise-cnn-layer
//   Conv, other groups         -> grouped-cnn-layer (C and K per group, G groups)
//   ConvTranspose              -> the equivalent stride-1 convolution over the zero-inserted
//                                 input (below), as cnn-layer / grouped-cnn-layer
//   Gemm / MatMul / Einsum by a constant 2-D weight (a fully connected layer)
//                              -> cnn-layer with R=S=P=Q=1, C inputs, K outputs, N rows
//   MatMul / Gemm / Einsum of two activations
//                              -> gemm, or batched-gemm when both operands carry batch axes
//                                 (B = the product of the batch axes, e.g. heads x batch)
//
// Fully connected layers are 1x1 convolutions (as in CoSA's and Timeloop's workloads). GEMMs keep
// Timeloop's data space names A, B, Z; mapspace constraints may name them by role (Weights =
// B, Inputs = A, Outputs = Z; workload/data_space_roles.hpp), so one mapspace serves both.
// A MatMul whose right operand has no batch axes (x[b, s, k] @ w[k, n]) folds the batch into M;
// one whose left operand has none folds it into N. A constant left operand (W @ x) is a fully
// connected layer over the columns of x.
//
// ConvTranspose with stride s, kernel k, dilation d is written as Timeloop users write it: a
// convolution with stride 1 and dilation d over the input with s-1 zeros inserted between
// elements (and the padding it implies), so P/Q are the output width/height, R/S the kernel and
// C/K the input/output channels (per group). Its MACs include those with the inserted zeros:
// s_h x s_w times the MACs that touch real inputs.
//
// Timeloop's naming is kept: R/S are the filter width/height and P/Q the output width/height, so
// an ONNX kernel [kH, kW] gives S=kH, R=kW. 1-D convolutions have S=Q=1.
// Every other operator is skipped and counted. A compute node that cannot be a layer (unknown
// shapes, 3-D convolution, a node inside a Loop body or an If whose branch is not known) is
// listed in `not_imported` with the reason; the import is then incomplete.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "workload/network.hpp"

namespace cosa {

struct OnnxImportOptions {
  // Value for the symbolic (named) leading dimension of the graph inputs, i.e. the batch.
  std::int64_t batch_size = 1;
  // Full shapes for graph inputs by name (their symbolic dimensions, or all of them); these
  // inputs do not take `batch_size`.
  std::map<std::string, std::vector<std::int64_t>> input_shapes;
};

struct SkippedOperator {
  std::string op_type;
  int count = 0;
};

struct NotImportedNode {
  std::string node;  // the node's name (or its first output's)
  std::string op_type;
  std::string reason;
};

struct OnnxImport {
  Network network;                       // one layer per imported node, in graph order
  std::vector<SkippedOperator> skipped;  // operators that are not layers, by count then name
  // Compute nodes (Conv, ConvTranspose, Gemm, MatMul, Einsum) that could not be imported.
  std::vector<NotImportedNode> not_imported;
  std::vector<std::string> warnings;  // one line per not-imported node
  std::vector<std::string> notes;     // what the shape folding did (If branches inlined, ...)
  int compute_nodes = 0;              // compute nodes in the graph, subgraphs included
  int folded_nodes = 0;               // shape computations replaced by constants
  // Graph inputs whose symbolic leading dimension took batch_size (empty: the batch is fixed
  // by the model, or every input was given by input_shapes).
  std::vector<std::string> batch_inputs;

  bool complete() const { return not_imported.empty(); }
};

// Reads an ONNX model file. Throws InputError naming the file (and node) when it is not an ONNX
// model, when shape inference fails, when an input_shapes entry does not fit the model, or when
// a graph input keeps a symbolic dimension other than the batch.
OnnxImport importOnnx(const std::string& path, const OnnxImportOptions& options = {});

// The same from the file's bytes; `source_name` names the input in errors.
OnnxImport importOnnxBytes(std::string_view bytes, const std::string& source_name,
                           const OnnxImportOptions& options = {});

// "Relu x49, Add x16, ..." (empty when nothing was skipped).
std::string describeSkipped(const std::vector<SkippedOperator>& skipped);

}  // namespace cosa
