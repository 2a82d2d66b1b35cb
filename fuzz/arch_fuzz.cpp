// Architecture YAML (legacy and Accelergy tree forms), then the built-in energy table every
// command derives from it.
#include "arch/arch_yaml.hpp"
#include "fuzz_support.hpp"
#include "model/energy.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const cosa::Architecture arch = cosa::parseArchitecture(cosa::fuzz::load(data, size));
    for (int l = 0; l < arch.numLevels(); ++l) {
      arch.fanoutX(l);
      arch.fanoutY(l);
    }
    cosa::builtinEnergyTable(arch);
  } catch (const cosa::InputError&) {
    // Rejected as bad input: the expected outcome. Anything else escaping is a finding.
  }
  return 0;
}
