// The public API's settings: their defaults come from the application layer's RunSettings (in turn
// the mappers' own option structs), so no default is written twice.
#include <stdexcept>

#include "api/scheduling.hpp"
#include "app/compare_run.hpp"
#include "cosa/schedule.hpp"

namespace cosa::api {

namespace {

void fill(ScheduleSettings& s, const app::RunSettings& run) {
  const MapperOptions& m = run.mappers;
  s.mapper = run.mapper;
  s.objective = toString(m.cosa.objective);
  s.backend = m.cosa.backend;
  s.time_limit_s = m.cosa.time_limit_s;
  s.gap = m.cosa.relative_gap;
  s.threads = m.cosa.threads;
  s.seed = run.seed;
  s.polish = m.cosa.polish;
  s.ert = run.ert;
  s.random_valid = m.random.valid_target;
  s.hybrid_search_size = m.hybrid.search_size;
  s.hybrid_victory_condition = m.hybrid.victory_condition;
  s.hybrid_sampling = m.hybrid.sampler == TilingSampler::Timeloop ? "timeloop" : "fanout-valid";
  s.hybrid_threads = m.hybrid.threads;
  s.exhaustive_max_evaluations = m.exhaustive.max_evaluations;
}

ScheduleSettings fromRunSettings(const app::RunSettings& run) {
  ScheduleSettings s;
  fill(s, run);
  return s;
}

}  // namespace

ScheduleSettings::ScheduleSettings() { fill(*this, app::RunSettings{}); }

NetworkSettings::NetworkSettings() : schedule(), jobs(app::RunSettings{}.jobs) {}

CompareSettings::CompareSettings()
    : mappers(app::CompareSpec{}.mappers),
      schedule(fromRunSettings(app::paperComparisonSettings())),
      jobs(app::paperComparisonSettings().jobs) {}

app::RunSettings runSettings(const ScheduleSettings& s, int jobs) {
  app::RunSettings run;
  MapperOptions& m = run.mappers;
  run.mapper = s.mapper;
  m.cosa.objective = parseObjective(s.objective);
  m.cosa.backend = solver::makeBackend(s.backend)->name();  // checks the name first
  m.cosa.time_limit_s = s.time_limit_s;
  m.cosa.relative_gap = s.gap;
  m.cosa.threads = s.threads;
  m.cosa.polish = s.polish;
  run.seed = s.seed;
  run.ert = s.ert;
  run.jobs = jobs;
  m.random.valid_target = s.random_valid;
  m.hybrid.search_size = s.hybrid_search_size;
  m.hybrid.victory_condition = s.hybrid_victory_condition;
  if (s.hybrid_sampling != "fanout-valid" && s.hybrid_sampling != "timeloop")
    throw std::invalid_argument("hybrid_sampling must be fanout-valid or timeloop, not '" +
                                s.hybrid_sampling + "'");
  m.hybrid.sampler = s.hybrid_sampling == "timeloop" ? TilingSampler::Timeloop : TilingSampler::FanoutValid;
  m.hybrid.threads = s.hybrid_threads;
  m.exhaustive.max_evaluations = s.exhaustive_max_evaluations;
  app::runMapper(run);  // an unknown mapper fails here
  return run;
}

}  // namespace cosa::api
