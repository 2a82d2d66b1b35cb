#pragma once
// The run settings on the command line, bound straight to app::RunSettings (so each flag's default
// is the settings' own): which mapper (--mapper), cosa's (--objective, --backend, --time-limit,
// --gap, --polish/--no-polish, --threads where offered), the search mappers' (--random-valid,
// --search-size, --victory-condition, --hybrid-sampling, --hybrid-threads, --max-evaluations) and
// --seed. schedule, network and compare share them, so all accept and mean the same.

#include <CLI/CLI.hpp>
#include <string>

#include "app/settings.hpp"

namespace cosa::cli {

struct RunCliOptions {
  app::RunSettings settings;
  // Flags whose text is checked after parsing.
  std::string objective;
  std::string hybrid_sampling;
  bool polish = false;
  bool no_polish = false;

  static std::string samplingName(const app::RunSettings& settings) {
    return settings.mappers.hybrid.sampler == TilingSampler::Timeloop ? "timeloop" : "fanout-valid";
  }
  explicit RunCliOptions(app::RunSettings defaults = {})
      : settings(std::move(defaults)),
        objective(toString(settings.mappers.cosa.objective)),
        hybrid_sampling(samplingName(settings)) {}
};

// --mapper NAME (schedule, network).
void addMapperOption(CLI::App& command, RunCliOptions& options);
// cosa's flags; `with_threads`: also --threads (solver threads per MIP). `prefix` starts each help
// text (compare: "cosa: ").
void addCosaOptions(CLI::App& command, RunCliOptions& options, bool with_threads,
                    const std::string& prefix = {});
// The search mappers' flags.
void addSearchOptions(CLI::App& command, RunCliOptions& options);
void addSeedOption(CLI::App& command, RunCliOptions& options, const std::string& help);

// The settings, checked before any work starts (std::invalid_argument for an unknown mapper,
// backend, objective or sampling); the backend gets its canonical name, which the outputs record.
app::RunSettings toRunSettings(const RunCliOptions& options);

}  // namespace cosa::cli
