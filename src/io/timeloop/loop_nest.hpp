#pragma once
// A loop-nest printout of a mapping in the style of Timeloop's map.txt.

#include <string>

#include "arch/architecture.hpp"
#include "mapping/mapping.hpp"
#include "workload/workload.hpp"

namespace cosa {

std::string formatLoopNest(const Mapping& mapping, const Architecture& arch, const Workload& workload);

}  // namespace cosa
