#pragma once
// A small facade over mixed-integer linear programming solvers: build a model of variables,
// linear constraints and a linear objective, then solve it with any backend (CBC built in; GLPK
// optional).
// The formulation code sees only this header; backends live behind `Backend`.

#include <atomic>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace cosa::solver {

enum class VarType { Continuous, Integer, Binary };

struct Term {
  int var = 0;
  double coef = 0;
};

struct Variable {
  std::string name;
  double lower = 0;
  double upper = 0;
  VarType type = VarType::Continuous;
};

// lower <= sum(terms) <= upper (use +-kInfinity for one-sided rows). A Model holds each variable at
// most once per row and in the objective: repeats given to addRow/setObjective are summed (in
// first-appearance order) and terms that cancel to 0 dropped.
struct Row {
  std::string name;
  std::vector<Term> terms;
  double lower = 0;
  double upper = 0;
};

inline constexpr double kInfinity = 1e30;

// The add*/setObjective calls reject malformed input at once (NaN or infinite coefficients, lower >
// upper, negative variable indices, binaries whose bounds miss [0, 1], integer variables whose bounds
// hold no integer) with std::invalid_argument.
// Variable indices are only range-checked by validate() (so rows may name variables added later);
// backends and the exports call validate() first.
class Model {
 public:
  int addVariable(std::string name, double lower, double upper, VarType type);
  int addRow(std::string name, std::vector<Term> terms, double lower, double upper);
  int addLessEqual(std::string name, std::vector<Term> terms, double rhs) {
    return addRow(std::move(name), std::move(terms), -kInfinity, rhs);
  }
  int addGreaterEqual(std::string name, std::vector<Term> terms, double rhs) {
    return addRow(std::move(name), std::move(terms), rhs, kInfinity);
  }
  int addEqual(std::string name, std::vector<Term> terms, double rhs) {
    return addRow(std::move(name), std::move(terms), rhs, rhs);
  }
  // Minimises constant + sum(terms).
  void setObjective(std::vector<Term> terms, double constant = 0);
  // Drops a row's bounds (keeps its index), e.g. to find which constraints make a model infeasible.
  void relaxRow(int row);

  const std::vector<Variable>& variables() const { return variables_; }
  const std::vector<Row>& rows() const { return rows_; }
  const std::vector<Term>& objective() const { return objective_; }
  double objectiveConstant() const { return objective_constant_; }
  // Throws std::invalid_argument naming the offending row/variable: index out of range, lower > upper,
  // non-finite coefficient.
  void validate() const;
  int numVariables() const { return static_cast<int>(variables_.size()); }
  int numRows() const { return static_cast<int>(rows_.size()); }

 private:
  std::vector<Variable> variables_;
  std::vector<Row> rows_;
  std::vector<Term> objective_;
  double objective_constant_ = 0;
};

struct SolveOptions {
  // Wall-clock limit on the whole solve, the LP relaxation included; the best incumbent is returned
  // when hit. None by default: a caller's limit is a setting of its own (the scheduler's is
  // ScheduleOptions::time_limit_s).
  double time_limit_s = std::numeric_limits<double>::infinity();
  double relative_gap = 1e-6;  // stop when (incumbent - bound) / |incumbent| is below this
  // Stop after this many branch-and-bound nodes (0: no limit). Unlike the time limit, the result
  // does not depend on the machine's speed or load.
  std::int64_t max_nodes = 0;
  int threads = 1;
  int seed = 0;                    // for the solver's randomised decisions (determinism)
  bool verbose = false;            // solver log to stderr
  std::vector<double> warm_start;  // optional feasible assignment (one value per variable)
  // Optional. Polled while solving (in the LP relaxation too); once set, the solve stops within a
  // fraction of a second and returns the best incumbent so far, with Solution::interrupted set.
  const std::atomic<bool>* stop = nullptr;
};

// Optimal: search finished, incumbent optimal within relative_gap (Solution::gap has the achieved gap).
// Feasible: a limit stopped the search holding an incumbent (timed_out tells whether it was time,
// interrupted whether it was the stop flag). Infeasible / Unbounded: proven (Unbounded = unbounded LP
// relaxation). NoSolutionFound: stopped by the time limit or the stop flag before any incumbent.
// Error: solver trouble, see Solution::message.
// A stop request is a limit like the time limit: it gives Feasible (an incumbent) or NoSolutionFound
// (none), never Optimal, Infeasible or Unbounded, with Solution::interrupted set.
enum class Status { Optimal, Feasible, Infeasible, Unbounded, NoSolutionFound, Error };
const char* toString(Status status);

struct Solution {
  Status status = Status::Error;
  std::vector<double> values;  // one per variable when a solution exists
  double objective = 0;        // of the incumbent (including the constant)
  double bound = 0;            // best proven lower bound (including the constant)
  double gap = 0;              // relative gap between incumbent and bound
  double time_s = 0;
  bool timed_out = false;
  bool interrupted = false;  // the stop flag ended the solve (status Feasible or NoSolutionFound)
  std::string message;

  bool hasSolution() const { return status == Status::Optimal || status == Status::Feasible; }
};

class Backend {
 public:
  virtual ~Backend() = default;
  virtual std::string name() const = 0;
  virtual Solution solve(const Model& model, const SolveOptions& options) = 0;
};

// "cbc" (built in, the default everywhere) and "glpk" (when built with GLPK: CMake option
// COSA_WITH_GLPK). Names are case-insensitive. Throws std::invalid_argument for unknown names,
// listing the known ones.
std::unique_ptr<Backend> makeBackend(const std::string& name);
std::vector<std::string> backendNames();  // the names makeBackend accepts, "cbc" first

// Debugging exports (CPLEX LP text format, fixed MPS). Names are sanitised (and made unique) for the
// format; the objective constant is kept (LP: constant term; MPS: negated RHS of the objective row).
enum class MpsFormat {
  Fixed,  // fixed columns; names longer than 8 characters are replaced by C<index>/R<index>
  Free    // whitespace-separated, full names
};
std::string toLpFormat(const Model& model);
std::string toMpsFormat(const Model& model);  // MpsFormat::Fixed
std::string toMpsFormat(const Model& model, MpsFormat format);

}  // namespace cosa::solver
