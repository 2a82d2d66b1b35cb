#pragma once
#include <cstdint>

#include "arch/architecture.hpp"
#include "workload/workload.hpp"

namespace cosa {

// A lower bound on any mapping's cycles: the larger of MACs / MAC instances and, for the
// outermost level, compulsory traffic (every read-only data space read once, every read-write one
// written once) over its read and write bandwidths.
std::int64_t rooflineCycles(const Architecture& arch, const Workload& workload);

}  // namespace cosa
