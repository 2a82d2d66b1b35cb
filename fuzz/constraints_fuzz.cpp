// Mapspace constraints YAML against CoSA's Simba and ResNet-50's conv1, then what the mappers
// build from parsed constraints: the search mapspace (one sampled mapping, evaluated) and the
// CoSA MIP (built, not solved).
#include "fuzz_support.hpp"
#include "io/timeloop/constraints_yaml.hpp"
#include "mappers/cosa_formulation.hpp"
#include "mappers/mapspace.hpp"
#include "model/evaluator.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const cosa::Architecture& arch = cosa::fuzz::simba();
  const cosa::Workload& workload = cosa::fuzz::conv1();
  cosa::Constraints constraints;
  try {
    constraints = cosa::parseConstraints(cosa::fuzz::load(data, size), arch, workload);
  } catch (const cosa::InputError&) {
    return 0;  // rejected as bad input: the expected outcome
  }
  const cosa::MapSpace space(arch, workload, constraints);
  if (space.error().empty()) {
    cosa::Rng rng = cosa::makeRng(0, 0);
    cosa::Mapping mapping;
    static cosa::Evaluator evaluator(arch, workload);
    if (space.sample(rng, mapping)) evaluator.evaluate(mapping);
  }
  const cosa::CosaFormulation formulation(arch, workload, constraints, cosa::ScheduleObjective::Edp);
  return 0;
}
