#pragma once
// Reads Timeloop/CoSA problem YAML: bounds directly under `problem:` or under
// `problem.instance`, a built-in shape name (e.g. `shape: cnn-layer`) or an inline shape
// description, and coefficients such as strides and dilations.

#include <string>

#include "common/yaml_util.hpp"
#include "workload/workload.hpp"

namespace cosa {

// `root` is a whole document holding `problem:`. Throws InputError.
Workload parseProblem(const YamlView& root);
// `problem` is the node under `problem:` itself (used for layer lists too).
Workload parseProblemNode(const YamlView& problem);
Workload loadProblem(const std::string& path);

}  // namespace cosa
