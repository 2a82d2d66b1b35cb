// Accelergy ERT YAML against CoSA's Simba.
#include "fuzz_support.hpp"
#include "io/timeloop/ert.hpp"
#include "model/energy.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const cosa::Architecture& arch = cosa::fuzz::simba();
  try {
    cosa::parseErt(cosa::fuzz::load(data, size), arch);
  } catch (const cosa::InputError&) {
    // Rejected as bad input: the expected outcome. Anything else escaping is a finding.
  }
  return 0;
}
