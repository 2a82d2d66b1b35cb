#include "app/settings.hpp"

#include "solver/mip.hpp"

namespace cosa::app {

ScheduleOptions cosaOptions(const RunSettings& settings) {
  ScheduleOptions options = settings.mappers.cosa;
  options.seed = static_cast<int>(settings.seed % 1000000007ULL);  // as CosaMapper takes a run's seed
  return options;
}

std::shared_ptr<const Mapper> runMapper(const RunSettings& settings, const std::string& name) {
  MapperOptions options = settings.mappers;
  options.cosa = cosaOptions(settings);
  // The backend's canonical name, which the outputs record; an unknown one fails before any work.
  if (name == "cosa") options.cosa.backend = solver::makeBackend(options.cosa.backend)->name();
  return makeMapper(name, options);
}

RunSettings paperComparisonSettings() {
  RunSettings settings;
  settings.mappers.hybrid.sampler = TilingSampler::Timeloop;
  settings.mappers.hybrid.victory_condition = 0;
  return settings;
}

std::string objectiveName(const RunSettings& settings) { return toString(settings.mappers.cosa.objective); }

}  // namespace cosa::app
