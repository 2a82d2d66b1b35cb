// Problem YAML (built-in shapes and inline shape descriptions), then the sizes every consumer
// computes from a workload.
#include "fuzz_support.hpp"
#include "io/timeloop/problem_yaml.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const cosa::Workload workload = cosa::parseProblem(cosa::fuzz::load(data, size));
    workload.macs();
    for (int ds = 0; ds < workload.numDataSpaces(); ++ds) workload.dataSpaceSize(ds);
  } catch (const cosa::InputError&) {
    // Rejected as bad input: the expected outcome. Anything else escaping is a finding.
  }
  return 0;
}
