#pragma once
// A sweep's folder read back (the loader `cosa sweep merge` uses): DIR/sweep.json, the plan
// (docs/schema/sweep-plan.schema.json), and every DIR/points/<id>/point.json
// (docs/schema/sweep-point.schema.json), into the sweep's typed results.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "io/results/sweep_results.hpp"

namespace cosa {

struct SweepFolder {
  SweepReportData data;  // every planned point, in order; one without point.json has status "missing"
  // The plan's mapper; absent when the sweep ran the default mapper (cosa), which the plan does not name.
  std::optional<std::string> mapper;
  std::size_t finished = 0;          // points with point.json
  std::size_t ok = 0;                // of which ok
  std::vector<std::string> missing;  // ids of points without point.json
};

// Throws InputError naming DIR/sweep.json when there is none, and naming a file whose content is not
// what cosa writes.
SweepFolder readSweepFolder(const std::string& dir);

}  // namespace cosa
