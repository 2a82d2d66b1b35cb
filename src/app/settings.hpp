#pragma once
// The one settings type of a run, whichever command starts it (schedule, network, compare, sweep),
// and whoever fills it (the CLI's flags, the public API, Python, a sweep file): which mapper runs,
// every mapper's settings, parallelism, the seed and the energies. Every default is the one of the
// options struct it lives in (mappers/*.hpp); nothing here restates one.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "mappers/mapper_registry.hpp"

namespace cosa::app {

struct RunSettings {
  std::string mapper = "cosa";  // schedule, network, sweep: the mapper that runs (mapper_registry.hpp)
  MapperOptions mappers;        // every mapper's own settings
  int jobs = 1;                 // layers (and, for compare, mappers) run in parallel
  // The search mappers' random streams and cosa's MIP seed (modulo 1e9+7): the same seed gives the
  // same outputs.
  std::uint64_t seed = 0;
  std::string ert;  // an Accelergy ERT file; empty: an ERT among the inputs, else the built-in energies
};

// The named mapper with its settings from `settings`. Throws std::invalid_argument for an unknown
// name or a backend that is not built in.
std::shared_ptr<const Mapper> runMapper(const RunSettings& settings, const std::string& name);
// settings.mapper.
inline std::shared_ptr<const Mapper> runMapper(const RunSettings& settings) {
  return runMapper(settings, settings.mapper);
}

// cosa's options as the run applies them (the run's seed in place of the options' own).
ScheduleOptions cosaOptions(const RunSettings& settings);

// The settings of the paper's comparison (`cosa compare`): the hybrid baseline draws tilings as
// Timeloop does and has no victory condition, as in the CoSA paper's Timeloop runs.
RunSettings paperComparisonSettings();

// The objective's name as the user writes it ("edp", ...), for the outputs.
std::string objectiveName(const RunSettings& settings);

}  // namespace cosa::app
