#pragma once
// Reads and writes Timeloop mapping YAML (`mapping:` list of temporal/spatial/bypass entries).

#include <string>

#include "arch/architecture.hpp"
#include "common/yaml_util.hpp"
#include "mapping/mapping.hpp"
#include "workload/workload.hpp"

namespace cosa {

// `root` is a whole document holding `mapping:`. Throws InputError for malformed input
// (unknown level or dimension, bad factor syntax, factor products that do not equal the bounds).
Mapping parseMapping(const YamlView& root, const Architecture& arch, const Workload& workload);
Mapping loadMapping(const std::string& path, const Architecture& arch, const Workload& workload);

// Timeloop mapping YAML that timeloop-model accepts unchanged.
std::string mappingToYaml(const Mapping& mapping, const Architecture& arch, const Workload& workload);
void writeMapping(const std::string& path, const Mapping& mapping, const Architecture& arch,
                  const Workload& workload);

}  // namespace cosa
