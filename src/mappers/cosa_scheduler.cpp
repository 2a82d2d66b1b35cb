#include "mappers/cosa_scheduler.hpp"

#include <fmt/format.h>

#include <chrono>
#include <string>
#include <vector>

#include "mappers/local_search.hpp"
#include "mappers/random_mapper.hpp"
#include "model/evaluator.hpp"
#include "model/roofline.hpp"

namespace cosa {

namespace {

double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Pushes factors outward, one prime at a time, from the innermost level the model rejects, until
// the mapping is valid. The MIP's capacity rows are conservative, so this is a safety net.
bool repair(Evaluator& evaluator, Mapping& mapping) {
  const int levels = static_cast<int>(mapping.levels.size());
  const int dims = evaluator.workload().numDims();
  for (int attempt = 0; attempt < 256; ++attempt) {
    const std::string error = evaluator.checkValidity(mapping);
    if (error.empty()) return true;
    bool moved = false;
    for (int l = 0; l + 1 < levels && !moved; ++l) {
      if (error.find("level " + evaluator.arch().levels[l].name + ":") == std::string::npos) continue;
      for (int d = 0; d < dims && !moved; ++d) {
        for (std::int64_t* factor : {&mapping.levels[l].spatial[d], &mapping.levels[l].temporal[d]}) {
          if (*factor == 1) continue;
          std::int64_t p = 2;
          while (*factor % p != 0) ++p;
          *factor /= p;
          mapping.levels[l + 1].temporal[d] *= p;
          moved = true;
          break;
        }
      }
    }
    if (!moved) return false;
  }
  return false;
}

}  // namespace

double scheduleScore(ScheduleObjective objective, const Evaluation& e) {
  const double cycles = static_cast<double>(e.cycles);
  switch (objective) {
    case ScheduleObjective::Energy:
      return e.energy_pJ * (1 + 1e-9 * cycles);
    case ScheduleObjective::Edp:
      return e.energy_pJ * cycles;
    case ScheduleObjective::Latency:
    case ScheduleObjective::CosaPaper:
      return cycles * (1 + 1e-12 * e.energy_pJ);
  }
  return cycles;
}

namespace {

FrozenParts frozenByConstraints(const Architecture& arch, const Workload& workload,
                                const Constraints& constraints) {
  FrozenParts frozen{
      std::vector<bool>(arch.numLevels(), false),
      std::vector<std::vector<bool>>(arch.numLevels(), std::vector<bool>(workload.numDims(), false)),
      std::vector<std::vector<bool>>(arch.numLevels(), std::vector<bool>(workload.numDims(), false))};
  for (const LevelConstraint& c : constraints.items) {
    if (c.kind == ConstraintKind::Bypass) continue;
    if (!c.permutation.empty()) frozen.permutation[c.level] = true;
    for (const auto& [dim, factor] : c.factors)
      (c.kind == ConstraintKind::Spatial ? frozen.spatial : frozen.temporal)[c.level][dim] = true;
  }
  return frozen;
}

// Which requirements cannot be met: every group of rows whose removal alone makes the MIP
// feasible (capacity of a level, a fan-out, a fixed factor).
std::string explainInfeasibility(const CosaFormulation& formulation, solver::Backend& backend) {
  solver::SolveOptions quick;
  quick.time_limit_s = 2;
  quick.relative_gap = 1.0;  // any feasible point will do
  std::vector<std::string> culprits;
  for (const CosaFormulation::RowGroup& g : formulation.rowGroups()) {
    solver::Model relaxed = formulation.model();
    for (int row : g.rows) relaxed.relaxRow(row);
    if (backend.solve(relaxed, quick).hasSolution()) culprits.push_back(g.description);
  }
  if (culprits.empty()) return "no single requirement is to blame; several conflict (the MIP is infeasible)";
  if (culprits.size() == 1) return "cannot meet " + culprits.front();
  // Each of these alone is satisfiable; together they are not, so any one of them is a fix.
  std::string message = "cannot meet " + culprits.front();
  for (std::size_t i = 1; i < culprits.size(); ++i)
    message += (i + 1 == culprits.size() ? " and " : ", ") + culprits[i];
  return message + " together (relaxing any one of them would allow a mapping)";
}

// One MIP (built with the `proxy` objective), decoded, repaired if needed, polished for `goal`.
ScheduleResult solveOneProxy(const Architecture& arch, const Workload& workload,
                             const Constraints& constraints, Evaluator& evaluator,
                             const ScheduleOptions& options, ScheduleObjective proxy, bool polish) {
  const auto start = std::chrono::steady_clock::now();
  ScheduleResult result;
  result.proxy = proxy;
  CosaFormulation formulation(arch, workload, constraints, proxy);
  result.variables = formulation.model().numVariables();
  result.constraints = formulation.model().numRows();
  auto backend = solver::makeBackend(options.backend);
  solver::SolveOptions solve_options;
  solve_options.time_limit_s = options.time_limit_s;
  solve_options.relative_gap = options.relative_gap;
  solve_options.threads = options.threads;
  solve_options.seed = options.seed;
  const auto before_solve = std::chrono::steady_clock::now();
  const solver::Solution solution = backend->solve(formulation.model(), solve_options);
  // A backend may queue solves from several threads; that wait is not this layer's time.
  const double waited = std::max(0.0, secondsSince(before_solve) - solution.time_s);
  auto finish = [&](ScheduleResult& r) { r.total_time_s = secondsSince(start) - waited; };
  result.status = solution.status;
  result.objective = solution.objective;
  result.bound = solution.bound;
  result.gap = solution.gap;
  result.solve_time_s = solution.time_s;
  if (!solution.hasSolution()) {
    result.message =
        solution.status == solver::Status::Infeasible
            ? "no mapping satisfies the constraints: " + explainInfeasibility(formulation, *backend)
            : "the solver found no schedule within the time limit: " + solution.message;
    finish(result);
    return result;
  }
  if (solution.status == solver::Status::Feasible)
    result.note = fmt::format(
        "not proven optimal: the solver {} (relative gap {:.3g}); this is the best valid "
        "schedule it found",
        solution.message, solution.gap);
  result.mapping = formulation.decode(solution.values);
  if (!evaluator.checkValidity(result.mapping).empty()) {
    result.repaired = repair(evaluator, result.mapping);
    if (!result.repaired) {
      result.message = "the decoded schedule is invalid and could not be repaired: " +
                       evaluator.checkValidity(result.mapping);
      finish(result);
      return result;
    }
  }
  result.unpolished = evaluator.evaluate(result.mapping);
  result.evaluation = result.unpolished;
  if (polish) {
    const ScheduleObjective goal = options.objective;
    LocalSearchResult polished = polishMapping(
        evaluator, result.mapping, [goal](const Evaluation& e) { return scheduleScore(goal, e); },
        options.polish_evaluations, frozenByConstraints(arch, workload, constraints));
    result.mapping = polished.mapping;
    result.evaluation = polished.evaluation;
    result.polish_evaluations = polished.evaluations;
  }
  result.found = result.evaluation.valid;
  finish(result);
  return result;
}

// The solver hit its time limit before any feasible point: rather than nothing, the best of a few
// valid mappings sampled from the constrained mapspace, polished on the exact model.
void fallBackToSampling(const Architecture& arch, const Workload& workload, const Constraints& constraints,
                        const EnergyTable& energy, Evaluator& evaluator, const ScheduleOptions& options,
                        ScheduleResult& result) {
  RandomMapperOptions sampling;
  sampling.valid_target = 5;
  sampling.seed = static_cast<std::uint64_t>(options.seed);
  const SearchResult sampled = randomMapper(arch, workload, constraints, energy, sampling);
  if (!sampled.found) return;
  const ScheduleObjective goal = options.objective;
  const LocalSearchResult polished = polishMapping(
      evaluator, sampled.mapping, [goal](const Evaluation& e) { return scheduleScore(goal, e); },
      options.polish_evaluations, frozenByConstraints(arch, workload, constraints));
  result.found = polished.evaluation.valid;
  result.mapping = polished.mapping;
  result.evaluation = polished.evaluation;
  result.unpolished = sampled.evaluation;
  result.polish_evaluations += polished.evaluations;
  result.from_fallback = result.found;
  result.note = fmt::format(
      "the solver found no schedule within its time limit ({} s); this is the best of {} valid sampled "
      "mappings, polished on the cost model: valid, but likely far from optimal (raise --time-limit)",
      options.time_limit_s, sampled.valid);
}

}  // namespace

std::vector<ScheduleObjective> proxyObjectives(ScheduleObjective objective) {
  if (objective == ScheduleObjective::CosaPaper) return {ScheduleObjective::CosaPaper};
  // Measured on the bundled networks: neither log-space proxy dominates the other once the
  // schedules are polished on the exact model, so both are solved and the better one kept.
  return {objective, ScheduleObjective::CosaPaper};
}

ScheduleResult scheduleLayer(const Architecture& arch, const Workload& workload,
                             const Constraints& constraints, const EnergyTable& energy,
                             const ScheduleOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  Evaluator evaluator(arch, workload, energy);
  const bool polish = polishes(options);
  ScheduleResult best;
  double solve_time = 0, busy_time = 0;
  std::int64_t polish_evaluations = 0;
  for (ScheduleObjective proxy : proxyObjectives(options.objective)) {
    ScheduleResult candidate = solveOneProxy(arch, workload, constraints, evaluator, options, proxy, polish);
    solve_time += candidate.solve_time_s;
    busy_time += candidate.total_time_s;
    polish_evaluations += candidate.polish_evaluations;
    const bool better =
        candidate.found && (!best.found || scheduleScore(options.objective, candidate.evaluation) <
                                               scheduleScore(options.objective, best.evaluation));
    if (better || (!best.found && best.message.empty())) best = std::move(candidate);
  }
  best.solve_time_s = solve_time;
  best.polish_evaluations = polish_evaluations;
  if (!best.found && best.status == solver::Status::NoSolutionFound) {
    const auto fallback_start = std::chrono::steady_clock::now();
    fallBackToSampling(arch, workload, constraints, energy, evaluator, options, best);
    busy_time += secondsSince(fallback_start);
  }
  best.roofline_cycles = rooflineCycles(arch, workload);
  // Time this layer kept a core busy (not time spent queueing for a shared solver).
  best.total_time_s = std::min(secondsSince(start), busy_time + 1e-6);
  return best;
}

}  // namespace cosa
