#pragma once
// Reads Timeloop/CoSA problem YAML: bounds directly under `problem:` or under
// `problem.instance`, a built-in shape name (e.g. `shape: cnn-layer`) or an inline shape
// description, and coefficients such as strides and dilations.

#include <optional>
#include <string>
#include <vector>

#include "io/yaml/input_files.hpp"
#include "io/yaml/yaml_util.hpp"
#include "workload/workload.hpp"

namespace cosa {

// `root` is a whole document holding `problem:`. Throws InputError.
Workload parseProblem(const YamlView& root);
// `problem` is the node under `problem:` itself (used for layer lists too).
Workload parseProblemNode(const YamlView& problem);
// For layer lists: `extra_keys` may sit next to the bounds (the caller reads them, e.g. `count`),
// and `default_shape` applies when the node has no `shape:` key (a network-wide shape).
struct ProblemNodeOptions {
  std::vector<std::string> extra_keys;
  std::optional<YamlView> default_shape;
};
Workload parseProblemNode(const YamlView& problem, const ProblemNodeOptions& options);
Workload loadProblem(const std::string& path);
// The `problem` section of a set of input files (see InputFiles); an unnamed layer is named after
// the file holding it.
Workload parseProblem(const InputFiles& files);
Workload loadProblem(const InputFiles& files);

}  // namespace cosa
