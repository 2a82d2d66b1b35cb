#include "app/layer_run.hpp"

#include <fmt/format.h>

#include <filesystem>

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
  for (ScheduleObjective proxy : proxyObjectives(spec.options.objective)) {
    const CosaFormulation formulation(spec.arch, spec.workload, spec.constraints, proxy);
    const std::string base = (std::filesystem::path(spec.mip_dir) / ("mip." + toString(proxy))).string();
    writeFileAtomically(base + ".lp", solver::toLpFormat(formulation.model()));
    writeFileAtomically(base + ".mps", solver::toMpsFormat(formulation.model(), solver::MpsFormat::Free));
    written.push_back("mip." + toString(proxy) + ".{lp,mps}");
  }
  return written;
}

}  // namespace

LayerRunResult runLayer(const LayerRunSpec& spec) {
  LayerRunResult result;
  if (!spec.mip_dir.empty()) result.mip_files = writeMipFiles(spec);
  result.schedule = scheduleLayer(spec.arch, spec.workload, spec.constraints, spec.energy, spec.options);
  return result;
}

void writeLayerOutputs(const std::string& dir, const LayerRunSpec& spec, const LayerRunResult& result) {
  writeScheduleOutputs(dir, result.schedule, spec.options, spec.arch, spec.workload, spec.energy);
}

std::string layerRunReport(const LayerRunSpec& spec, const LayerRunResult& result) {
  const ScheduleResult& r = result.schedule;
  return scheduleSummaryLine(r, spec.workload) + "\n" +
         fmt::format("solver {} {} in {:.3f} s (gap {}, {} variables, {} constraints); total {:.3f} s\n",
                     spec.options.backend, solver::toString(r.status), r.solve_time_s,
                     r.from_fallback ? std::string("none: sampling fallback") : fmt::format("{:.2g}", r.gap),
                     r.variables, r.constraints, r.total_time_s);
}

}  // namespace cosa::app
