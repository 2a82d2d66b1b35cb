// `cosa sweep run | merge | slurm`: a thin shell over app/sweep (docs/sweeps.md).
#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "app/sweep.hpp"
#include "cli/commands.hpp"
#include "cli/interrupt.hpp"

namespace cosa::cli {

namespace {

struct SweepCliOptions {
  std::string spec;
  std::string out;
  int jobs = app::SweepRunOptions{}.jobs;
  std::string shard = "0/1";
  std::string mapper;  // empty: the spec's scheduler.mapper
  int array = 1;
  app::SlurmOptions slurm;
};

// On a terminal one updating line (point i/n, layer j/m); otherwise one line per point.
app::SweepProgressCallback sweepProgressPrinter(bool tty) {
  return [tty](const app::SweepProgress& p) {
    const std::string outcome = p.skipped ? "finished earlier, skipped"
                                : p.status == "invalid"
                                    ? "invalid architecture"
                                    : fmt::format("{} ({} unique layers)", p.status, p.layers);
    if (tty) {
      std::cerr << fmt::format("\r\033[K[point {}/{} | layer {}/{}] {}{}", p.point, p.points, p.layer,
                               p.layers, p.current.id, p.point_done ? ": " + outcome : "")
                << std::flush;
    } else if (p.point_done) {
      std::cerr << fmt::format("[{}/{}] {}: {}\n", p.point, p.points, p.current.id, outcome);
    }
  };
}

// The spec, with --mapper in place of its own mapper when given.
app::SweepSpec loadSpec(const SweepCliOptions& o) {
  app::SweepSpec spec = app::loadSweepSpec(o.spec);
  return o.mapper.empty() ? spec : app::withMapper(std::move(spec), o.mapper);
}

int runSweepCommand(const SweepCliOptions& o) {
  const app::SweepSpec spec = loadSpec(o);
  app::SweepRunOptions options;
  options.out_dir = o.out;
  options.jobs = o.jobs;
  options.shard = app::parseShard(o.shard, [](const char* name) { return std::getenv(name); });
  const bool tty = ::isatty(STDERR_FILENO) != 0;
  const InterruptGuard guard;
  const app::SweepRunSummary s =
      app::runSweep(spec, options, &InterruptGuard::flag(), sweepProgressPrinter(tty));
  if (tty) std::cerr << "\n";
  std::cerr << fmt::format(
      "cosa sweep: shard {}/{}: {} points, {} run now ({} not ok), {} finished earlier\n",
      options.shard.index, options.shard.count, s.shard_points, s.ran, s.failed, s.skipped);
  if (!s.complete) {
    std::cerr << "cosa sweep: interrupted; finished points are kept, run the same command again to resume\n";
    return kExitInterrupted;
  }
  return kExitOk;
}

int mergeSweepCommand(const SweepCliOptions& o) {
  const app::SweepMergeSummary s = app::mergeSweep(o.out);
  std::cout << fmt::format("{} points, {} finished ({} ok), {} missing\nwrote {}\nwrote {}\n", s.points,
                           s.finished, s.ok, s.missing.size(), s.csv_path, s.report_path);
  if (!s.missing.empty()) {
    std::cerr << fmt::format("cosa sweep merge: incomplete: {} of {} points have not finished (first: {})\n",
                             s.missing.size(), s.points, s.missing.front());
    return kExitInvalidMapping;
  }
  return kExitOk;
}

int slurmSweepCommand(SweepCliOptions o) {
  const app::SweepSpec spec = app::loadSweepSpec(o.spec);
  o.slurm.out_dir = o.out;
  o.slurm.mapper = o.mapper;
  o.slurm.array = o.array;
  if (o.slurm.cosa.empty()) o.slurm.cosa = std::filesystem::canonical("/proc/self/exe").string();
  for (const std::string& path : app::writeSlurmScripts(spec, o.slurm)) std::cout << "wrote " << path << "\n";
  std::cout << fmt::format("submit with: {}/submit.sh\n",
                           std::filesystem::absolute(o.out).lexically_normal().string());
  return kExitOk;
}

}  // namespace

Action registerSweep(CLI::App& app) {
  auto o = std::make_shared<SweepCliOptions>();
  CLI::App* sweep =
      app.add_subcommand("sweep", "Design-space sweeps: run points, merge them, or write Slurm jobs");
  sweep->require_subcommand(1);

  CLI::App* run =
      sweep->add_subcommand("run", "Schedule the sweep's points (a shard of them) into DIR/points/");
  run->add_option("spec", o->spec, "Sweep spec YAML")->required();
  run->add_option("--out", o->out, "Sweep folder")->required();
  run->add_option("--jobs", o->jobs, "Layers of a point scheduled in parallel")->capture_default_str();
  run->add_option("--shard", o->shard,
                  "I/N: run points i with i mod N = I (0 <= I < N); slurm: from the array task")
      ->capture_default_str();
  const std::string mapper_help =
      fmt::format("The mapper that schedules each layer, in place of the spec's scheduler.mapper: {}",
                  fmt::join(mapperNames(), " | "));
  run->add_option("--mapper", o->mapper, mapper_help);

  CLI::App* merge =
      sweep->add_subcommand("merge", "Write DIR/points.csv and DIR/report.html from the points");
  merge->add_option("dir", o->out, "Sweep folder")->required();

  CLI::App* slurm =
      sweep->add_subcommand("slurm", "Write DIR/sweep.sbatch (array job), merge.sbatch and submit.sh");
  slurm->add_option("spec", o->spec, "Sweep spec YAML")->required();
  slurm->add_option("--out", o->out, "Sweep folder")->required();
  slurm->add_option("--array", o->array, "Array tasks (shards)")->required()->check(CLI::PositiveNumber);
  slurm->add_option("--partition", o->slurm.partition, "Slurm partition");
  slurm->add_option("--time", o->slurm.time, "Time limit per task (e.g. 02:00:00)");
  slurm->add_option("--account", o->slurm.account, "Slurm account");
  slurm->add_option("--mem", o->slurm.mem, "Memory per task (e.g. 4G)");
  slurm->add_option("--cpus-per-task", o->slurm.cpus_per_task, "CPUs per task (also the shards' --jobs)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  slurm->add_option("--sbatch", o->slurm.extra, "Further #SBATCH options, e.g. --sbatch=--qos=short");
  slurm->add_option("--cosa", o->slurm.cosa, "The cosa binary the jobs run (default: this one)");
  slurm->add_option("--mapper", o->mapper, mapper_help + " (passed on to the shards)");

  return [sweep, run, merge, slurm, o]() -> int {
    if (!sweep->parsed()) return -1;
    if (run->parsed()) return runSweepCommand(*o);
    if (merge->parsed()) return mergeSweepCommand(*o);
    if (slurm->parsed()) return slurmSweepCommand(*o);
    return -1;
  };
}

}  // namespace cosa::cli
