#include "app/network_source.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "common/error.hpp"
#include "io/network/network_yaml.hpp"

namespace cosa::app {

ResolvedNetwork resolveNetwork(const NetworkSource& source) {
  const int given =
      int(!source.network.empty()) + int(!source.workload_dir.empty()) + int(!source.onnx.empty());
  if (given != 1) throw std::invalid_argument("give exactly one of --network, --workload or --onnx");
  ResolvedNetwork resolved;
  if (!source.network.empty()) {
    resolved.network = namedNetwork(source.network);
    return resolved;
  }
  if (!source.workload_dir.empty()) {
    resolved.network = loadWorkloadDir(source.workload_dir);
    return resolved;
  }
  OnnxImportOptions options{.batch_size = source.batch, .input_shapes = source.input_shapes};
  OnnxImport imported = importOnnx(source.onnx, options);
  if (imported.network.layers.empty())
    throw InputError({source.onnx, 0, 0}, "graph",
                     "no Conv, ConvTranspose, Gemm, MatMul or Einsum layer could be imported");
  std::vector<std::string> shape_texts;  // NAME=D0,D1,..., as the summary records them
  for (const auto& [name, dims] : source.input_shapes)
    shape_texts.push_back(fmt::format("{}={}", name, fmt::join(dims, ",")));
  resolved.onnx = onnxProvenance(source.onnx, source.batch, shape_texts, imported);
  resolved.network = imported.network;
  resolved.imported = std::move(imported);
  return resolved;
}

}  // namespace cosa::app
