#include "cli/run_options.hpp"

#include <fmt/format.h>

#include "cli/commands.hpp"

namespace cosa::cli {

void addMapperOption(CLI::App& command, RunCliOptions& options) {
  command
      .add_option("--mapper", options.settings.mapper,
                  fmt::format("The mapper that schedules each layer: {}", fmt::join(mapperNames(), " | ")))
      ->capture_default_str();
}

void addCosaOptions(CLI::App& command, RunCliOptions& options, bool with_threads, const std::string& prefix) {
  ScheduleOptions& cosa = options.settings.mappers.cosa;
  command.add_option("--objective", options.objective, prefix + "edp | latency | energy | cosa-paper")
      ->capture_default_str();
  command.add_option("--backend", cosa.backend, prefix + backendHelp())->capture_default_str();
  command.add_option("--time-limit", cosa.time_limit_s, prefix + "Solver time limit per MIP (s)")
      ->check(nonNegativeFinite())
      ->capture_default_str();
  command.add_option("--gap", cosa.relative_gap, prefix + "Relative MIP gap at which the solver stops")
      ->check(nonNegativeFinite())
      ->capture_default_str();
  if (with_threads)
    command.add_option("--threads", cosa.threads, prefix + "Solver threads")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
  auto* no_polish =
      command.add_flag("--no-polish", options.no_polish, prefix + "Skip the local search on the exact model");
  command
      .add_flag("--polish", options.polish,
                prefix + "Polish even with --objective cosa-paper (off by default there)")
      ->excludes(no_polish);
}

void addSearchOptions(CLI::App& command, RunCliOptions& options) {
  MapperOptions& m = options.settings.mappers;
  command.add_option("--random-valid", m.random.valid_target, "random: best of this many valid mappings")
      ->capture_default_str();
  command.add_option("--search-size", m.hybrid.search_size, "hybrid: valid mappings to evaluate")
      ->capture_default_str();
  command
      .add_option("--victory-condition", m.hybrid.victory_condition,
                  "hybrid: stop after this many consecutive valid mappings without improvement")
      ->capture_default_str();
  command
      .add_option("--hybrid-sampling", options.hybrid_sampling,
                  "hybrid: timeloop (tilings drawn as Timeloop does: the paper's baseline) or fanout-valid "
                  "(only tilings that fit the fan-outs: a stronger baseline)")
      ->capture_default_str();
  command.add_option("--hybrid-threads", m.hybrid.threads, "hybrid: search threads (Timeloop's num-threads)")
      ->capture_default_str();
  command
      .add_option("--max-evaluations", m.exhaustive.max_evaluations,
                  "exhaustive: evaluation budget (0 = all)")
      ->capture_default_str();
}

void addSeedOption(CLI::App& command, RunCliOptions& options, const std::string& help) {
  command.add_option("--seed", options.settings.seed, help)->capture_default_str();
}

app::RunSettings toRunSettings(const RunCliOptions& o) {
  app::RunSettings settings = o.settings;
  if (o.polish && o.no_polish) throw std::invalid_argument("--polish and --no-polish contradict each other");
  settings.mappers.cosa.backend = checkedBackend(settings.mappers.cosa.backend);
  settings.mappers.cosa.objective = parseObjective(o.objective);
  if (o.no_polish) settings.mappers.cosa.polish = false;
  if (o.polish) settings.mappers.cosa.polish = true;
  if (o.hybrid_sampling != "fanout-valid" && o.hybrid_sampling != "timeloop")
    throw std::invalid_argument("--hybrid-sampling must be fanout-valid or timeloop, not '" +
                                o.hybrid_sampling + "'");
  settings.mappers.hybrid.sampler =
      o.hybrid_sampling == "timeloop" ? TilingSampler::Timeloop : TilingSampler::FanoutValid;
  runMapper(settings);  // an unknown --mapper fails here, before any file is read
  return settings;
}

}  // namespace cosa::cli
