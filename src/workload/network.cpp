#include "workload/network.hpp"

#include <algorithm>

namespace cosa {

namespace {

bool sameShape(const Workload& a, const Workload& b) {
  return a.dimensions == b.dimensions && a.bounds == b.bounds && a.coefficients == b.coefficients &&
         a.data_spaces == b.data_spaces;
}

}  // namespace

int Network::totalLayers() const {
  int total = 0;
  for (const auto& layer : layers) total += layer.count;
  return total;
}

std::vector<NetworkLayer> uniqueLayers(const Network& network) {
  std::vector<NetworkLayer> unique;
  for (const NetworkLayer& layer : network.layers) {
    auto same = std::find_if(unique.begin(), unique.end(),
                             [&](const NetworkLayer& u) { return sameShape(u.workload, layer.workload); });
    if (same == unique.end())
      unique.push_back(layer);
    else
      same->count += layer.count;
  }
  return unique;
}

}  // namespace cosa
