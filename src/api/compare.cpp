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
    spec.mappers = settings.mappers;
    spec.settings = runSettings(settings.schedule, settings.jobs);
    spec.settings.mapper = "cosa";  // compare runs spec.mappers; the settings' own mapper is not used
    (void)app::comparedMappers(spec.mappers, spec.settings);  // unknown names fail before any work
    spec.energy = energyTableFor(settings.schedule.ert, spec.arch);
    spec.networks.push_back(networkFrom(source).network);
    spec.constraints_for = [&](const Workload& workload) {
      return constraintsFor(mapspace, spec.arch, workload);
    };
    const app::CompareResult result = app::compareNetwork(spec, stop);
    return comparisonJson(result.networks, spec.arch.name, result.complete);
  });
}

}  // namespace cosa::api
