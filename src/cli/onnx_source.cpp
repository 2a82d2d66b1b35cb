#include "cli/onnx_source.hpp"

#include <fmt/format.h>

#include <iostream>

#include "common/error.hpp"

namespace cosa::cli {

void addOnnxOptions(CLI::App& command, OnnxSourceOptions& options) {
  command.add_option("--onnx", options.path, "An ONNX model: its Conv, Gemm and MatMul nodes are the layers");
  command.add_option("--batch", options.batch, "Batch size for the ONNX model's symbolic batch dimension")
      ->capture_default_str();
}

OnnxImport importOnnxForCli(const OnnxSourceOptions& options) {
  OnnxImport imported = importOnnx(options.path, {.batch_size = options.batch});
  std::cerr << fmt::format("{}: imported {} layers ({} unique)\n", options.path,
                           imported.network.layers.size(), uniqueLayers(imported.network).size());
  if (!imported.skipped.empty())
    std::cerr << "skipped operators: " << describeSkipped(imported.skipped) << "\n";
  for (const std::string& warning : imported.warnings) std::cerr << "warning: " << warning << "\n";
  if (imported.network.layers.empty())
    throw InputError({options.path, 0, 0}, "graph", "no Conv, Gemm or MatMul layer could be imported");
  return imported;
}

nlohmann::json skippedOperatorsJson(const OnnxImport& imported) {
  nlohmann::json out = nlohmann::json::object();
  for (const SkippedOperator& s : imported.skipped) out[s.op_type] = s.count;
  return out;
}

}  // namespace cosa::cli
