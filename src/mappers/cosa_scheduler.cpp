#include "mappers/cosa_scheduler.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "mappers/factor_space.hpp"
#include "mappers/local_search.hpp"
#include "mappers/random_mapper.hpp"
#include "model/evaluator.hpp"
#include "model/roofline.hpp"

namespace cosa {

namespace {

double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

bool stopRequested(const std::atomic<bool>* stop) { return stop != nullptr && stop->load(); }

// Polishing and refinement (local_search.hpp) take no stop flag, but call their score for every
// valid mapping they evaluate: the score checks the flag every 64 calls and throws this, which
// unlessStopped() catches at the call site. The search's progress in that call is dropped; the
// caller keeps the valid mapping it started from.
struct PolishStopped {};

MappingScore stoppable(MappingScore score, const std::atomic<bool>* stop) {
  if (stop == nullptr) return score;
  return [score = std::move(score), stop, calls = std::uint32_t{0}](const Evaluation& e) mutable {
    if ((++calls & 63) == 0 && stop->load(std::memory_order_relaxed)) throw PolishStopped{};
    return score(e);
  };
}

template <class Search>
std::optional<LocalSearchResult> unlessStopped(const Search& search) {
  try {
    return search();
  } catch (const PolishStopped&) {
    return std::nullopt;
  }
}

// Pushes factors outward, one prime at a time, from the innermost level the model rejects, until
// the mapping is valid; where no factor can move, bypasses a data space the level may bypass. The
// Conservative MIP's solutions need this only for rounding; the Relaxed MIP's ones often do.
bool repair(Evaluator& evaluator, const FrozenParts& frozen, Mapping& mapping) {
  const int levels = static_cast<int>(mapping.levels.size());
  const int dims = evaluator.workload().numDims();
  auto isFrozen = [&](const std::vector<std::vector<bool>>& table, int l, int d) {
    return !table.empty() && table[l][d];
  };
  for (int attempt = 0; attempt < 256; ++attempt) {
    const std::string error = evaluator.checkValidity(mapping);
    if (error.empty()) return true;
    bool moved = false;
    for (int l = 0; l + 1 < levels && !moved; ++l) {
      if (error.find("level " + evaluator.arch().levels[l].name + ":") == std::string::npos) continue;
      for (int d = 0; d < dims && !moved; ++d) {
        if (isFrozen(frozen.temporal, l + 1, d)) continue;
        for (bool spatial : {true, false}) {
          std::int64_t& factor = spatial ? mapping.levels[l].spatial[d] : mapping.levels[l].temporal[d];
          if (factor == 1 || isFrozen(spatial ? frozen.spatial : frozen.temporal, l, d)) continue;
          std::int64_t p = 2;
          while (factor % p != 0) ++p;
          factor /= p;
          mapping.levels[l + 1].temporal[d] *= p;
          moved = true;
          break;
        }
      }
      for (std::size_t ds = 0; !moved && !frozen.keep.empty() && ds < frozen.keep[l].size(); ++ds)
        if (!frozen.keep[l][ds] && mapping.levels[l].keep[ds]) {
          mapping.levels[l].keep[ds] = false;
          moved = true;
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
    case ScheduleObjective::EnergyModel:
      return e.energy_pJ * (1 + 1e-9 * cycles);
    case ScheduleObjective::Edp:
      return e.energy_pJ * cycles;
    case ScheduleObjective::Latency:
    case ScheduleObjective::CosaPaper:
      return cycles * (1 + 1e-12 * e.energy_pJ);
    case ScheduleObjective::LastLevelAccesses:
      return metricValue(objective, e) * (1 + 1e-12 * cycles);
  }
  return cycles;
}

namespace {

// Which requirements cannot be met: every group of rows whose removal alone makes the MIP
// feasible (capacity of a level, a fan-out, a fixed factor). A stop request ends the search for
// culprits: the message then says the explanation was cut short.
std::string explainInfeasibility(const CosaFormulation& formulation, solver::Backend& backend,
                                 const std::atomic<bool>* stop) {
  solver::SolveOptions quick;
  quick.time_limit_s = 2;
  quick.relative_gap = 1.0;  // any feasible point will do
  quick.stop = stop;
  std::vector<std::string> culprits;
  for (const CosaFormulation::RowGroup& g : formulation.rowGroups()) {
    if (stopRequested(stop)) return "the MIP is infeasible (the explanation was cut short: interrupted)";
    solver::Model relaxed = formulation.model();
    for (int row : g.rows) relaxed.relaxRow(row);
    const solver::Solution solution = backend.solve(relaxed, quick);
    if (solution.interrupted) return "the MIP is infeasible (the explanation was cut short: interrupted)";
    if (solution.hasSolution()) culprits.push_back(g.description);
  }
  if (culprits.empty()) return "no single requirement is to blame; several conflict (the MIP is infeasible)";
  if (culprits.size() == 1) return "cannot meet " + culprits.front();
  // Each of these alone is satisfiable; together they are not, so any one of them is a fix.
  std::string message = "cannot meet " + culprits.front();
  for (std::size_t i = 1; i < culprits.size(); ++i)
    message += (i + 1 == culprits.size() ? " and " : ", ") + culprits[i];
  return message + " together (relaxing any one of them would allow a mapping)";
}

// One MIP (built with the `proxy` objective), decoded and repaired if needed; not polished. When the
// Conservative model is infeasible, the Relaxed one decides: infeasible there proves that no mapping
// exists; otherwise its solution, repaired on the exact model, is the schedule.
ScheduleResult solveOneProxy(const ConstrainedMapSpace& space, Evaluator& evaluator,
                             const ScheduleOptions& options, ScheduleObjective proxy,
                             FormulationOptions formulation_options, const FrozenParts& frozen) {
  const auto start = std::chrono::steady_clock::now();
  ScheduleResult result;
  result.proxy = proxy;
  auto backend = solver::makeBackend(options.backend);
  solver::SolveOptions solve_options;
  solve_options.time_limit_s = options.time_limit_s;
  solve_options.relative_gap = options.relative_gap;
  solve_options.threads = options.threads;
  solve_options.seed = options.seed;
  solve_options.stop = options.stop;
  // The energy model's bound closes slowly: its MIP seeds the search on the exact model rather than
  // settling anything, so a node budget (deterministic, unlike time) stops it.
  if (proxy == ScheduleObjective::EnergyModel) solve_options.max_nodes = options.energy_model_nodes;
  double waited = 0;
  auto finish = [&](ScheduleResult& r) { r.total_time_s = secondsSince(start) - waited; };
  for (CapacityModel capacity : {CapacityModel::Conservative, CapacityModel::Relaxed}) {
    formulation_options.capacity = capacity;
    const CosaFormulation formulation(space, proxy, formulation_options);
    result.variables = formulation.model().numVariables();
    result.constraints = formulation.model().numRows();
    const auto before_solve = std::chrono::steady_clock::now();
    const solver::Solution solution = backend->solve(formulation.model(), solve_options);
    // A backend may queue solves from several threads; that wait is not this layer's time.
    waited += std::max(0.0, secondsSince(before_solve) - solution.time_s);
    result.status = solution.status;
    result.objective = solution.objective;
    result.bound = solution.bound;
    result.gap = solution.gap;
    result.solve_time_s += solution.time_s;
    result.interrupted = result.interrupted || solution.interrupted;
    if (!solution.hasSolution()) {
      if (solution.status == solver::Status::Infeasible && capacity == CapacityModel::Conservative) continue;
      result.message = solution.interrupted ? "not found: interrupted"
                       : solution.status == solver::Status::Infeasible
                           ? "no mapping satisfies the constraints: " +
                                 explainInfeasibility(formulation, *backend, options.stop)
                           : "the solver found no schedule within the time limit: " + solution.message;
      result.interrupted = result.interrupted || stopRequested(options.stop);
      finish(result);
      return result;
    }
    if (solution.status == solver::Status::Feasible && !(solve_options.max_nodes > 0 && !solution.timed_out))
      result.note = fmt::format(
          "not proven optimal: the solver {} (relative gap {:.3g}); this is the best valid "
          "schedule it found",
          solution.message, solution.gap);
    result.mapping = formulation.decode(solution.values);
    break;
  }
  if (!evaluator.checkValidity(result.mapping).empty()) {
    result.repaired = repair(evaluator, frozen, result.mapping);
    if (!result.repaired) {
      result.message = "the decoded schedule is invalid and could not be repaired: " +
                       evaluator.checkValidity(result.mapping);
      finish(result);
      return result;
    }
  }
  result.unpolished = evaluator.evaluate(result.mapping);
  result.evaluation = result.unpolished;
  result.found = result.evaluation.valid;
  finish(result);
  return result;
}

// The solver hit its time limit before any feasible point: rather than nothing, the best of a few
// valid mappings sampled from the constrained mapspace, polished on the exact model.
void fallBackToSampling(const ConstrainedMapSpace& space, const EnergyTable& energy, Evaluator& evaluator,
                        const ScheduleOptions& options, const FactorSpace& factors, ScheduleResult& result) {
  RandomMapperOptions sampling;
  sampling.valid_target = 5;
  sampling.seed = static_cast<std::uint64_t>(options.seed);
  sampling.stop = options.stop;
  const SearchResult sampled = randomMapper(space, energy, sampling);
  result.interrupted = result.interrupted || sampled.interrupted;
  if (!sampled.found) return;
  const ScheduleObjective goal = options.objective;
  const MappingScore score =
      stoppable([goal](const Evaluation& e) { return scheduleScore(goal, e); }, options.stop);
  std::optional<LocalSearchResult> stopped_or_polished = unlessStopped(
      [&] { return polishMapping(evaluator, sampled.mapping, score, options.polish_evaluations, factors); });
  if (!stopped_or_polished) {
    result.interrupted = true;
    stopped_or_polished = LocalSearchResult{sampled.mapping, sampled.evaluation, 0, 0};
  }
  const LocalSearchResult& polished = *stopped_or_polished;
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
  using enum Objective;
  switch (objective) {
    case CosaPaper:
      return {CosaPaper};
    case Edp:
      // Every proxy the energy and latency goals solve, so that EDP never loses to either of them.
      return {Edp, Energy, Latency, CosaPaper, EnergyModel};
    case Energy:
      return {Energy, CosaPaper, EnergyModel};
    default:
      // Measured on the bundled networks: neither log-space proxy dominates the other once the
      // schedules are polished on the exact model, so both are solved and the better one kept.
      return {objective, CosaPaper};
  }
}

namespace {

// The goals a candidate is polished for: its own, and for EDP also energy and latency (so that the
// EDP schedule is at least as good, by EDP, as the energy and latency schedules).
std::vector<ScheduleObjective> polishGoals(ScheduleObjective objective) {
  if (objective == ScheduleObjective::Edp)
    return {ScheduleObjective::Edp, ScheduleObjective::Energy, ScheduleObjective::Latency};
  return {objective};
}

}  // namespace

ScheduleResult scheduleLayer(const Architecture& arch, const Workload& workload,
                             const Constraints& constraints, const EnergyTable& energy,
                             const ScheduleOptions& options) {
  // What the constraints mean, decided once for every proxy's MIP, the repair and the polishing.
  return scheduleLayer(ConstrainedMapSpace(arch, workload, constraints), energy, options);
}

ScheduleResult scheduleLayer(const ConstrainedMapSpace& space, const EnergyTable& energy,
                             const ScheduleOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  const Architecture& arch = space.arch();
  const Workload& workload = space.workload();
  Evaluator evaluator(arch, workload, energy);
  const FrozenParts frozen = space.frozenParts();
  const FactorSpace factors(space);  // local search's moves
  const ScheduleObjective goal = options.objective;
  auto scoreFor = [&options](ScheduleObjective g) {
    return stoppable([g](const Evaluation& e) { return scheduleScore(g, e); }, options.stop);
  };
  // Once set, stays set: every later stage is skipped, and the result is marked interrupted.
  bool interrupted = false;
  auto stopped = [&] { return interrupted = interrupted || stopRequested(options.stop); };
  const bool polish = polishes(options);
  const std::vector<ScheduleObjective> goals = polish ? polishGoals(goal) : std::vector{goal};
  double solve_time = 0, busy_time = 0;
  std::int64_t polish_evaluations = 0;
  FormulationOptions formulation_options;
  formulation_options.energy = energy;
  // Per polishing goal, the best candidate as that goal's own run would pick it: only proxies that
  // goal solves, polished for it.
  std::vector<std::optional<ScheduleResult>> pick(goals.size());
  ScheduleResult failure;
  for (ScheduleObjective proxy : proxyObjectives(goal)) {
    if (stopped()) break;
    ScheduleResult candidate = solveOneProxy(space, evaluator, options, proxy, formulation_options, frozen);
    solve_time += candidate.solve_time_s;
    busy_time += candidate.total_time_s;
    interrupted = interrupted || candidate.interrupted;
    if (!candidate.found) {
      if (failure.message.empty()) failure = candidate;
      continue;
    }
    const auto polish_start = std::chrono::steady_clock::now();
    for (std::size_t g = 0; g < goals.size(); ++g) {
      const auto& solved_for_g = proxyObjectives(goals[g]);
      if (std::find(solved_for_g.begin(), solved_for_g.end(), proxy) == solved_for_g.end()) continue;
      ScheduleResult polished = candidate;
      if (polish && !stopped()) {
        std::optional<LocalSearchResult> r = unlessStopped([&] {
          return polishMapping(evaluator, candidate.mapping, scoreFor(goals[g]), options.polish_evaluations,
                               factors);
        });
        if (r) {
          polish_evaluations += r->evaluations;
          polished.mapping = std::move(r->mapping);
          polished.evaluation = std::move(r->evaluation);
        } else {
          interrupted = true;  // the candidate stays as decoded: valid, unpolished
        }
      }
      if (!pick[g] ||
          scheduleScore(goals[g], polished.evaluation) < scheduleScore(goals[g], pick[g]->evaluation))
        pick[g] = std::move(polished);
    }
    busy_time += secondsSince(polish_start);
    // The energy-model proxies weigh latency against energy around the least energy seen so far.
    for (const auto& p : pick)
      if (p && (formulation_options.reference_energy_per_mac <= 0 ||
                p->evaluation.energyPerMac() < formulation_options.reference_energy_per_mac))
        formulation_options.reference_energy_per_mac = p->evaluation.energyPerMac();
  }
  // Each goal's pick refined for that goal; the best for this goal wins (so EDP is never worse than
  // what the energy or latency goal would return).
  ScheduleResult best = failure;
  const auto refine_start = std::chrono::steady_clock::now();
  for (std::size_t g = 0; g < goals.size(); ++g) {
    if (!pick[g]) continue;
    if (polish && options.refine_evaluations > 0 && !stopped()) {
      std::optional<LocalSearchResult> r = unlessStopped([&] {
        return refineMapping(evaluator, pick[g]->mapping, scoreFor(goals[g]), options.refine_evaluations,
                             factors, static_cast<std::uint64_t>(options.seed));
      });
      if (r) {
        polish_evaluations += r->evaluations;
        pick[g]->mapping = std::move(r->mapping);
        pick[g]->evaluation = std::move(r->evaluation);
      } else {
        interrupted = true;  // the pick stays as polished
      }
    }
    if (!best.found || scheduleScore(goal, pick[g]->evaluation) < scheduleScore(goal, best.evaluation))
      best = std::move(*pick[g]);
  }
  if (best.found && polish && goals.size() > 1 && !stopped()) {
    // The winner may come from another goal's search: finish it for this goal.
    std::optional<LocalSearchResult> r = unlessStopped([&] {
      return polishMapping(evaluator, best.mapping, scoreFor(goal), options.polish_evaluations, factors);
    });
    if (r) {
      polish_evaluations += r->evaluations;
      best.mapping = std::move(r->mapping);
      best.evaluation = std::move(r->evaluation);
    } else {
      interrupted = true;
    }
  }
  busy_time += secondsSince(refine_start);
  best.solve_time_s = solve_time;
  best.polish_evaluations = polish_evaluations;
  if (!best.found && best.status == solver::Status::NoSolutionFound && !stopped()) {
    const auto fallback_start = std::chrono::steady_clock::now();
    fallBackToSampling(space, energy, evaluator, options, factors, best);
    busy_time += secondsSince(fallback_start);
  }
  if (stopped() || best.interrupted) {
    best.interrupted = true;
    if (best.found) {
      best.note =
          "interrupted: the best valid schedule found before the stop request (MIPs left unsolved "
          "or stopped, or polishing cut short)" +
          (best.note.empty() ? std::string() : "; " + best.note);
    } else if (best.message.rfind("not found: interrupted", 0) != 0) {
      best.message = "not found: interrupted" + (best.message.empty() ? std::string() : "; " + best.message);
    }
  }
  best.roofline_cycles = rooflineCycles(arch, workload);
  // Time this layer kept a core busy (not time spent queueing for a shared solver).
  best.total_time_s = std::min(secondsSince(start), busy_time + 1e-6);
  return best;
}

MapperResult CosaMapper::run(const ConstrainedMapSpace& space, const EnergyTable& energy,
                             const RunContext& context) const {
  ScheduleOptions schedule = options_;
  schedule.seed = static_cast<int>(context.seed % 1000000007ULL);
  if (context.threads > 0) schedule.threads = context.threads;
  schedule.stop = context.stop;
  if (context.time_budget_s > 0)
    schedule.time_limit_s = std::min(schedule.time_limit_s, context.time_budget_s);
  const ScheduleResult r = scheduleLayer(space, energy, schedule);
  MapperResult result;
  result.mapper = name();
  result.found = r.found;
  result.message = r.found && r.interrupted
                       ? "stopped before the schedule was finished; the best valid one so far"
                       : r.message;
  result.interrupted = r.interrupted;
  result.mapping = r.mapping;
  result.evaluation = r.evaluation;
  result.samples = static_cast<std::int64_t>(proxyObjectives(schedule.objective).size());  // MIPs solved
  result.evaluations = r.polish_evaluations + result.samples;
  result.time_s = r.total_time_s;
  result.solver_status = solver::toString(r.status);
  result.solver_backend = schedule.backend;
  if (r.found) result.gap = r.gap;
  result.cosa = MapperResult::CosaDetails{schedule, r};
  return result;
}

}  // namespace cosa
