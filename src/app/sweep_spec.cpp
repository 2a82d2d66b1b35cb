#include "app/sweep_spec.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <stdexcept>

#include "app/sweep_points.hpp"
#include "solver/mip.hpp"

namespace cosa::app {

RunSettings applySchedulerFields(const SweepSchedulerFields& fields, RunSettings settings) {
  MapperOptions& m = settings.mappers;
  if (fields.mapper) {
    const std::vector<std::string> known = mapperNames();
    if (std::find(known.begin(), known.end(), fields.mapper->text) == known.end())
      fields.mapper->fail(
          fmt::format("unknown mapper '{}' (mappers: {})", fields.mapper->text, fmt::join(known, ", ")));
    settings.mapper = fields.mapper->text;
  }
  if (fields.objective) {
    try {
      m.cosa.objective = parseObjective(fields.objective->text);
    } catch (const std::invalid_argument& e) {
      fields.objective->fail(e.what());
    }
  }
  if (fields.backend) {
    try {
      m.cosa.backend = solver::makeBackend(fields.backend->text)->name();  // the canonical name
    } catch (const std::invalid_argument& e) {
      fields.backend->fail(e.what());
    }
  }
  if (fields.time_limit_s) m.cosa.time_limit_s = *fields.time_limit_s;
  if (fields.gap) m.cosa.relative_gap = *fields.gap;
  if (fields.polish) m.cosa.polish = *fields.polish;
  if (fields.seed) settings.seed = static_cast<std::uint64_t>(*fields.seed);
  if (fields.random_valid) m.random.valid_target = *fields.random_valid;
  if (fields.search_size) m.hybrid.search_size = *fields.search_size;
  if (fields.victory_condition) m.hybrid.victory_condition = *fields.victory_condition;
  if (fields.hybrid_sampling) {
    const std::string& sampling = fields.hybrid_sampling->text;
    if (sampling != "fanout-valid" && sampling != "timeloop")
      fields.hybrid_sampling->fail(fmt::format("unknown sampling '{}' (fanout-valid or timeloop)", sampling));
    m.hybrid.sampler = sampling == "timeloop" ? TilingSampler::Timeloop : TilingSampler::FanoutValid;
  }
  if (fields.hybrid_threads) m.hybrid.threads = static_cast<int>(*fields.hybrid_threads);
  if (fields.max_evaluations) m.exhaustive.max_evaluations = *fields.max_evaluations;
  return settings;
}

SweepSpec loadSweepSpec(const std::string& path) {
  const SweepSpecFile file = readSweepSpec(path);
  SweepSpec spec;
  static_cast<SweepDefinition&>(spec) = file.sweep;
  spec.settings = applySchedulerFields(file.scheduler);
  // Expanding here reports clashing ids at the spec, before anything runs.
  std::set<std::string> ids;
  for (const SweepPoint& point : expandPoints(spec))
    if (!ids.insert(point.id).second)
      throw InputError(
          file.where, "",
          fmt::format("two points get the id '{}' (parameter values that print alike)", point.id));
  return spec;
}

SweepSpec withMapper(SweepSpec spec, const std::string& mapper) {
  spec.settings.mapper = mapper;
  runMapper(spec.settings);  // an unknown name fails here, before any file is written
  return spec;
}

}  // namespace cosa::app
