#pragma once
// Files written next to the schedules: each layer's problem.yaml (the layer in Timeloop's problem
// format, so that `timeloop-model arch.yaml problem.yaml mapping.yaml` re-runs it) and a
// network's layers.csv (one row per unique layer: shape, bounds, cycles, energy, solver).

#include <string>
#include <vector>

#include "mappers/layer_result.hpp"
#include "workload/network.hpp"
#include "workload/workload.hpp"

namespace cosa {

// Timeloop problem YAML: `problem: {shape: {name, dimensions, coefficients, data-spaces},
// instance: {bounds..., coefficients...}}`, the shape written inline (so GEMMs and grouped
// convolutions need no shape file) and every coefficient (strides, dilations) in the instance.
std::string problemYaml(const Workload& workload);

// CSV with a header row; `results[i]` belongs to `layers[i]`. Layers without a mapping keep their
// shape columns and carry the reason in `message`.
std::string networkLayersCsv(const std::vector<NetworkLayer>& layers,
                             const std::vector<LayerResult>& results);

}  // namespace cosa
