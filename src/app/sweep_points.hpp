#pragma once
// A sweep's points: the parameter combinations (a product, or zipped) times the workloads, in a
// fixed order, each with a deterministic id made of its values.

#include <cstddef>
#include <string>
#include <vector>

#include "io/sweep/sweep_spec.hpp"

namespace cosa::app {

struct SweepPoint {
  std::size_t index = 0;       // position in the sweep's deterministic order
  std::string id;              // e.g. "resnet50-pes16-glb_kb64"; a folder name
  std::vector<double> values;  // one per parameter
  std::size_t workload = 0;    // index into SweepDefinition::workloads
};

// Parameter combinations (product, or zipped), each with every workload; workloads vary slowest,
// then the parameters as listed, the last fastest.
std::vector<SweepPoint> expandPoints(const SweepDefinition& spec);

}  // namespace cosa::app
