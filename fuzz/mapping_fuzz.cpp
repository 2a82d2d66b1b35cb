// Mapping YAML against CoSA's Simba and ResNet-50's conv1. Every parsed mapping goes through the
// cost model (which must not crash on any of them) and the loop-nest printout, and must survive
// writing and re-reading with the same evaluation.
#include <cstdlib>

#include "fuzz_support.hpp"
#include "io/timeloop/loop_nest.hpp"
#include "io/timeloop/mapping_yaml.hpp"
#include "model/evaluator.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const cosa::Architecture& arch = cosa::fuzz::simba();
  const cosa::Workload& workload = cosa::fuzz::conv1();
  cosa::Mapping mapping;
  try {
    mapping = cosa::parseMapping(cosa::fuzz::load(data, size), arch, workload);
  } catch (const cosa::InputError&) {
    return 0;  // rejected as bad input (or MappingError: wrong factor products): expected
  }
  static cosa::Evaluator evaluator(arch, workload);
  const cosa::Evaluation first = evaluator.evaluate(mapping);
  cosa::formatLoopNest(mapping, arch, workload);
  const std::string written = cosa::mappingToYaml(mapping, arch, workload);
  const cosa::Mapping reread =
      cosa::parseMapping(cosa::YamlView::loadString(written, "<written>"), arch, workload);
  const cosa::Evaluation second = evaluator.evaluate(reread);
  if (first.valid != second.valid || first.error != second.error || first.cycles != second.cycles ||
      first.energy_pJ != second.energy_pJ)
    std::abort();  // the written mapping means something else
  return 0;
}
