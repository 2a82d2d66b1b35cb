#include "solver/glpk_backend.hpp"

#include <fmt/format.h>
#include <glpk.h>

#include <algorithm>
#include <cfloat>
#include <chrono>
#include <climits>
#include <cmath>
#include <cstdio>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "solver/backend_support.hpp"

namespace cosa::solver {
namespace {

using Clock = std::chrono::steady_clock;

bool isInfinite(double v) { return std::abs(v) >= kInfinity; }

// GLPK's bound type for lower <= x <= upper, where +-kInfinity means "no bound on that side".
int boundType(double lower, double upper) {
  const bool has_lower = !isInfinite(lower), has_upper = !isInfinite(upper);
  if (has_lower && has_upper) return lower == upper ? GLP_FX : GLP_DB;
  if (has_lower) return GLP_LO;
  if (has_upper) return GLP_UP;
  return GLP_FR;
}

struct Bounds {
  double lower = 0, upper = 0;
};

// Binaries are integers clamped to [0, 1]. Integer bounds are rounded inward (with the tolerance
// Model::validate uses), since glp_intopt refuses fractional bounds on integer columns.
Bounds columnBounds(const Variable& v) {
  Bounds b{v.lower, v.upper};
  if (v.type == VarType::Binary) {
    b.lower = std::max(b.lower, 0.0);
    b.upper = std::min(b.upper, 1.0);
  }
  if (v.type != VarType::Continuous) {
    if (!isInfinite(b.lower)) b.lower = std::ceil(b.lower - 1e-9);
    if (!isInfinite(b.upper)) b.upper = std::floor(b.upper + 1e-9);
  }
  return b;
}

// Milliseconds for GLPK's tm_lim; INT_MAX means "no limit" to GLPK.
int toMilliseconds(double seconds) {
  const double ms = std::ceil(std::max(seconds, 0.0) * 1000.0);
  return ms >= static_cast<double>(INT_MAX) ? INT_MAX : static_cast<int>(ms);
}

double secondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// GLPK prints to stdout; everything it prints goes through this hook to stderr instead. (Output is
// switched off with glp_term_out unless verbose, but GLPK turns it back on for its fatal errors.)
int toStderr(void* /*info*/, const char* text) {
  std::fputs(text, stderr);
  return 1;  // handled: GLPK prints nothing itself
}

// GLPK keeps an environment per thread (terminal settings, memory). A solve takes over the thread's
// terminal settings and, if it was the thread's only GLPK user, frees the environment afterwards: a
// worker thread's environment would otherwise leak when the thread ends.
class ThreadEnvironment {
 public:
  explicit ThreadEnvironment(bool verbose) {
    int blocks = 0;
    glp_mem_usage(&blocks, nullptr, nullptr, nullptr);
    free_on_exit_ = blocks == 0;  // nothing else on this thread holds GLPK objects
    glp_term_hook(toStderr, nullptr);
    previous_term_out_ = glp_term_out(verbose ? GLP_ON : GLP_OFF);
  }
  ~ThreadEnvironment() {
    if (free_on_exit_) {
      glp_free_env();
    } else {
      glp_term_hook(nullptr, nullptr);
      glp_term_out(previous_term_out_);
    }
  }
  ThreadEnvironment(const ThreadEnvironment&) = delete;
  ThreadEnvironment& operator=(const ThreadEnvironment&) = delete;

 private:
  bool free_on_exit_ = false;
  int previous_term_out_ = GLP_ON;
};

struct ProblemDeleter {
  void operator()(glp_prob* p) const { glp_delete_prob(p); }
};
using Problem = std::unique_ptr<glp_prob, ProblemDeleter>;

// The facade model as a glp_prob, minimising. GLPK rejects repeated indices in a row with a fatal
// error; the Model holds none (it merges them).
Problem buildProblem(const Model& model) {
  Problem p(glp_create_prob());
  glp_set_obj_dir(p.get(), GLP_MIN);
  const int n = model.numVariables(), m = model.numRows();
  if (n > 0) glp_add_cols(p.get(), n);
  if (m > 0) glp_add_rows(p.get(), m);
  for (int j = 0; j < n; ++j) {
    const Variable& v = model.variables()[j];
    const Bounds b = columnBounds(v);
    glp_set_col_kind(p.get(), j + 1, v.type == VarType::Continuous ? GLP_CV : GLP_IV);
    glp_set_col_bnds(p.get(), j + 1, boundType(b.lower, b.upper), isInfinite(b.lower) ? 0.0 : b.lower,
                     isInfinite(b.upper) ? 0.0 : b.upper);
  }

  std::vector<int> index;  // 1-based for GLPK: slot 0 is unused
  std::vector<double> value;
  for (int i = 0; i < m; ++i) {
    const Row& row = model.rows()[i];
    glp_set_row_bnds(p.get(), i + 1, boundType(row.lower, row.upper), isInfinite(row.lower) ? 0.0 : row.lower,
                     isInfinite(row.upper) ? 0.0 : row.upper);
    index.assign(1, 0);
    value.assign(1, 0.0);
    for (const Term& t : row.terms) {
      index.push_back(t.var + 1);
      value.push_back(t.coef);
    }
    glp_set_mat_row(p.get(), i + 1, static_cast<int>(index.size()) - 1, index.data(), value.data());
  }
  for (const Term& t : model.objective()) glp_set_obj_coef(p.get(), t.var + 1, t.coef);
  glp_set_obj_coef(p.get(), 0, model.objectiveConstant());
  return p;
}

// GLPK accepts a heuristic solution after checking only that its integers are integral, so the warm
// start is checked here: finite, within the bounds and rows up to a small tolerance, integers within
// 1e-6 of an integer. Returns the start 1-based for GLPK (integers rounded, values moved onto the
// bounds they overshoot within the tolerance), or why it is not feasible.
struct CheckedStart {
  std::vector<double> values;  // [0] unused
  std::string problem;         // empty when feasible
};

CheckedStart checkStart(const Model& model, const std::vector<double>& start) {
  constexpr double kTolerance = 1e-6;
  auto slack = [&](double bound) { return kTolerance * std::max(1.0, std::abs(bound)); };
  CheckedStart out;
  out.values.assign(start.size() + 1, 0.0);
  for (std::size_t j = 0; j < start.size(); ++j) {
    const Variable& v = model.variables()[j];
    double x = start[j];
    if (!std::isfinite(x)) {
      out.problem = fmt::format("value {} of variable #{} is not finite", x, j);
      return out;
    }
    if (v.type != VarType::Continuous) {
      if (std::abs(x - std::round(x)) > kTolerance) {
        out.problem = fmt::format("integer variable #{} has fractional value {}", j, x);
        return out;
      }
      x = std::round(x);
    }
    const Bounds b = columnBounds(v);
    if ((!isInfinite(b.lower) && x < b.lower - slack(b.lower)) ||
        (!isInfinite(b.upper) && x > b.upper + slack(b.upper))) {
      out.problem = fmt::format("variable #{} = {} is outside its bounds [{}, {}]", j, x, b.lower, b.upper);
      return out;
    }
    if (!isInfinite(b.lower)) x = std::max(x, b.lower);  // within the tolerance: onto the bound
    if (!isInfinite(b.upper)) x = std::min(x, b.upper);
    out.values[j + 1] = x;
  }
  for (int i = 0; i < model.numRows(); ++i) {
    const Row& row = model.rows()[i];
    double activity = 0;
    for (const Term& t : row.terms) activity += t.coef * out.values[t.var + 1];
    if ((!isInfinite(row.lower) && activity < row.lower - slack(row.lower)) ||
        (!isInfinite(row.upper) && activity > row.upper + slack(row.upper))) {
      out.problem =
          fmt::format("row #{}{} is violated (activity {}, bounds [{}, {}])", i,
                      row.name.empty() ? "" : " '" + row.name + "'", activity, row.lower, row.upper);
      return out;
    }
  }
  return out;
}

double objectiveOf(const Model& model, const std::vector<double>& one_based) {
  double objective = model.objectiveConstant();
  for (const Term& t : model.objective()) objective += t.coef * one_based[t.var + 1];
  return objective;
}

// What the branch-and-cut callback sees and does.
struct SearchState {
  const std::vector<double>* start = nullptr;  // checked warm start, 1-based; null when none
  bool start_offered = false;
  double bound = -kInfinity;   // best proven lower bound seen so far
  std::int64_t max_nodes = 0;  // 0: no limit
  bool node_limit_reached = false;
  const SolveLimits* limits = nullptr;
  bool stop_requested = false;
};

void onSearchEvent(glp_tree* tree, void* info) {
  SearchState& state = *static_cast<SearchState*>(info);
  // The best local bound over the active nodes bounds every solution not yet found; capped by the
  // incumbent, it is a global bound. Each value seen stays valid, so keep the largest.
  const int best = glp_ios_best_node(tree);
  if (best != 0) {
    double bound = glp_ios_node_bound(tree, best);
    glp_prob* mip = glp_ios_get_prob(tree);
    if (glp_mip_status(mip) == GLP_FEAS) bound = std::min(bound, glp_mip_obj_val(mip));
    if (bound > -DBL_MAX && bound < DBL_MAX) state.bound = std::max(state.bound, bound);
  }
  if (state.limits->stopRequested()) {
    state.stop_requested = true;
    glp_ios_terminate(tree);
    return;
  }
  if (state.max_nodes > 0 && glp_ios_reason(tree) == GLP_ISELECT) {
    int active = 0, current = 0, total = 0;
    glp_ios_tree_size(tree, &active, &current, &total);
    if (total > state.max_nodes) {
      state.node_limit_reached = true;
      glp_ios_terminate(tree);
      return;
    }
  }
  // GLPK first asks for heuristic solutions once the root LP is solved and found fractional.
  if (glp_ios_reason(tree) == GLP_IHEUR && state.start != nullptr && !state.start_offered) {
    state.start_offered = true;
    // Refused only when not better than an incumbent GLPK already has, which then is at least as good.
    glp_ios_heur_sol(tree, state.start->data());
  }
}

const char* returnCodeName(int code) {
  switch (code) {
    case GLP_EBADB:
      return "GLP_EBADB (invalid basis)";
    case GLP_ESING:
      return "GLP_ESING (singular basis matrix)";
    case GLP_ECOND:
      return "GLP_ECOND (ill-conditioned basis matrix)";
    case GLP_EBOUND:
      return "GLP_EBOUND (incorrect bounds)";
    case GLP_EFAIL:
      return "GLP_EFAIL (solver failure)";
    case GLP_EOBJLL:
      return "GLP_EOBJLL (objective lower limit reached)";
    case GLP_EOBJUL:
      return "GLP_EOBJUL (objective upper limit reached)";
    case GLP_EITLIM:
      return "GLP_EITLIM (iteration limit)";
    case GLP_ETMLIM:
      return "GLP_ETMLIM (time limit)";
    case GLP_ENOPFS:
      return "GLP_ENOPFS (no primal feasible solution)";
    case GLP_ENODFS:
      return "GLP_ENODFS (no dual feasible solution)";
    case GLP_EROOT:
      return "GLP_EROOT (root LP optimum not provided)";
    case GLP_ESTOP:
      return "GLP_ESTOP (stopped by the application)";
    case GLP_EMIPGAP:
      return "GLP_EMIPGAP (relative gap tolerance reached)";
    default:
      return "an unknown return code";
  }
}

// The LP relaxation (the whole problem for pure LPs), from an advanced starting basis. GLPK's simplex
// can stall on a singular or ill-conditioned factorisation; one retry from the standard basis then.
// glp_simplex has no callback: with a stop flag it runs in slices of kStopSliceS and the flag is read
// between them (each slice goes on from the basis the last one reached). Returns GLP_ETMLIM when the
// time limit or the stop flag ended it (`limits` says which).
constexpr double kStopSliceS = 0.1;

int solveRelaxation(glp_prob* p, bool verbose, const SolveLimits& limits, bool sliced) {
  glp_smcp params;
  glp_init_smcp(&params);
  params.msg_lev = verbose ? GLP_MSG_ALL : GLP_MSG_OFF;
  params.presolve = GLP_OFF;  // keeps the optimal basis glp_intopt needs, and tells infeasible from unbounded
  glp_scale_prob(p, GLP_SF_AUTO);
  glp_adv_basis(p, 0);
  bool retried = false;
  for (;;) {
    const double left = limits.secondsLeft();
    params.tm_lim = toMilliseconds(sliced ? std::min(left, kStopSliceS) : left);
    const int code = glp_simplex(p, &params);
    if ((code == GLP_ESING || code == GLP_ECOND || code == GLP_EFAIL) && !retried) {
      retried = true;
      glp_std_basis(p);
      continue;
    }
    if (code != GLP_ETMLIM || !sliced || limits.reached()) return code;
  }
}

void setNoSolution(Solution& sol) {
  sol.values.clear();
  sol.objective = kInfinity;
  sol.gap = kInfinity;
}

// The time limit stopped the search before GLPK had an incumbent: a checked warm start is one.
void fallBackToStart(Solution& sol, const Model& model, const CheckedStart* start) {
  if (start == nullptr) {
    sol.status = Status::NoSolutionFound;
    setNoSolution(sol);
    return;
  }
  sol.status = Status::Feasible;
  sol.values.assign(start->values.begin() + 1, start->values.end());
  sol.objective = objectiveOf(model, start->values);
  sol.bound = std::min(sol.bound, sol.objective);
  sol.gap = relativeGap(sol.objective, sol.bound);
  sol.message += "; returning the warm start";
}

Solution solveModel(const Model& model, const SolveOptions& options, const SolveLimits& limits) {
  Solution sol;
  sol.bound = -kInfinity;
  // GLPK's size limits (100 million rows or columns, 500 million coefficients): it aborts past them.
  std::size_t coefficients = 0;
  for (const Row& row : model.rows()) coefficients += row.terms.size();
  if (model.numVariables() > 100000000 || model.numRows() > 100000000 || coefficients > 500000000) {
    sol.status = Status::Error;
    sol.message = "the model exceeds GLPK's size limits";
    setNoSolution(sol);
    return sol;
  }
  const int n = model.numVariables();
  const bool has_integers = std::any_of(model.variables().begin(), model.variables().end(),
                                        [](const Variable& v) { return v.type != VarType::Continuous; });
  std::optional<CheckedStart> warm;
  std::string start_note;
  if (has_integers && !options.warm_start.empty()) {
    warm = checkStart(model, options.warm_start);
    if (!warm->problem.empty()) {
      start_note = "warm start ignored: " + warm->problem;
      warm.reset();
    }
  }
  const CheckedStart* feasible_start = warm ? &*warm : nullptr;
  auto finish = [&](Solution& s) {
    if (!start_note.empty()) s.message += (s.message.empty() ? "" : "; ") + start_note;
    return s;
  };

  ThreadEnvironment environment(options.verbose);  // before `problem`: outlives it
  const Problem problem = buildProblem(model);
  glp_prob* p = problem.get();

  const int lp_code = solveRelaxation(p, options.verbose, limits, options.stop != nullptr);
  if (lp_code == GLP_ETMLIM) {
    sol.interrupted = limits.stopped();
    sol.timed_out = !sol.interrupted;
    const char* why = sol.interrupted ? "stopped by a stop request" : "stopped on the time limit";
    sol.message =
        has_integers ? fmt::format("{} while solving the LP relaxation", why) : fmt::format("LP {}", why);
    fallBackToStart(sol, model, feasible_start);
    return finish(sol);
  }
  if (lp_code != 0) {
    sol.status = Status::Error;
    sol.message = fmt::format("glp_simplex failed with {}", returnCodeName(lp_code));
    setNoSolution(sol);
    return finish(sol);
  }
  const int lp_status = glp_get_status(p);
  if (lp_status == GLP_NOFEAS) {
    sol.status = Status::Infeasible;
    sol.message = has_integers ? "the LP relaxation is infeasible" : "LP is infeasible";
    setNoSolution(sol);
    sol.bound = kInfinity;
    return finish(sol);
  }
  if (lp_status == GLP_UNBND) {
    sol.status = Status::Unbounded;
    sol.message = has_integers ? "the LP relaxation is unbounded" : "LP is unbounded";
    setNoSolution(sol);
    return finish(sol);
  }
  if (lp_status != GLP_OPT) {
    sol.status = Status::Error;
    sol.message = fmt::format("glp_simplex finished with solution status {}", lp_status);
    setNoSolution(sol);
    return finish(sol);
  }
  sol.bound = glp_get_obj_val(p);  // includes the constant
  if (!has_integers) {
    sol.status = Status::Optimal;
    sol.objective = sol.bound;
    sol.values.resize(n);
    for (int j = 0; j < n; ++j) sol.values[j] = glp_get_col_prim(p, j + 1);
    return finish(sol);
  }

  SearchState state;
  state.start = feasible_start != nullptr ? &feasible_start->values : nullptr;
  state.bound = sol.bound;
  state.max_nodes = options.max_nodes;
  state.limits = &limits;
  glp_iocp params;
  glp_init_iocp(&params);
  params.msg_lev = options.verbose ? GLP_MSG_ALL : GLP_MSG_OFF;
  params.presolve = GLP_OFF;
  params.tm_lim = toMilliseconds(limits.secondsLeft());
  // NaN or negative: no early stop (GLPK aborts on a negative tolerance).
  params.mip_gap = options.relative_gap > 0 ? options.relative_gap : 0.0;
  // Feasibility pump and cuts: without them GLPK rarely finds an incumbent early on hard models.
  params.fp_heur = GLP_ON;
  params.gmi_cuts = GLP_ON;
  params.mir_cuts = GLP_ON;
  params.cov_cuts = GLP_ON;
  params.clq_cuts = GLP_ON;
  params.cb_func = onSearchEvent;
  params.cb_info = &state;
  const int code = glp_intopt(p, &params);
  sol.bound = state.bound;

  const int mip_status = glp_mip_status(p);
  const bool has_incumbent = mip_status == GLP_OPT || mip_status == GLP_FEAS;
  if (has_incumbent) {
    sol.objective = glp_mip_obj_val(p);
    sol.values.resize(n);
    for (int j = 0; j < n; ++j) {
      sol.values[j] = glp_mip_col_val(p, j + 1);
      // Hand out exact integers, as the CBC backend does.
      if (model.variables()[j].type != VarType::Continuous) sol.values[j] = std::round(sol.values[j]);
    }
  }
  if (code == 0 && mip_status == GLP_OPT) {
    sol.status = Status::Optimal;
    sol.bound = sol.objective;  // the search tree is exhausted
  } else if (code == 0 && mip_status == GLP_NOFEAS) {
    sol.status = Status::Infeasible;
    sol.message = "proven infeasible";
    sol.bound = kInfinity;
  } else if (code == GLP_EMIPGAP && has_incumbent) {
    sol.status = Status::Optimal;
    sol.message = "stopped on the relative gap tolerance";
    // GLPK stopped because |incumbent - bound| / (|incumbent| + DBL_EPSILON) <= mip_gap: that bound
    // may be newer than the last one the callback saw.
    sol.bound = std::max(sol.bound, sol.objective - params.mip_gap * (std::abs(sol.objective) + DBL_EPSILON));
  } else if (code == GLP_ETMLIM) {
    sol.timed_out = true;
    sol.message = "stopped on the time limit";
    if (has_incumbent) {
      sol.status = Status::Feasible;
    } else {
      fallBackToStart(sol, model, feasible_start);
    }
  } else if (code == GLP_ESTOP && state.stop_requested) {
    sol.interrupted = true;
    sol.message = "stopped by a stop request";
    if (has_incumbent) {
      sol.status = Status::Feasible;
    } else {
      fallBackToStart(sol, model, feasible_start);
    }
  } else if (code == GLP_ESTOP && state.node_limit_reached) {
    sol.message = "stopped on the node limit";
    if (has_incumbent) {
      sol.status = Status::Feasible;
    } else {
      fallBackToStart(sol, model, feasible_start);
    }
  } else if (code == GLP_EFAIL && has_incumbent) {
    sol.status = Status::Feasible;
    sol.message = "search abandoned after numerical difficulties; returning the incumbent";
  } else {
    sol.status = Status::Error;
    sol.message = fmt::format("glp_intopt returned {} (MIP status {})", returnCodeName(code), mip_status);
  }
  if (sol.status == Status::Optimal || sol.status == Status::Feasible) {
    sol.bound = std::min(sol.bound, sol.objective);
    sol.gap = relativeGap(sol.objective, sol.bound);
  } else {
    setNoSolution(sol);
  }
  return finish(sol);
}

}  // namespace

Solution GlpkBackend::solve(const Model& model, const SolveOptions& options) {
  // GLPK aborts the process on invalid input: everything is checked before it sees the model.
  checkSolveInputs(model, options);
  const auto start = Clock::now();
  const SolveLimits limits(options, start);
  Solution sol =
      model.numVariables() == 0 ? solveWithoutVariables(model) : solveModel(model, options, limits);
  sol.time_s = secondsSince(start);
  return sol;
}

}  // namespace cosa::solver
