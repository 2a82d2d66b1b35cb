#include "app/layer_jobs.hpp"

#include <atomic>
#include <mutex>

#include "common/parallel.hpp"
#include "model/roofline.hpp"

namespace cosa::app {

std::vector<ConstrainedMapSpace> layerSpaces(const Architecture& arch,
                                             const std::vector<NetworkLayer>& layers,
                                             const ConstraintsFor& constraints_for) {
  std::vector<ConstrainedMapSpace> spaces;
  spaces.reserve(layers.size());
  for (const NetworkLayer& layer : layers)
    spaces.emplace_back(arch, layer.workload,
                        constraints_for ? constraints_for(layer.workload) : Constraints{});
  return spaces;
}

std::vector<LayerResult> runLayerJobs(const Architecture& arch, const std::vector<NetworkLayer>& layers,
                                      const std::vector<ConstrainedMapSpace>& spaces,
                                      const EnergyTable& energy, const LayerJobsOptions& options,
                                      const LayerJobProgress& progress) {
  const std::size_t mappers = options.mappers.size();
  const int total = static_cast<int>(layers.size() * mappers);
  std::vector<LayerResult> results(static_cast<std::size_t>(total));
  RunContext context;
  context.stop = options.stop;
  context.seed = options.seed;
  const auto stopped = [&] { return options.stop != nullptr && options.stop->load(); };

  std::atomic<int> done{0};
  std::mutex progress_mutex;
  forEachInParallel(results.size(), options.jobs, [&](std::size_t job) {
    const std::size_t l = job / mappers;
    const Mapper& mapper = *options.mappers[job % mappers];
    LayerResult result;
    if (stopped()) {
      result.message = "not run: interrupted";
    } else {
      static_cast<MapperResult&>(result) = mapper.run(spaces[l], energy, context);
      // A run cut short is no result: report it as not run to the end.
      if (result.interrupted) {
        result.found = false;
        result.message = "interrupted: " + result.message;
      }
    }
    result.mapper = mapper.name();
    result.layer = layers[l].name;
    result.count = layers[l].count;
    result.roofline_cycles = rooflineCycles(arch, layers[l].workload);
    results[job] = std::move(result);
    const int finished = ++done;
    if (progress) {
      std::lock_guard<std::mutex> lock(progress_mutex);
      progress(results[job], job, finished, total);
    }
  });
  return results;
}

}  // namespace cosa::app
