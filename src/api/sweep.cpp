// The public API's sweeps: thin calls into app/'s sweep run and merge (as `cosa sweep run | merge`),
// the folder read back through io/results' loader.
#include "cosa/sweep.hpp"

#include <utility>

#include "api/internal.hpp"
#include "app/sweep.hpp"
#include "io/results/sweep_folder.hpp"
#include "report/sweep_report.hpp"

namespace cosa::api {

namespace {

SweepResult resultOf(const SweepFolder& folder) {
  SweepResult result;
  const SweepReportData& data = folder.data;
  result.name = data.name;
  result.objective = data.objective;
  result.mapper = folder.mapper.value_or(app::RunSettings{}.mapper);
  result.parameters = data.parameters;
  result.workloads = data.workloads;
  result.missing = folder.missing;
  const std::vector<bool> front = paretoFront(data.points);
  for (std::size_t i = 0; i < data.points.size(); ++i) {
    const SweepReportPoint& p = data.points[i];
    SweepPointResult point;
    point.id = p.id;
    point.workload = p.workload;
    point.values = p.values;
    point.status = p.status;
    point.message = p.message;
    point.cycles = p.cycles;
    point.energy_pJ = p.energy_pJ;
    point.edp = p.edp;
    point.pareto = front[i];
    result.points.push_back(std::move(point));
  }
  return result;
}

}  // namespace

SweepSettings::SweepSettings()
    : jobs(app::SweepRunOptions{}.jobs), shard_index(app::Shard{}.index), shard_count(app::Shard{}.count) {}

SweepResult runSweep(const std::string& spec_path, const SweepSettings& settings,
                     const SweepProgressFunction& progress, const std::atomic<bool>* stop) {
  return translatingErrors([&] {
    if (settings.out_dir.empty()) throw std::invalid_argument("runSweep: out_dir is required");
    if (settings.shard_count < 1 || settings.shard_index < 0 || settings.shard_index >= settings.shard_count)
      throw std::invalid_argument("runSweep: the shard must satisfy 0 <= shard_index < shard_count");
    app::SweepSpec spec = app::loadSweepSpec(spec_path);
    if (!settings.mapper.empty()) spec = app::withMapper(std::move(spec), settings.mapper);
    app::SweepRunOptions options;
    options.out_dir = settings.out_dir;
    options.jobs = settings.jobs;
    options.shard = {settings.shard_index, settings.shard_count};
    app::SweepProgressCallback on_point;
    if (progress) {
      on_point = [&progress](const app::SweepProgress& p) {
        if (!p.point_done && p.layer != 0) return;  // per point, not per layer
        SweepProgressInfo info;
        info.point = p.point;
        info.points = p.points;
        info.id = p.current.id;
        info.done = p.point_done;
        info.status = p.skipped ? "skipped" : p.status;
        progress(info);
      };
    }
    const app::SweepRunSummary run = app::runSweep(spec, options, stop, on_point);
    SweepResult result = resultOf(readSweepFolder(settings.out_dir));
    result.ran = run.ran;
    result.skipped = run.skipped;
    result.failed = run.failed;
    result.complete = run.complete;
    return result;
  });
}

SweepResult mergeSweep(const std::string& dir) {
  return translatingErrors([&] {
    const app::SweepMergeSummary merged = app::mergeSweep(dir);
    SweepResult result = resultOf(readSweepFolder(dir));
    result.complete = merged.missing.empty();
    return result;
  });
}

}  // namespace cosa::api
