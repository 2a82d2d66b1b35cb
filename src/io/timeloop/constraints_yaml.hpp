#pragma once
// Reads Timeloop mapspace constraints (`mapspace: {constraints: [...]}`, `mapspace_constraints`).

#include <string>

#include "arch/architecture.hpp"
#include "io/yaml/input_files.hpp"
#include "io/yaml/yaml_util.hpp"
#include "mapping/constraints.hpp"
#include "workload/workload.hpp"

namespace cosa {

Constraints parseConstraints(const YamlView& root, const Architecture& arch, const Workload& workload);
// The constraint sections of a set of input files (see InputFiles): `mapspace` (else
// `mapspace_constraints`) and the architecture constraints, which may come from different files.
// Throws InputError when no file holds any of them.
Constraints parseConstraints(const InputFiles& files, const Architecture& arch, const Workload& workload);
// Whether any file holds a constraint section.
bool hasConstraints(const InputFiles& files);
Constraints loadConstraints(const std::string& path, const Architecture& arch, const Workload& workload);

}  // namespace cosa
