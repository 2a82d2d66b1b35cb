#pragma once
#include <cstdint>

#include "arch/architecture.hpp"
#include "workload/workload.hpp"

namespace cosa {

// Words of a data space the layer actually touches (strided windows skip words between them).
std::int64_t touchedWords(const Workload& workload, int data_space);

// A lower bound on any mapping's cycles: the larger of MACs / MAC instances and, for the
// outermost level, compulsory traffic (every touched word of a read-only data space read once,
// of a read-write one written once) over its read and write bandwidths.
std::int64_t rooflineCycles(const Architecture& arch, const Workload& workload);

}  // namespace cosa
