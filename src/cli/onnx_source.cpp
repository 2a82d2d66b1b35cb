#include "cli/onnx_source.hpp"

#include <fmt/format.h>

#include <charconv>
#include <iostream>

#include "common/error.hpp"

namespace cosa::cli {

namespace {

// "NAME=D0,D1,..." -> (NAME, dims). The name may itself contain '=' (the last one splits).
std::pair<std::string, std::vector<std::int64_t>> parseInputShape(const std::string& text) {
  const auto eq = text.rfind('=');
  const SourceLocation where{"command line", 0, 0};
  if (eq == std::string::npos || eq == 0 || eq + 1 == text.size())
    throw InputError(where, "--input-shape", fmt::format("'{}' is not NAME=D0,D1,...", text));
  std::vector<std::int64_t> dims;
  std::size_t begin = eq + 1;
  while (begin <= text.size()) {
    const std::size_t end = std::min(text.find(',', begin), text.size());
    std::int64_t value = 0;
    const auto [ptr, ec] = std::from_chars(text.data() + begin, text.data() + end, value);
    if (ec != std::errc() || ptr != text.data() + end || value < 1)
      throw InputError(
          where, "--input-shape",
          fmt::format("'{}': '{}' is not a positive integer", text, text.substr(begin, end - begin)));
    dims.push_back(value);
    begin = end + 1;
  }
  return {text.substr(0, eq), dims};
}

}  // namespace

void addOnnxOptions(CLI::App& command, OnnxSourceOptions& options) {
  command.add_option("--onnx", options.path,
                     "An ONNX model: its Conv, ConvTranspose, Gemm, MatMul and Einsum nodes are the layers");
  command.add_option_function<std::int64_t>(
      "--batch",
      [&options](std::int64_t batch) {
        options.batch = batch;
        options.batch_given = true;
      },
      "Batch size for the ONNX model's symbolic batch dimension (default 1)");
  command.add_option(
      "--input-shape", options.input_shapes,
      "NAME=D0,D1,...: the full shape of an ONNX graph input with symbolic sizes (repeatable)");
  command.add_flag("--allow-partial", options.allow_partial,
                   "Exit 0 even when some compute nodes of the ONNX model could not be imported (the run is "
                   "still marked incomplete)");
}

app::NetworkSource networkSource(const std::string& network, const std::string& workload_dir,
                                 const OnnxSourceOptions& options) {
  app::NetworkSource source{network, workload_dir, options.path, options.batch, {}};
  for (const std::string& text : options.input_shapes) {
    auto [name, dims] = parseInputShape(text);
    if (!source.input_shapes.emplace(name, dims).second)
      throw InputError({"command line", 0, 0}, "--input-shape", fmt::format("'{}' is given twice", name));
  }
  return source;
}

void reportImport(const OnnxSourceOptions& options, const OnnxImport& imported) {
  std::cerr << fmt::format("{}: imported {} of {} compute nodes as layers ({} unique)\n", options.path,
                           imported.network.layers.size(), imported.compute_nodes,
                           uniqueLayers(imported.network).size());
  if (options.batch_given && imported.batch_inputs.empty())
    std::cerr << fmt::format(
        "warning: --batch {} had no effect: the model's inputs have a fixed batch size{}\n", options.batch,
        options.input_shapes.empty() ? "" : " or are given by --input-shape");
  if (!imported.skipped.empty())
    std::cerr << "skipped operators: " << describeSkipped(imported.skipped) << "\n";
  for (const std::string& note : imported.notes) std::cerr << "note: " << note << "\n";
  for (const std::string& warning : imported.warnings) std::cerr << "warning: " << warning << "\n";
  if (!imported.complete())
    std::cerr << fmt::format("warning: incomplete: {} of {} compute nodes are not layers{}\n",
                             imported.not_imported.size(), imported.compute_nodes,
                             options.allow_partial ? " (--allow-partial)"
                                                   : "; the run will exit 1 (--allow-partial accepts this)");
}

}  // namespace cosa::cli
