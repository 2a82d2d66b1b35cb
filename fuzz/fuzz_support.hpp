#pragma once
// Shared by the fuzz targets: the input as a YAML document, and the fixed architecture and layer
// that the constraints, mapping and ERT targets read their input against.

#include <cstddef>
#include <cstdint>
#include <string>

#include "io/timeloop/arch_yaml.hpp"
#include "io/timeloop/problem_yaml.hpp"
#include "io/yaml/yaml_util.hpp"

namespace cosa::fuzz {

// The input as text, then as a YAML document; malformed YAML throws InputError like any bad input.
inline std::string text(const std::uint8_t* data, std::size_t size) {
  return std::string(reinterpret_cast<const char*>(data), size);
}
inline YamlView load(const std::uint8_t* data, std::size_t size) {
  return YamlView::loadString(text(data, size), "<fuzz>");
}

// CoSA's Simba and ResNet-50's conv1 from the source tree's data folder (COSA_DATA_DIR is the
// build-time definition cosa_lib exports; the fuzzers are never installed).
inline const Architecture& simba() {
  static const Architecture arch = loadArchitecture(std::string(COSA_DATA_DIR) + "/arch/simba.yaml");
  return arch;
}
inline const Workload& conv1() {
  static const Workload workload = loadProblem(std::string(COSA_DATA_DIR) + "/problems/resnet50_conv1.yaml");
  return workload;
}

}  // namespace cosa::fuzz
