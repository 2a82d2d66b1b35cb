// ONNX model bytes (protobuf) through the importer: parsing, shape inference, then every compute
// node to a layer, each of which must be a workload the rest of cosa can count.
#include <string_view>

#include "fuzz_support.hpp"
#include "io/onnx/onnx_import.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const cosa::OnnxImport imported =
        cosa::importOnnxBytes(std::string_view(reinterpret_cast<const char*>(data), size), "<fuzz>");
    for (const cosa::NetworkLayer& layer : imported.network.layers) {
      layer.workload.macs();
      for (int ds = 0; ds < layer.workload.numDataSpaces(); ++ds) layer.workload.dataSpaceSize(ds);
    }
    cosa::describeSkipped(imported.skipped);
  } catch (const cosa::InputError&) {
    // Rejected as bad input: the expected outcome. Anything else escaping is a finding.
  }
  return 0;
}
