#pragma once
// `--onnx FILE [--batch N]` for the commands that take a whole network.

#include <CLI/CLI.hpp>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "workload/onnx_import.hpp"

namespace cosa::cli {

struct OnnxSourceOptions {
  std::string path;
  std::int64_t batch = 1;
};

void addOnnxOptions(CLI::App& command, OnnxSourceOptions& options);

// Imports the model and tells the user on stderr what was imported and what was skipped.
OnnxImport importOnnxForCli(const OnnxSourceOptions& options);

// {"Relu": 49, ...} for summaries.
nlohmann::json skippedOperatorsJson(const OnnxImport& imported);

}  // namespace cosa::cli
