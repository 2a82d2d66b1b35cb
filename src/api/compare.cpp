// compareJson: the public API's comparison, over the application layer's compareNetwork (as
// `cosa compare`), with the command's mapper defaults; nothing is written to disk.
#include "api/internal.hpp"
#include "api/scheduling.hpp"
#include "app/compare_run.hpp"
#include "io/results/comparison_report.hpp"
#include "solver/mip.hpp"

namespace cosa::api {

std::string compareJson(const Architecture& architecture, const NetworkSource& source,
                        const std::optional<Mapspace>& mapspace, const CompareSettings& settings,
                        const std::atomic<bool>* stop) {
  return translatingErrors([&] {
    app::CompareSpec spec;
    spec.arch = architecture.impl().arch;
    app::CompareMapperOptions mapper_options;
    mapper_options.time_limit_s = settings.time_limit_s;
    mapper_options.backend = solver::makeBackend(settings.backend)->name();
    spec.mappers = app::comparedMappers(settings.mappers, mapper_options);
    spec.jobs = settings.jobs;
    spec.seed = settings.seed;
    spec.energy = energyTableFor(settings.ert, spec.arch);
    spec.networks.push_back(networkFrom(source, nullptr));
    spec.constraints_for = [&](const Workload& workload) {
      return constraintsFor(mapspace, spec.arch, workload);
    };
    const app::CompareResult result = app::compareNetwork(spec, stop);
    return comparisonJson(result.networks, spec.arch.name, result.complete);
  });
}

}  // namespace cosa::api
