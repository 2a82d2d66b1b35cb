#include "app/layer_run.hpp"

#include <fmt/format.h>

#include <filesystem>

#include "app/layer_jobs.hpp"
#include "io/atomic_file.hpp"
#include "io/results/schedule_report.hpp"
#include "mappers/cosa_formulation.hpp"
#include "solver/mip.hpp"

namespace cosa::app {

namespace {

// Every MIP the schedule solves, as CPLEX LP and free MPS files, for other solvers (Gurobi, HiGHS,
// CPLEX) or for reading.
std::vector<std::string> writeMipFiles(const LayerRunSpec& spec) {
  std::vector<std::string> written;
  for (ScheduleObjective proxy : proxyObjectives(spec.settings.mappers.cosa.objective)) {
    const CosaFormulation formulation(spec.arch, spec.workload, spec.constraints, proxy);
    const std::string base = (std::filesystem::path(spec.mip_dir) / ("mip." + toString(proxy))).string();
    writeFileAtomically(base + ".lp", solver::toLpFormat(formulation.model()));
    writeFileAtomically(base + ".mps", solver::toMpsFormat(formulation.model(), solver::MpsFormat::Free));
    written.push_back("mip." + toString(proxy) + ".{lp,mps}");
  }
  return written;
}

// The solver line of a cosa schedule.
std::string solverLine(const MapperResult::CosaDetails& cosa) {
  const ScheduleResult& r = cosa.schedule;
  return fmt::format("solver {} {} in {:.3f} s (gap {}, {} variables, {} constraints); total {:.3f} s\n",
                     cosa.options.backend, solver::toString(r.status), r.solve_time_s,
                     r.from_fallback ? std::string("none: sampling fallback") : fmt::format("{:.2g}", r.gap),
                     r.variables, r.constraints, r.total_time_s);
}

// The search line of a search mapper's result.
std::string searchLine(const LayerResult& r) {
  return fmt::format("mapper {}: {} samples, {} evaluations, {} valid in {:.3f} s{}\n", r.mapper, r.samples,
                     r.evaluations, r.valid, r.time_s, r.message.empty() ? "" : " (" + r.message + ")");
}

}  // namespace

LayerRunResult runLayer(const LayerRunSpec& spec, const std::atomic<bool>* stop) {
  LayerRunResult result;
  if (!spec.mip_dir.empty() && spec.settings.mapper == "cosa") result.mip_files = writeMipFiles(spec);
  const std::vector<NetworkLayer> layers{{spec.workload.name, spec.workload, 1}};
  const std::vector<ConstrainedMapSpace> spaces{
      ConstrainedMapSpace(spec.arch, spec.workload, spec.constraints)};
  LayerJobsOptions options;
  options.mappers = {runMapper(spec.settings)};
  options.seed = spec.settings.seed;
  options.stop = stop;
  result.layer = runLayerJobs(spec.arch, layers, spaces, spec.energy, options).front();
  return result;
}

void writeLayerOutputs(const std::string& dir, const LayerRunSpec& spec, const LayerRunResult& result) {
  cosa::writeLayerOutputs(dir, result.layer, spec.arch, spec.workload, spec.energy);
}

std::string layerRunReport(const LayerRunSpec& spec, const LayerRunResult& result) {
  const LayerResult& r = result.layer;
  return layerSummaryLine(r.evaluation, r.roofline_cycles, spec.workload.name) + "\n" +
         (r.cosa ? solverLine(*r.cosa) : searchLine(r));
}

}  // namespace cosa::app
