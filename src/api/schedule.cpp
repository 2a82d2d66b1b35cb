// The scheduler component of the public API: schedule one layer and whole networks, over the
// application layer (app/layer_run, app/network_run).
#include "cosa/schedule.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "api/internal.hpp"
#include "api/scheduling.hpp"
#include "app/layer_run.hpp"
#include "app/network_run.hpp"
#include "io/network/network_yaml.hpp"
#include "io/onnx/onnx_import.hpp"
#include "io/results/schedule_report.hpp"
#include "io/timeloop/ert.hpp"
#include "io/timeloop/mapping_yaml.hpp"
#include "solver/mip.hpp"
#include "workload/network.hpp"

namespace cosa::api {

namespace detail {

struct LayerScheduleImpl {
  app::LayerRunSpec spec;
  app::LayerRunResult result;
};

struct NetworkScheduleImpl {
  app::NetworkRunSpec spec;
  app::NetworkRunResult result;
};

}  // namespace detail

Mapping scheduledMapping(const cosa::Mapping& mapping, const cosa::Architecture& arch,
                         const Workload& workload) {
  const std::string yaml = mappingToYaml(mapping, arch, workload);
  return Mapping::fromYaml(yaml, "<scheduled mapping>");
}

app::ResolvedNetwork networkFrom(const NetworkSource& source) {
  return app::resolveNetwork(
      {source.network, source.workload_dir, source.onnx, source.batch, source.input_shapes});
}

bool LayerSchedule::found() const { return impl_->result.layer.found; }
std::string LayerSchedule::message() const { return impl_->result.layer.message; }
std::string LayerSchedule::note() const { return resultNote(impl_->result.layer); }

Mapping LayerSchedule::mapping() const {
  if (!found()) throw std::logic_error("no mapping: " + message());
  return scheduledMapping(impl_->result.layer.mapping, impl_->spec.arch, impl_->spec.workload);
}

std::string LayerSchedule::statsJson() const {
  if (!found()) return {};
  const app::LayerRunSpec& spec = impl_->spec;
  return layerStatsJson(impl_->result.layer, spec.arch, spec.workload, spec.energy).dump(2);
}

std::string LayerSchedule::report() const {
  return found() ? app::layerRunReport(impl_->spec, impl_->result) : message() + "\n";
}

void LayerSchedule::write(const std::string& dir) const {
  if (!found()) throw std::logic_error("no mapping to write: " + message());
  app::writeLayerOutputs(dir, impl_->spec, impl_->result);
}

LayerSchedule schedule(const Architecture& arch, const Problem& problem,
                       const std::optional<Mapspace>& mapspace, const ScheduleSettings& settings) {
  return translatingErrors([&] {
    auto impl = std::make_shared<detail::LayerScheduleImpl>();
    app::LayerRunSpec& spec = impl->spec;
    spec.settings = runSettings(settings);
    spec.arch = arch.impl().arch;
    spec.workload = problem.impl().workload;
    spec.constraints = constraintsFor(mapspace, spec.arch, spec.workload);
    spec.energy = energyTableFor(settings.ert, spec.arch);
    impl->result = app::runLayer(spec);
    return LayerSchedule(impl);
  });
}

std::string NetworkSchedule::summaryJson() const {
  return app::networkSummaryJson(impl_->spec, impl_->result).dump(2);
}

std::string NetworkSchedule::summaryMarkdown() const {
  return app::networkSummaryMarkdown(impl_->spec, impl_->result) + app::networkImportNote(impl_->spec);
}

std::vector<NetworkLayerResult> NetworkSchedule::layers() const {
  const app::NetworkRunSpec& spec = impl_->spec;
  const EnergyTable energy = spec.energy ? *spec.energy : builtinEnergyTable(spec.arch);
  std::vector<NetworkLayerResult> layers;
  for (std::size_t i = 0; i < impl_->result.layers.size(); ++i) {
    const NetworkLayer& layer = impl_->result.layers[i];
    const LayerResult& r = impl_->result.results[i];
    NetworkLayerResult entry{layer.name, layer.count, r.found, r.message, std::nullopt, ""};
    if (r.found) {
      entry.mapping = scheduledMapping(r.mapping, spec.arch, layer.workload);
      entry.stats_json = layerStatsJson(r, spec.arch, layer.workload, energy).dump(2);
    }
    layers.push_back(std::move(entry));
  }
  return layers;
}

bool NetworkSchedule::interrupted() const { return impl_->result.interrupted; }
bool NetworkSchedule::complete() const { return impl_->result.complete; }
int NetworkSchedule::failedLayers() const { return impl_->result.failed; }

void NetworkSchedule::writeSummary(const std::string& dir) const {
  app::NetworkRunSpec spec = impl_->spec;
  spec.out_dir = dir;
  app::writeNetworkSummary(spec, impl_->result);
}

NetworkSchedule scheduleNetwork(const Architecture& arch, const NetworkSource& source,
                                const std::optional<Mapspace>& mapspace, const NetworkSettings& settings,
                                const ProgressFunction& progress, const std::atomic<bool>* stop) {
  return translatingErrors([&] {
    auto impl = std::make_shared<detail::NetworkScheduleImpl>();
    app::NetworkRunSpec& spec = impl->spec;
    spec.settings = runSettings(settings.schedule, settings.jobs);
    spec.arch = arch.impl().arch;
    spec.arch_label = arch.impl().label;
    if (!settings.schedule.ert.empty()) spec.energy = loadErt(settings.schedule.ert, spec.arch);
    if (mapspace) {
      const cosa::Architecture copy = spec.arch;
      spec.constraints_for = [mapspace, copy](const Workload& workload) {
        return constraintsFor(mapspace, copy, workload);
      };
    }
    spec.out_dir = settings.out_dir;
    app::ResolvedNetwork resolved = networkFrom(source);
    spec.network = std::move(resolved.network);
    spec.onnx = std::move(resolved.onnx);
    app::LayerProgressCallback callback;
    if (progress)
      callback = [&progress](const app::LayerProgress& p) {
        progress({p.finished, p.total, p.layer.name, p.result.found,
                  p.result.found
                      ? layerSummaryLine(p.result.evaluation, p.result.roofline_cycles, p.layer.name)
                      : p.result.message});
      };
    impl->result = app::runNetwork(spec, stop, callback);
    return NetworkSchedule(impl);
  });
}

}  // namespace cosa::api
