// compareJson: the one place the public API reaches the comparison engine, so that it can be
// re-pointed at the application layer's compareNetwork in one function.
#include "api/internal.hpp"
#include "api/scheduling.hpp"
#include "mappers/comparison.hpp"
#include "report/comparison_report.hpp"
#include "solver/mip.hpp"

namespace cosa::api {

std::string compareJson(const Architecture& architecture, const NetworkSource& source,
                        const std::optional<Mapspace>& mapspace, const CompareSettings& settings,
                        const std::atomic<bool>* stop) {
  return translatingErrors([&] {
    const cosa::Architecture& arch = architecture.impl().arch;
    ComparisonOptions options;
    options.mappers = settings.mappers;
    options.jobs = settings.jobs;
    options.seed = settings.seed;
    options.cosa_time_limit_s = settings.time_limit_s;
    options.cosa_backend = solver::makeBackend(settings.backend)->name();
    options.stop = stop;
    const Network network = networkFrom(source, nullptr);
    const EnergyTable energy = energyTableFor(settings.ert, arch);
    const ConstraintsFor constraints_for = [&](const Workload& workload) {
      return constraintsFor(mapspace, arch, workload);
    };
    std::vector<NetworkComparison> results;
    results.push_back(
        {network.name, compareMappers(arch, uniqueLayers(network), constraints_for, energy, options)});
    const bool complete = stop == nullptr || !stop->load();
    return comparisonJson(results, arch.name, complete);
  });
}

}  // namespace cosa::api
