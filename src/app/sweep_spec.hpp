#pragma once
// A sweep as the application runs it: what the spec file defines (io/sweep/sweep_spec.hpp) and the
// run settings its `scheduler:` section gives (app::RunSettings, the one settings type: the mapper,
// every mapper's settings, the seed), every setting not given keeping the settings' own default.

#include <string>

#include "app/settings.hpp"
#include "io/sweep/sweep_spec.hpp"

namespace cosa::app {

struct SweepSpec : SweepDefinition {
  // How every layer of every point is scheduled. `jobs` is not the spec's: it is each run's
  // (SweepRunOptions::jobs), as results do not depend on it.
  RunSettings settings;
};

// Reads and checks a spec (InputError naming file, line:column, field and reason): an unknown
// mapper, objective, backend or sampling, and points whose ids would clash, included.
SweepSpec loadSweepSpec(const std::string& path);

// `settings` with the scheduler section's fields applied (InputError at a field whose name is not
// known).
RunSettings applySchedulerFields(const SweepSchedulerFields& fields, RunSettings settings = {});

// `spec` running mapper `mapper` instead (`cosa sweep run --mapper`). Throws std::invalid_argument
// for an unknown name, listing the known ones.
SweepSpec withMapper(SweepSpec spec, const std::string& mapper);

}  // namespace cosa::app
