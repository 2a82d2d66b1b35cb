#pragma once
// `--onnx FILE [--batch N] [--input-shape NAME=D0,D1,...] [--allow-partial]` for the commands that
// take a whole network.

#include <CLI/CLI.hpp>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "app/network_source.hpp"
#include "io/onnx/onnx_import.hpp"

namespace cosa::cli {

struct OnnxSourceOptions {
  std::string path;
  std::int64_t batch = 1;
  bool batch_given = false;               // --batch was on the command line
  std::vector<std::string> input_shapes;  // NAME=D0,D1,...
  bool allow_partial = false;
};

void addOnnxOptions(CLI::App& command, OnnxSourceOptions& options);

// The network source of --network / --workload and the ONNX options. Throws InputError for a
// malformed or repeated --input-shape.
app::NetworkSource networkSource(const std::string& network, const std::string& workload_dir,
                                 const OnnxSourceOptions& options);

// Tells the user on stderr what was imported, what was skipped, which compute nodes could not be
// imported and whether --batch had an effect.
void reportImport(const OnnxSourceOptions& options, const OnnxImport& imported);

}  // namespace cosa::cli
