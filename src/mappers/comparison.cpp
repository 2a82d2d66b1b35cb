#include "mappers/comparison.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <stdexcept>

#include "common/parallel.hpp"
#include "model/roofline.hpp"

namespace cosa {

std::vector<MapperRun> compareMappers(const Architecture& arch, const std::vector<NetworkLayer>& layers,
                                      const ConstraintsFor& constraints_for, const EnergyTable& energy,
                                      const ComparisonOptions& options, const ProgressCallback& progress) {
  const int total = static_cast<int>(layers.size() * options.mappers.size());
  std::vector<MapperRun> runs(total);
  std::vector<ConstrainedMapSpace> spaces;
  for (const NetworkLayer& layer : layers)
    spaces.emplace_back(arch, layer.workload, constraints_for(layer.workload));
  RunContext context;
  context.stop = options.stop;
  context.seed = options.seed;

  std::atomic<int> done{0};
  std::mutex progress_mutex;
  forEachInParallel(static_cast<std::size_t>(total), options.jobs, [&](std::size_t task) {
    const std::size_t l = static_cast<std::size_t>(task) / options.mappers.size();
    const Mapper& mapper = *options.mappers[static_cast<std::size_t>(task) % options.mappers.size()];
    MapperRun run;
    if (options.stop != nullptr && options.stop->load()) {
      run.message = "not run: interrupted";
    } else {
      static_cast<MapperResult&>(run) = mapper.run(spaces[l], energy, context);
      // A search cut short is no baseline: report it as not run to the end.
      if (run.interrupted) {
        run.found = false;
        run.message = "interrupted: " + run.message;
      }
    }
    run.mapper = mapper.name();
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
