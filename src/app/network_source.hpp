#pragma once
// Where a network comes from, resolved in one place for every command and the public API: a
// bundled network's name or a network file (`--network`), a CoSA-style layer folder
// (`--workload`), or an ONNX model (`--onnx`, with the batch and the shapes of symbolic inputs).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "app/network_run.hpp"
#include "io/onnx/onnx_import.hpp"
#include "workload/network.hpp"

namespace cosa::app {

struct NetworkSource {
  std::string network;                                            // a bundled name or a network file
  std::string workload_dir;                                       // a CoSA-style folder of layer YAML files
  std::string onnx;                                               // an ONNX model
  std::int64_t batch = 1;                                         // ONNX: the symbolic batch size
  std::map<std::string, std::vector<std::int64_t>> input_shapes;  // ONNX: shapes of symbolic inputs
};

struct ResolvedNetwork {
  Network network;
  std::optional<OnnxImport> imported;  // an ONNX model's import, with its notes and skipped nodes
  std::optional<OnnxProvenance> onnx;  // what the summary records about it
};

// Exactly one of network, workload_dir and onnx must be given (std::invalid_argument otherwise).
// Throws InputError for bad files, and for a model none of whose nodes is a layer.
ResolvedNetwork resolveNetwork(const NetworkSource& source);

}  // namespace cosa::app
