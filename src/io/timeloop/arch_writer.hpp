#pragma once
// Writes an Architecture as Timeloop's legacy flat form (`arch: {arithmetic, storage: [...]}`,
// innermost first), with every attribute explicit, so that loadArchitecture reads back the same
// value (bandwidths as read_bandwidth / write_bandwidth, which is how the value holds them).

#include <string>

#include "arch/architecture.hpp"

namespace cosa {

std::string architectureYaml(const Architecture& arch);

}  // namespace cosa
