#include <fmt/format.h>

#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "arch/arch_yaml.hpp"
#include "cli/commands.hpp"
#include "cli/input_options.hpp"
#include "cli/scheduler_options.hpp"
#include "common/atomic_file.hpp"
#include "mappers/cosa_formulation.hpp"
#include "mappers/cosa_scheduler.hpp"
#include "mapping/constraints_yaml.hpp"
#include "mapping/loop_nest.hpp"
#include "mapping/mapping_yaml.hpp"
#include "report/schedule_report.hpp"
#include "workload/problem_yaml.hpp"

namespace cosa::cli {

namespace {

struct ScheduleCliOptions {
  InputPaths inputs;
  std::string out;
  std::string ert;
  SchedulerCliOptions scheduler;
  bool write_mip = false;
};

// Every MIP the schedule solves, as CPLEX LP and free MPS files, for other solvers (Gurobi, HiGHS,
// CPLEX) or for reading. Written before solving, so an infeasible model can be inspected too.
std::vector<std::string> writeMipFiles(const std::string& out, const Architecture& arch,
                                       const Workload& workload, const Constraints& constraints,
                                       ScheduleObjective objective) {
  std::vector<std::string> written;
  for (ScheduleObjective proxy : proxyObjectives(objective)) {
    const CosaFormulation formulation(arch, workload, constraints, proxy);
    const std::string base = (std::filesystem::path(out) / ("mip." + toString(proxy))).string();
    writeFileAtomically(base + ".lp", solver::toLpFormat(formulation.model()));
    writeFileAtomically(base + ".mps", solver::toMpsFormat(formulation.model(), solver::MpsFormat::Free));
    written.push_back("mip." + toString(proxy) + ".{lp,mps}");
  }
  return written;
}

int runSchedule(const ScheduleCliOptions& o) {
  const ScheduleOptions options = toScheduleOptions(o.scheduler);
  LoadedInputs inputs("schedule", o.inputs);
  const Architecture arch = loadArchitecture(inputs.preferring(o.inputs.arch));
  const Workload workload = loadProblem(inputs.preferring(o.inputs.problem));
  // Constraints from any input file (as Timeloop), the --mapspace files first; --mapspace files
  // without any constraint section are an error.
  const InputFiles constraint_files = inputs.preferring(o.inputs.mapspace);
  const Constraints constraints = !o.inputs.mapspace.empty() || hasConstraints(constraint_files)
                                      ? parseConstraints(constraint_files, arch, workload)
                                      : Constraints{};
  const EnergyTable energy = o.ert.empty() ? builtinEnergyTable(arch) : loadErt(o.ert, arch);
  inputs.finish();

  std::vector<std::string> mip_files;
  if (o.write_mip) mip_files = writeMipFiles(o.out, arch, workload, constraints, options.objective);
  const ScheduleResult result = scheduleLayer(arch, workload, constraints, energy, options);
  for (const std::string& file : mip_files)
    std::cerr << "cosa schedule: wrote " << o.out << "/" << file << "\n";
  if (!result.found) {
    std::cerr << "cosa schedule: " << result.message << "\n";
    return kExitInvalidMapping;
  }
  writeScheduleOutputs(o.out, result, options, arch, workload, energy);
  if (!result.note.empty()) std::cerr << "cosa schedule: note: " << result.note << "\n";
  std::cout << scheduleSummaryLine(result, workload) << "\n"
            << fmt::format(
                   "solver {} {} in {:.3f} s (gap {}, {} variables, {} constraints); total {:.3f} s\n"
                   "wrote {}/mapping.yaml, problem.yaml, stats.json, loopnest.txt\n",
                   options.backend, solver::toString(result.status), result.solve_time_s,
                   result.from_fallback ? std::string("none: sampling fallback")
                                        : fmt::format("{:.2g}", result.gap),
                   result.variables, result.constraints, result.total_time_s, o.out);
  return kExitOk;
}

}  // namespace

Action registerSchedule(CLI::App& app) {
  auto o = std::make_shared<ScheduleCliOptions>();
  CLI::App* sub = app.add_subcommand("schedule", "Schedule one layer with the CoSA MIP");
  addFilesOption(*sub, "--arch", o->inputs.arch,
                 "Architecture (Accelergy component files are accepted and ignored)")
      ->required();
  addFilesOption(*sub, "--problem", o->inputs.problem,
                 "Problem (layer); optional when another input file holds the problem section");
  addFilesOption(*sub, "--mapspace", o->inputs.mapspace,
                 "Mapspace and architecture constraints (bypass pattern, fixed factors/orders); constraint "
                 "sections in the other input files apply too, as in Timeloop");
  sub->add_option("--out", o->out, "Output folder")->required();
  sub->add_option("--ert", o->ert, "Accelergy energy reference table (overrides built-in energies)");
  addSchedulerOptions(*sub, o->scheduler, /*with_threads=*/true);
  sub->add_flag(
      "--write-mip", o->write_mip,
      "Also write each MIP solved to OUT/mip.<objective>.lp and .mps (CPLEX LP, free MPS), for other "
      "solvers");
  return [sub, o]() -> int {
    if (!sub->parsed()) return -1;
    return runSchedule(*o);
  };
}

}  // namespace cosa::cli
