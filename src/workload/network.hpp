#pragma once
// Networks: ordered lists of layers, each a Workload (read by io/network/network_yaml.hpp).
//
//   network: resnet50
//   source: where the layer list comes from (free text, optional)
//   shape: cnn-layer          # default shape for layers that name none (optional)
//   layers:
//     - {name: conv1, R: 7, S: 7, P: 112, Q: 112, C: 3, K: 64, N: 1, Wstride: 2, Hstride: 2}
//     - {name: fc, C: 2048, K: 1000, count: 1}
//
// where each layer holds what `problem:` holds in a problem file (bounds, coefficients, `shape`,
// or `instance:`) plus `name` and an optional `count` (occurrences, default 1); or from a
// CoSA-style folder with one problem YAML per layer. Built-in networks live in
// <data dir>/networks/<name>.yaml.

#include <string>
#include <vector>

#include "workload/workload.hpp"

namespace cosa {

struct NetworkLayer {
  std::string name;
  Workload workload;
  int count = 1;  // occurrences of this layer in the network
};

struct Network {
  std::string name;
  std::vector<NetworkLayer> layers;

  // Sum of counts (layer occurrences).
  int totalLayers() const;
};

// Layers with identical shapes (same dimensions, bounds, coefficients and data spaces; names
// ignored) merged into their first occurrence, counts summed, in first-seen order.
std::vector<NetworkLayer> uniqueLayers(const Network& network);

}  // namespace cosa
