#pragma once
// Reads Timeloop mapspace constraints (`mapspace: {constraints: [...]}`, `mapspace_constraints`).

#include <string>

#include "arch/architecture.hpp"
#include "common/yaml_util.hpp"
#include "mapping/constraints.hpp"
#include "workload/workload.hpp"

namespace cosa {

Constraints parseConstraints(const YamlView& root, const Architecture& arch, const Workload& workload);
Constraints loadConstraints(const std::string& path, const Architecture& arch, const Workload& workload);

}  // namespace cosa
