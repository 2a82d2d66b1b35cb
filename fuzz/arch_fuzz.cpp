// Architecture input (legacy and Accelergy tree forms), then the built-in energy table every
// command derives from it. The same bytes are also read as a libconfig `.cfg` file (translated to
// YAML as Timeloop's .cfg inputs are), and warnings are collected, so both paths are fuzzed.
#include "fuzz_support.hpp"
#include "io/timeloop/arch_yaml.hpp"
#include "io/yaml/input_files.hpp"
#include "model/energy.hpp"

namespace {

void readArchitecture(const std::string& text, const std::string& name) {
  cosa::Warnings warnings;
  const cosa::Architecture arch = cosa::parseArchitecture(cosa::YamlView::loadString(text, name, &warnings));
  for (int l = 0; l < arch.numLevels(); ++l) {
    arch.fanoutX(l);
    arch.fanoutY(l);
  }
  cosa::builtinEnergyTable(arch);
  for (const cosa::Warning& w : warnings.items()) (void)w.text();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text = cosa::fuzz::text(data, size);
  try {
    readArchitecture(text, "<fuzz>");
  } catch (const cosa::InputError&) {
    // Rejected as bad input: the expected outcome. Anything else escaping is a finding.
  }
  try {
    readArchitecture(cosa::libconfigToYaml(text, "<fuzz.cfg>"), "<fuzz.cfg>");
  } catch (const cosa::InputError&) {
  }
  return 0;
}
