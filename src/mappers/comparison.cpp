#include "mappers/comparison.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <stdexcept>

#include "common/parallel.hpp"
#include "mappers/cosa_scheduler.hpp"
#include "mappers/exhaustive_mapper.hpp"
#include "mappers/hybrid_mapper.hpp"
#include "mappers/random_mapper.hpp"
#include "model/roofline.hpp"

namespace cosa {

namespace {

using MapperFn = std::function<MapperRun(const Architecture&, const Workload&, const Constraints&,
                                         const EnergyTable&, const ComparisonOptions&)>;

MapperRun runCosa(const Architecture& arch, const Workload& workload, const Constraints& constraints,
                  const EnergyTable& energy, const ComparisonOptions& options) {
  ScheduleOptions schedule;
  schedule.time_limit_s = options.cosa_time_limit_s;
  schedule.backend = options.cosa_backend;
  schedule.seed = static_cast<int>(options.seed % 1000000007ULL);
  const ScheduleResult r = scheduleLayer(arch, workload, constraints, energy, schedule);
  MapperRun run;
  run.found = r.found;
  run.message = r.message;
  run.mapping = r.mapping;
  run.evaluation = r.evaluation;
  run.samples = static_cast<std::int64_t>(proxyObjectives(schedule.objective).size());  // MIPs solved
  run.evaluations = r.polish_evaluations + run.samples;
  run.time_s = r.total_time_s;
  run.solver_status = solver::toString(r.status);
  run.solver_backend = schedule.backend;
  if (r.found) run.gap = r.gap;
  return run;
}

MapperRun fromSearch(const SearchResult& r) {
  MapperRun run;
  run.found = r.found;
  run.message = r.message;
  run.mapping = r.mapping;
  run.evaluation = r.evaluation;
  run.samples = r.samples;
  run.evaluations = r.evaluations;
  run.time_s = r.time_s;
  // A search cut short is no baseline: report it as not run to the end.
  if (r.interrupted) {
    run.found = false;
    run.message = "interrupted: " + r.message;
  }
  return run;
}

MapperRun runRandom(const Architecture& arch, const Workload& workload, const Constraints& constraints,
                    const EnergyTable& energy, const ComparisonOptions& options) {
  RandomMapperOptions random;
  random.valid_target = options.random_valid;
  random.seed = options.seed;
  return fromSearch(randomMapper(arch, workload, constraints, energy, random));
}

MapperRun runHybrid(const Architecture& arch, const Workload& workload, const Constraints& constraints,
                    const EnergyTable& energy, const ComparisonOptions& options) {
  HybridMapperOptions hybrid;
  hybrid.search_size = options.hybrid_search_size;
  hybrid.victory_condition = options.hybrid_victory_condition;
  hybrid.seed = options.seed;
  // The paper's Timeloop runs used several threads; the search splits its budget the same way.
  hybrid.threads = options.hybrid_threads;
  hybrid.stop = options.stop;
  if (options.hybrid_timeloop_sampling) hybrid.sampler = TilingSampler::Timeloop;
  return fromSearch(hybridMapper(arch, workload, constraints, energy, hybrid));
}

MapperRun runExhaustive(const Architecture& arch, const Workload& workload, const Constraints& constraints,
                        const EnergyTable& energy, const ComparisonOptions& options) {
  ExhaustiveOptions exhaustive;
  exhaustive.max_evaluations = options.exhaustive_max_evaluations;
  exhaustive.stop = options.stop;
  return fromSearch(exhaustiveMapper(arch, workload, constraints, energy, exhaustive));
}

const std::map<std::string, MapperFn>& registry() {
  static const std::map<std::string, MapperFn> mappers{
      {"cosa", runCosa}, {"random", runRandom}, {"hybrid", runHybrid}, {"exhaustive", runExhaustive}};
  return mappers;
}

}  // namespace

std::vector<std::string> comparisonMapperNames() {
  std::vector<std::string> names;
  for (const auto& [name, fn] : registry()) names.push_back(name);
  return names;
}

std::vector<MapperRun> compareMappers(const Architecture& arch, const std::vector<NetworkLayer>& layers,
                                      const ConstraintsFor& constraints_for, const EnergyTable& energy,
                                      const ComparisonOptions& options, const ProgressCallback& progress) {
  for (const std::string& name : options.mappers)
    if (!registry().count(name)) {
      std::string known;
      for (const std::string& k : comparisonMapperNames()) known += (known.empty() ? "" : ", ") + k;
      throw std::invalid_argument("unknown mapper '" + name + "' (expected one of: " + known + ")");
    }
  const int total = static_cast<int>(layers.size() * options.mappers.size());
  std::vector<MapperRun> runs(total);
  std::vector<Constraints> constraints;
  for (const NetworkLayer& layer : layers) constraints.push_back(constraints_for(layer.workload));

  std::atomic<int> done{0};
  std::mutex progress_mutex;
  forEachInParallel(static_cast<std::size_t>(total), options.jobs, [&](std::size_t task) {
    const std::size_t l = static_cast<std::size_t>(task) / options.mappers.size();
    const std::string& name = options.mappers[static_cast<std::size_t>(task) % options.mappers.size()];
    MapperRun run;
    if (options.stop != nullptr && options.stop->load()) {
      run.message = "not run: interrupted";
    } else {
      run = registry().at(name)(arch, layers[l].workload, constraints[l], energy, options);
    }
    run.mapper = name;
    run.layer = layers[l].name;
    run.count = layers[l].count;
    run.roofline_cycles = rooflineCycles(arch, layers[l].workload);
    runs[task] = std::move(run);
    const int finished = ++done;
    if (progress) {
      std::lock_guard<std::mutex> lock(progress_mutex);
      progress(runs[task], finished, total);
    }
  });
  return runs;
}

}  // namespace cosa
