// One document holding an architecture, a problem and a mapping (Timeloop's inputs concatenated),
// all fuzzed together, then the cost model: whatever the three parsers accept, the model must
// evaluate without crashing, overflowing or running away.
#include "fuzz_support.hpp"
#include "io/timeloop/arch_yaml.hpp"
#include "io/timeloop/mapping_yaml.hpp"
#include "io/timeloop/problem_yaml.hpp"
#include "model/evaluator.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const cosa::YamlView root = cosa::fuzz::load(data, size);
    const cosa::Architecture arch = cosa::parseArchitecture(root);
    const cosa::Workload workload = cosa::parseProblem(root);
    const cosa::Mapping mapping = cosa::parseMapping(root, arch, workload);
    cosa::Evaluator evaluator(arch, workload);
    evaluator.evaluate(mapping);
  } catch (const cosa::InputError&) {
    // Rejected as bad input: the expected outcome. Anything else escaping is a finding.
  }
  return 0;
}
