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

ScheduleOptions scheduleOptions(const ScheduleSettings& settings) {
  ScheduleOptions options;
  options.backend = solver::makeBackend(settings.backend)->name();  // checks the name first
  options.objective = parseObjective(settings.objective);
  options.time_limit_s = settings.time_limit_s;
  options.relative_gap = settings.gap;
  options.threads = settings.threads;
  options.seed = settings.seed;
  options.polish = settings.polish;
  return options;
}

Mapping scheduledMapping(const cosa::Mapping& mapping, const cosa::Architecture& arch,
                         const Workload& workload) {
  const std::string yaml = mappingToYaml(mapping, arch, workload);
  return Mapping::fromYaml(yaml, "<scheduled mapping>");
}

Network networkFrom(const NetworkSource& source, std::optional<app::OnnxProvenance>* provenance) {
  const int given =
      int(!source.network.empty()) + int(!source.workload_dir.empty()) + int(!source.onnx.empty());
  if (given != 1) throw std::invalid_argument("give exactly one of network, workload or onnx");
  if (!source.network.empty()) return builtinNetwork(source.network);
  if (!source.workload_dir.empty()) return loadWorkloadDir(source.workload_dir);
  OnnxImportOptions options{.batch_size = source.batch, .input_shapes = {}};
  std::vector<std::string> shape_texts;  // as the CLI records them: NAME=D0,D1,...
  for (const auto& [name, dims] : source.input_shapes) {
    options.input_shapes.emplace(name, dims);
    shape_texts.push_back(fmt::format("{}={}", name, fmt::join(dims, ",")));
  }
  OnnxImport imported = importOnnx(source.onnx, options);
  if (imported.network.layers.empty())
    throw cosa::InputError({source.onnx, 0, 0}, "graph",
                           "no Conv, ConvTranspose, Gemm, MatMul or Einsum layer could be imported");
  if (provenance != nullptr)
    *provenance = app::onnxProvenance(source.onnx, source.batch, shape_texts, imported);
  return std::move(imported.network);
}

bool LayerSchedule::found() const { return impl_->result.schedule.found; }
std::string LayerSchedule::message() const { return impl_->result.schedule.message; }
std::string LayerSchedule::note() const { return impl_->result.schedule.note; }

Mapping LayerSchedule::mapping() const {
  if (!found()) throw std::logic_error("no mapping: " + message());
  return scheduledMapping(impl_->result.schedule.mapping, impl_->spec.arch, impl_->spec.workload);
}

std::string LayerSchedule::statsJson() const {
  if (!found()) return {};
  const app::LayerRunSpec& spec = impl_->spec;
  return scheduleStatsJson(impl_->result.schedule, spec.options, spec.arch, spec.workload, spec.energy)
      .dump(2);
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
    spec.options = scheduleOptions(settings);
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
    const ScheduleResult& r = impl_->result.results[i];
    NetworkLayerResult entry{layer.name, layer.count, r.found, r.message, std::nullopt, ""};
    if (r.found) {
      entry.mapping = scheduledMapping(r.mapping, spec.arch, layer.workload);
      entry.stats_json = scheduleStatsJson(r, spec.options, spec.arch, layer.workload, energy).dump(2);
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
    spec.options = scheduleOptions(settings.schedule);
    spec.objective_name = settings.schedule.objective;
    spec.arch = arch.impl().arch;
    spec.arch_label = arch.impl().label;
    if (!settings.schedule.ert.empty()) spec.energy = loadErt(settings.schedule.ert, spec.arch);
    if (mapspace) {
      const cosa::Architecture copy = spec.arch;
      spec.constraints_for = [mapspace, copy](const Workload& workload) {
        return constraintsFor(mapspace, copy, workload);
      };
    }
    spec.jobs = settings.jobs;
    spec.out_dir = settings.out_dir;
    spec.network = networkFrom(source, &spec.onnx);
    app::LayerProgressCallback callback;
    if (progress)
      callback = [&progress](const app::LayerProgress& p) {
        progress({p.finished, p.total, p.layer.name, p.result.found,
                  p.result.found ? scheduleSummaryLine(p.result, p.layer.workload) : p.result.message});
      };
    impl->result = app::runNetwork(spec, stop, callback);
    return NetworkSchedule(impl);
  });
}

}  // namespace cosa::api
