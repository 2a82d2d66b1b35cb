// Network YAML (layer lists), then the de-duplication the network and compare commands run.
#include "fuzz_support.hpp"
#include "io/network/network_yaml.hpp"
#include "workload/network.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const cosa::Network network = cosa::parseNetwork(cosa::fuzz::load(data, size));
    network.totalLayers();
    for (const cosa::NetworkLayer& layer : cosa::uniqueLayers(network)) layer.workload.macs();
  } catch (const cosa::InputError&) {
    // Rejected as bad input: the expected outcome. Anything else escaping is a finding.
  }
  return 0;
}
