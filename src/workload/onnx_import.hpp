#pragma once
// Networks from ONNX models (read with Debian's libonnx, protobuf). ONNX shape inference fills
// in the tensor shapes the file leaves out; then every compute node becomes a layer:
//
//   Conv, group 1              -> cnn-layer
//   Conv, one channel in and out per group (depthwise)
//                              -> depthwise-cnn-layer
//   Conv, other groups         -> grouped-cnn-layer (C and K per group, G groups)
//   Gemm / MatMul by a constant 2-D weight (a fully connected layer)
//                              -> cnn-layer with R=S=P=Q=1, C inputs, K outputs, N rows
//   MatMul of two activations  -> gemm, or batched-gemm when there are batch dimensions
//
// Fully connected layers are 1x1 convolutions (as in CoSA's and Timeloop's workloads) so that
// they have the Weights/Inputs/Outputs data spaces that architectures' bypass constraints name.
// Timeloop's naming is kept: R/S are the filter width/height and P/Q the output width/height, so
// an ONNX kernel [kH, kW] gives S=kH, R=kW. 1-D convolutions have S=Q=1.
// Every other operator is skipped and counted.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "workload/network.hpp"

namespace cosa {

struct OnnxImportOptions {
  // Value for the symbolic (named) leading dimension of the graph inputs, i.e. the batch.
  std::int64_t batch_size = 1;
};

struct SkippedOperator {
  std::string op_type;
  int count = 0;
};

struct OnnxImport {
  Network network;                       // one layer per imported node, in graph order
  std::vector<SkippedOperator> skipped;  // by count (descending), then name
  // Compute nodes (Conv, Gemm, MatMul) that could not be imported, each with the reason; they
  // are counted in `skipped` as well.
  std::vector<std::string> warnings;
};

// Reads an ONNX model file. Throws InputError naming the file (and node) when it is not an ONNX
// model, when shape inference fails or when a graph input has a symbolic dimension other than
// the batch.
OnnxImport importOnnx(const std::string& path, const OnnxImportOptions& options = {});

// The same from the file's bytes; `source_name` names the input in errors.
OnnxImport importOnnxBytes(std::string_view bytes, const std::string& source_name,
                           const OnnxImportOptions& options = {});

// "Relu x49, Add x16, ..." (empty when nothing was skipped).
std::string describeSkipped(const std::vector<SkippedOperator>& skipped);

}  // namespace cosa
