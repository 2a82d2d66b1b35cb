// MIP facade and its backends: small models whose optima are worked out by hand in the comments. The
// backend-independent tests run on every backend in backendNames() (SolverBackend/...); CBC- and
// GLPK-specific ones follow.

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cmath>
#include <iostream>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "solver/mip.hpp"
#include "stop_support.hpp"

namespace cosa::solver {
namespace {

using ::testing::HasSubstr;

Solution solve(const Model& model, SolveOptions options = {}) {
  return makeBackend("cbc")->solve(model, options);
}

bool hasBackend(const std::string& name) {
  const std::vector<std::string> names = backendNames();
  return std::find(names.begin(), names.end(), name) != names.end();
}

// Runs each test on one backend (the parameter).
class SolverBackend : public ::testing::TestWithParam<std::string> {
 protected:
  Solution solve(const Model& model, SolveOptions options = {}) const {
    return makeBackend(GetParam())->solve(model, options);
  }
};

// Market split (Cornuéjols-Dawande): `rows` equality knapsacks over `n` binaries, coefficients in
// [0, 99], right-hand sides taken from a hidden 0/1 vector. Finding any feasible point is notoriously
// hard for LP-based branch and bound, while the hidden vector is an optimal (objective 0) warm start.
// With `slack`, each row gets +-slack columns and the objective minimises their sum (always feasible).
Model marketSplit(int rows, int n, bool slack, std::vector<double>* hidden) {
  std::mt19937 rng(42);
  std::uniform_int_distribution<int> coef(0, 99);
  Model model;
  for (int j = 0; j < n; ++j) model.addVariable(fmt::format("x{}", j), 0, 1, VarType::Binary);
  std::vector<double> x(n);
  for (double& v : x) v = static_cast<double>(rng() % 2);
  std::vector<Term> objective;
  for (int i = 0; i < rows; ++i) {
    std::vector<Term> terms;
    double rhs = 0;
    for (int j = 0; j < n; ++j) {
      const int a = coef(rng);
      terms.push_back({j, double(a)});
      rhs += a * x[j];
    }
    if (slack) {
      const int plus = model.addVariable(fmt::format("plus{}", i), 0, kInfinity, VarType::Continuous);
      const int minus = model.addVariable(fmt::format("minus{}", i), 0, kInfinity, VarType::Continuous);
      terms.push_back({plus, 1});
      terms.push_back({minus, -1});
      objective.push_back({plus, 1});
      objective.push_back({minus, 1});
    }
    model.addEqual(fmt::format("split{}", i), terms, rhs);
  }
  model.setObjective(objective);
  if (hidden != nullptr) {
    *hidden = x;
    hidden->resize(model.numVariables(), 0.0);
  }
  return model;
}

// ---------------------------------------------------------------------------------------------------------
// Every backend: solves with known optima

// max 4a + 2b + c + 2d + 10e  s.t. 12a + 2b + c + d + 4e <= 15, as a minimisation.
Model knapsack() {
  Model m;
  const double value[] = {4, 2, 1, 2, 10}, weight[] = {12, 2, 1, 1, 4};
  std::vector<Term> objective, capacity;
  for (int j = 0; j < 5; ++j) {
    const int x = m.addVariable(fmt::format("item{}", j), 0, 1, VarType::Binary);
    objective.push_back({x, -value[j]});
    capacity.push_back({x, weight[j]});
  }
  m.addLessEqual("capacity", capacity, 15);
  m.setObjective(objective);
  return m;
}

TEST_P(SolverBackend, BinaryKnapsack) {
  // a (weight 12) fits only with weight 3 more (b+c or b+d or c+d: value <= 4): 4 + 4 = 8.
  // Without a all the rest fits (weight 8): 2 + 1 + 2 + 10 = 15. Optimum 15 at (0, 1, 1, 1, 1).
  const Model m = knapsack();
  const Solution s = solve(m);
  ASSERT_EQ(s.status, Status::Optimal) << s.message;
  EXPECT_TRUE(s.hasSolution());
  EXPECT_DOUBLE_EQ(s.objective, -15);
  EXPECT_DOUBLE_EQ(s.bound, -15);
  EXPECT_DOUBLE_EQ(s.gap, 0);
  EXPECT_FALSE(s.timed_out);
  EXPECT_THAT(s.values, ::testing::ElementsAre(0, 1, 1, 1, 1));
}

// max 5x + 4y  s.t. 6x + 4y <= 24, x + 2y <= 6, x, y >= 0.
// LP optimum at the vertex (3, 1.5) with value 21. Integer points on the frontier: (4, 0) -> 20,
// (3, 1) -> 19, (2, 2) -> 18, (0, 3) -> 12; so the integer optimum is 20 at (4, 0).
Model fractionalModel(VarType type) {
  Model m;
  const int x = m.addVariable("x", 0, kInfinity, type);
  const int y = m.addVariable("y", 0, kInfinity, type);
  m.addLessEqual("c1", {{x, 6}, {y, 4}}, 24);
  m.addLessEqual("c2", {{x, 1}, {y, 2}}, 6);
  m.setObjective({{x, -5}, {y, -4}});
  return m;
}

TEST_P(SolverBackend, IntegerProgramWithFractionalRelaxation) {
  const Solution s = solve(fractionalModel(VarType::Integer));
  ASSERT_EQ(s.status, Status::Optimal) << s.message;
  EXPECT_DOUBLE_EQ(s.objective, -20);
  EXPECT_THAT(s.values, ::testing::ElementsAre(4, 0));
}

TEST_P(SolverBackend, PureLinearProgram) {
  const Solution s = solve(fractionalModel(VarType::Continuous));
  ASSERT_EQ(s.status, Status::Optimal) << s.message;
  EXPECT_NEAR(s.objective, -21, 1e-9);
  EXPECT_NEAR(s.bound, -21, 1e-9);
  ASSERT_EQ(s.values.size(), 2u);
  EXPECT_NEAR(s.values[0], 3, 1e-9);
  EXPECT_NEAR(s.values[1], 1.5, 1e-9);
}

TEST_P(SolverBackend, InfeasibleLinearRelaxation) {
  // x + y >= 3 and x + y <= 2.
  Model m;
  const int x = m.addVariable("x", 0, 10, VarType::Integer);
  const int y = m.addVariable("y", 0, 10, VarType::Continuous);
  m.addGreaterEqual("low", {{x, 1}, {y, 1}}, 3);
  m.addLessEqual("high", {{x, 1}, {y, 1}}, 2);
  m.setObjective({{x, 1}});
  const Solution s = solve(m);
  EXPECT_EQ(s.status, Status::Infeasible) << s.message;
  EXPECT_FALSE(s.hasSolution());
  EXPECT_TRUE(s.values.empty());
  EXPECT_FALSE(s.timed_out);

  Model lp;  // the same with continuous variables only (the pure-LP path)
  const int u = lp.addVariable("u", 0, 10, VarType::Continuous);
  lp.addGreaterEqual("low", {{u, 1}}, 3);
  lp.addLessEqual("high", {{u, 1}}, 2);
  EXPECT_EQ(solve(lp).status, Status::Infeasible);
}

TEST_P(SolverBackend, IntegerInfeasibleButLpFeasible) {
  // 2x + 2y = 3 has fractional solutions only.
  Model m;
  const int x = m.addVariable("x", 0, 5, VarType::Integer);
  const int y = m.addVariable("y", 0, 5, VarType::Integer);
  m.addEqual("odd", {{x, 2}, {y, 2}}, 3);
  m.setObjective({{x, 1}, {y, 1}});
  const Solution s = solve(m);
  EXPECT_EQ(s.status, Status::Infeasible) << s.message;
  EXPECT_FALSE(s.hasSolution());
}

TEST_P(SolverBackend, UnboundedLinearProgram) {
  // min -x - y  s.t. x - y <= 1, x, y >= 0: the ray (1, 1) decreases the objective without end.
  Model m;
  const int x = m.addVariable("x", 0, kInfinity, VarType::Continuous);
  const int y = m.addVariable("y", 0, kInfinity, VarType::Continuous);
  m.addLessEqual("diff", {{x, 1}, {y, -1}}, 1);
  m.setObjective({{x, -1}, {y, -1}});
  const Solution s = solve(m);
  EXPECT_EQ(s.status, Status::Unbounded) << s.message;
  EXPECT_FALSE(s.hasSolution());
}

TEST_P(SolverBackend, UnboundedIntegerProgram) {
  Model m;
  const int x = m.addVariable("x", 0, kInfinity, VarType::Integer);
  const int y = m.addVariable("y", 0, kInfinity, VarType::Continuous);
  m.addLessEqual("diff", {{x, 1}, {y, -1}}, 1);
  m.setObjective({{x, -1}, {y, -1}});
  const Solution s = solve(m);
  EXPECT_EQ(s.status, Status::Unbounded) << s.message;
}

TEST_P(SolverBackend, BoundsOnlyModel) {
  // No rows: every variable sits at the bound its cost prefers. min x - y + 2z with
  // x in [2, 5] int, y in [-1, 3.5] int (so at most 3), z in [-2, 4] continuous: 2 - 3 - 4 = -5.
  Model m;
  const int x = m.addVariable("x", 2, 5, VarType::Integer);
  const int y = m.addVariable("y", -1, 3.5, VarType::Integer);
  const int z = m.addVariable("z", -2, 4, VarType::Continuous);
  m.setObjective({{x, 1}, {y, -1}, {z, 2}});
  const Solution s = solve(m);
  ASSERT_EQ(s.status, Status::Optimal) << s.message;
  EXPECT_DOUBLE_EQ(s.objective, -5);
  EXPECT_THAT(s.values, ::testing::ElementsAre(2, 3, -2));
}

TEST_P(SolverBackend, EqualityRows) {
  // x + y + z = 10, x - y = 3 (integers in [0, 10]), min z. x + y = 2y + 3 is odd, so x + y <= 9 and
  // z >= 1 (the LP relaxation reaches z = 0 with x = 6.5, y = 3.5). Optimum z = 1 at (6, 3, 1).
  Model m;
  const int x = m.addVariable("x", 0, 10, VarType::Integer);
  const int y = m.addVariable("y", 0, 10, VarType::Integer);
  const int z = m.addVariable("z", 0, 10, VarType::Integer);
  m.addEqual("sum", {{x, 1}, {y, 1}, {z, 1}}, 10);
  m.addEqual("diff", {{x, 1}, {y, -1}}, 3);
  m.setObjective({{z, 1}});
  const Solution s = solve(m);
  ASSERT_EQ(s.status, Status::Optimal) << s.message;
  EXPECT_DOUBLE_EQ(s.objective, 1);
  EXPECT_THAT(s.values, ::testing::ElementsAre(6, 3, 1));
}

TEST_P(SolverBackend, NegativeLowerBoundsOnIntegers) {
  // x in [-7, -2], y in [-3, 3] integers; x + y >= -8.5 (so x + y >= -8 on integers); min x + 2y =
  // (x + y) + y. Both terms at their minimum: y = -3, x + y = -8 -> x = -5 (within bounds). Optimum -11.
  Model m;
  const int x = m.addVariable("x", -7, -2, VarType::Integer);
  const int y = m.addVariable("y", -3, 3, VarType::Integer);
  m.addGreaterEqual("floor", {{x, 1}, {y, 1}}, -8.5);
  m.setObjective({{x, 1}, {y, 2}});
  const Solution s = solve(m);
  ASSERT_EQ(s.status, Status::Optimal) << s.message;
  EXPECT_DOUBLE_EQ(s.objective, -11);
  EXPECT_THAT(s.values, ::testing::ElementsAre(-5, -3));
}

TEST_P(SolverBackend, RangedRowsAndRepeatedTerms) {
  // 2 <= x + x + y <= 5 written with x twice; max 3x + y with x, y integers in [0, 10]:
  // 2x + y <= 5 -> x = 2, y = 1 gives 7; x = 1, y = 3 gives 6; x = 0, y = 5 gives 5. Optimum 7.
  Model m;
  const int x = m.addVariable("x", 0, 10, VarType::Integer);
  const int y = m.addVariable("y", 0, 10, VarType::Integer);
  m.addRow("range", {{x, 1}, {y, 1}, {x, 1}}, 2, 5);
  m.setObjective({{x, -3}, {y, -1}});
  const Solution s = solve(m);
  ASSERT_EQ(s.status, Status::Optimal) << s.message;
  EXPECT_DOUBLE_EQ(s.objective, -7);
  EXPECT_THAT(s.values, ::testing::ElementsAre(2, 1));
}

TEST_P(SolverBackend, ObjectiveConstantIsIncluded) {
  // The knapsack of IntegerProgramWithFractionalRelaxation plus 100: 80 (MIP) and 79 (LP).
  Model mip = fractionalModel(VarType::Integer);
  mip.setObjective(mip.objective(), 100);
  const Solution s = solve(mip);
  ASSERT_EQ(s.status, Status::Optimal) << s.message;
  EXPECT_DOUBLE_EQ(s.objective, 80);
  EXPECT_DOUBLE_EQ(s.bound, 80);
  EXPECT_DOUBLE_EQ(s.gap, 0);
  EXPECT_EQ(s.values.size(), 2u);  // no trace of the column that carries the constant

  Model lp = fractionalModel(VarType::Continuous);
  lp.setObjective(lp.objective(), 100);
  const Solution r = solve(lp);
  ASSERT_EQ(r.status, Status::Optimal) << r.message;
  EXPECT_NEAR(r.objective, 79, 1e-9);
  EXPECT_NEAR(r.bound, 79, 1e-9);
}

TEST_P(SolverBackend, ModelWithoutVariables) {
  Model m;
  m.setObjective({}, 4);
  Solution s = solve(m);
  EXPECT_EQ(s.status, Status::Optimal);
  EXPECT_DOUBLE_EQ(s.objective, 4);
  m.addGreaterEqual("impossible", {}, 1);  // 0 >= 1
  s = solve(m);
  EXPECT_EQ(s.status, Status::Infeasible);
}

TEST_P(SolverBackend, WarmStartIsUsed) {
  // Without help the backends find no feasible point of this instance in seconds (see
  // TimeLimitWithoutIncumbent); with the hidden solution as a warm start it is optimal (objective 0 =
  // LP bound) at once.
  std::vector<double> hidden;
  const Model m = marketSplit(3, 30, false, &hidden);
  SolveOptions options;
  options.time_limit_s = 5;
  options.warm_start = hidden;
  const Solution s = solve(m, options);
  ASSERT_EQ(s.status, Status::Optimal) << s.message;
  EXPECT_FALSE(s.timed_out);
  EXPECT_LT(s.time_s, 1.0);
  EXPECT_DOUBLE_EQ(s.objective, 0);
  // The returned point satisfies the equalities.
  for (const Row& row : m.rows()) {
    double lhs = 0;
    for (const Term& t : row.terms) lhs += t.coef * s.values[t.var];
    EXPECT_DOUBLE_EQ(lhs, row.lower) << row.name;
  }
}

TEST_P(SolverBackend, WarmStartOfWrongSizeIsRejected) {
  SolveOptions options;
  options.warm_start = {1.0};
  EXPECT_THROW(solve(fractionalModel(VarType::Integer), options), std::invalid_argument);
}

// 24 binaries worth 1 each; at most 12 picks, weights 1 (even index) or 2 (odd) against capacity 18.
// 12 picks with L light ones weigh 24 - L <= 18, so every choice of 12 with L >= 6 is optimal (-12):
// thousands of optima. Which one comes back is up to tie-breaking, which a fixed seed must reproduce.
Model manyOptima() {
  Model m;
  std::vector<Term> objective, count, weight;
  for (int j = 0; j < 24; ++j) {
    const int x = m.addVariable(fmt::format("x{}", j), 0, 1, VarType::Binary);
    objective.push_back({x, -1});
    count.push_back({x, 1});
    weight.push_back({x, j % 2 == 0 ? 1.0 : 2.0});
  }
  m.addLessEqual("count", count, 12);
  m.addLessEqual("weight", weight, 18);
  m.setObjective(objective);
  return m;
}

TEST_P(SolverBackend, SameSeedSameSolution) {
  const Model m = manyOptima();
  SolveOptions options;
  options.seed = 7;
  const Solution first = solve(m, options);
  ASSERT_EQ(first.status, Status::Optimal) << first.message;
  EXPECT_DOUBLE_EQ(first.objective, -12);
  for (int run = 0; run < 3; ++run) {
    const Solution again = solve(m, options);
    ASSERT_EQ(again.status, Status::Optimal);
    EXPECT_EQ(again.values, first.values) << "run " << run;
  }
}

TEST_P(SolverBackend, TimeLimitWithoutIncumbent) {
  const Model m = marketSplit(3, 30, false, nullptr);
  SolveOptions options;
  options.time_limit_s = 0.25;
  options.relative_gap = 0;
  const Solution s = solve(m, options);
  EXPECT_TRUE(s.timed_out);
  EXPECT_TRUE(s.status == Status::NoSolutionFound || s.status == Status::Feasible) << toString(s.status);
  EXPECT_LT(s.time_s, 2 * options.time_limit_s + 0.1);
  if (s.status == Status::NoSolutionFound) {
    EXPECT_TRUE(s.values.empty());
  }
}

TEST_P(SolverBackend, TimeLimitWithIncumbent) {
  // With slacks, any 0/1 vector is feasible, so the search stops on time holding an incumbent.
  const Model m = marketSplit(4, 40, true, nullptr);
  SolveOptions options;
  options.time_limit_s = 0.25;
  options.relative_gap = 0;
  const Solution s = solve(m, options);
  EXPECT_TRUE(s.timed_out);
  ASSERT_EQ(s.status, Status::Feasible) << s.message;
  EXPECT_LT(s.time_s, 2 * options.time_limit_s + 0.1);
  EXPECT_EQ(s.values.size(), static_cast<size_t>(m.numVariables()));
  EXPECT_GT(s.objective, 0);
  EXPECT_LE(s.bound, s.objective);
  EXPECT_GT(s.gap, 0);
}

TEST_P(SolverBackend, SilentUnlessVerbose) {
  const Model m = fractionalModel(VarType::Integer);
  testing::internal::CaptureStdout();
  testing::internal::CaptureStderr();
  solve(m);
  solve(fractionalModel(VarType::Continuous));
  EXPECT_EQ(testing::internal::GetCapturedStdout(), "");
  EXPECT_EQ(testing::internal::GetCapturedStderr(), "");

  SolveOptions verbose;
  verbose.verbose = true;
  testing::internal::CaptureStdout();
  testing::internal::CaptureStderr();
  solve(m, verbose);
  EXPECT_EQ(testing::internal::GetCapturedStdout(), "");  // the log goes to stderr
  std::string log = testing::internal::GetCapturedStderr();
  std::transform(log.begin(), log.end(), log.begin(), [](unsigned char c) { return std::tolower(c); });
  EXPECT_THAT(log, HasSubstr("optimal"));  // CBC: "Optimal", GLPK: "INTEGER OPTIMAL SOLUTION FOUND"
}

TEST_P(SolverBackend, RejectsBadOptionsBeforeSolving) {
  const Model m = fractionalModel(VarType::Integer);
  SolveOptions options;
  options.time_limit_s = -1;
  EXPECT_THROW(solve(m, options), std::invalid_argument);
  options.time_limit_s = std::nan("");
  EXPECT_THROW(solve(m, options), std::invalid_argument);
  Model bad = m;
  bad.addLessEqual("late", {{7, 1}}, 1);  // no variable #7
  EXPECT_THROW(solve(bad), std::invalid_argument);
}

TEST_P(SolverBackend, ZeroTimeLimit) {
  // No time at all: no search, but a clear answer (no solution, timed out), and a model without
  // variables is still decided by its rows.
  SolveOptions options;
  options.time_limit_s = 0;
  const Solution s = solve(marketSplit(3, 30, false, nullptr), options);
  EXPECT_TRUE(s.status == Status::NoSolutionFound || s.status == Status::Feasible) << toString(s.status);
  if (s.status == Status::NoSolutionFound) {
    EXPECT_TRUE(s.timed_out);
    EXPECT_TRUE(s.values.empty());
  }
  EXPECT_LT(s.time_s, 1.0);
  Model empty;
  empty.setObjective({}, 2);
  const Solution e = solve(empty, options);
  EXPECT_EQ(e.status, Status::Optimal);
  EXPECT_DOUBLE_EQ(e.objective, 2);
}

TEST_P(SolverBackend, BinaryBoundsAreClampedAndIntegerBoundsRounded) {
  // b is binary with bounds [-2, 3] (so [0, 1]); n is integer in [-2.5, 7.9] (so [-2, 7]).
  // max b + n s.t. n - b <= 5.5: b = 1, n = 6 (n - b = 5; n = 7 would need b = 1.5), objective -7.
  Model m;
  const int b = m.addVariable("b", -2, 3, VarType::Binary);
  const int n = m.addVariable("n", -2.5, 7.9, VarType::Integer);
  m.addLessEqual("gap", {{n, 1}, {b, -1}}, 5.5);
  m.setObjective({{b, -1}, {n, -1}});
  Solution s = solve(m);
  ASSERT_EQ(s.status, Status::Optimal) << s.message;
  EXPECT_DOUBLE_EQ(s.objective, -7);
  EXPECT_THAT(s.values, ::testing::ElementsAre(1, 6));
  // Minimised instead: b = 0 and n = -2 (its lowest integer).
  m.setObjective({{b, 1}, {n, 1}});
  s = solve(m);
  ASSERT_EQ(s.status, Status::Optimal) << s.message;
  EXPECT_THAT(s.values, ::testing::ElementsAre(0, -2));
}

TEST_P(SolverBackend, FreeRowsAndVariables) {
  // A free row constrains nothing; a free variable is pinned by an equality. min (y - x) + k with
  // x - y = -2.5 (x free, y in [0, 10]), a free row x + y, and integer k >= 1.5 (so k = 2):
  // y - x = 2.5 whatever x is, objective 4.5.
  Model m;
  const int x = m.addVariable("x", -kInfinity, kInfinity, VarType::Continuous);
  const int y = m.addVariable("y", 0, 10, VarType::Continuous);
  const int k = m.addVariable("k", 0, 3, VarType::Integer);
  m.addRow("free", {{x, 1}, {y, 1}}, -kInfinity, kInfinity);
  m.addEqual("pin", {{x, 1}, {y, -1}}, -2.5);
  m.addGreaterEqual("k", {{k, 2}}, 3);  // k >= 1.5: k = 2
  m.setObjective({{y, 1}, {x, -1}, {k, 1}});
  const Solution s = solve(m);
  ASSERT_EQ(s.status, Status::Optimal) << s.message;
  EXPECT_NEAR(s.objective, 4.5, 1e-9);
  ASSERT_EQ(s.values.size(), 3u);
  EXPECT_NEAR(s.values[0] - s.values[1], -2.5, 1e-9);
  EXPECT_DOUBLE_EQ(s.values[2], 2);
}

TEST_P(SolverBackend, OptimalWithinALooseGap) {
  // A 60-item knapsack (values and weights in [10, 99], half the total weight fits): with a 5%
  // tolerance the search may stop early, but an Optimal answer must then carry a bound that proves
  // it: bound <= objective and gap = (objective - bound) / |objective| <= 5%.
  std::mt19937 rng(3);
  std::uniform_int_distribution<int> draw(10, 99);
  Model m;
  std::vector<Term> objective, capacity;
  double total_weight = 0;
  for (int j = 0; j < 60; ++j) {
    const int x = m.addVariable(fmt::format("x{}", j), 0, 1, VarType::Binary);
    const double weight = draw(rng);
    objective.push_back({x, -double(draw(rng))});
    capacity.push_back({x, weight});
    total_weight += weight;
  }
  m.addLessEqual("capacity", capacity, std::floor(total_weight / 2));
  m.setObjective(objective, 100);
  SolveOptions options;
  options.relative_gap = 0.05;
  const Solution s = solve(m, options);
  ASSERT_EQ(s.status, Status::Optimal) << s.message;
  EXPECT_LT(s.objective, 0);
  EXPECT_LE(s.bound, s.objective);
  EXPECT_LE(s.gap, 0.05 + 1e-12);
  EXPECT_NEAR(s.gap, (s.objective - s.bound) / std::abs(s.objective), 1e-12);
  // The same to optimality is no better than the bound claimed.
  options.relative_gap = 0;
  const Solution exact = solve(m, options);
  ASSERT_EQ(exact.status, Status::Optimal) << exact.message;
  EXPECT_LE(exact.objective, s.objective + 1e-9);
  EXPECT_GE(exact.objective, s.bound - 1e-9);
}

TEST_P(SolverBackend, InfeasibleWarmStartIsIgnored) {
  // BinaryKnapsack's knapsack (optimum -15 at (0, 1, 1, 1, 1)) with a start that breaks the capacity
  // (every item, -19): it must not be taken as an incumbent.
  const Model m = knapsack();
  SolveOptions options;
  options.warm_start = {1, 1, 1, 1, 1};  // objective -19, weight 20 > 15
  const Solution s = solve(m, options);
  ASSERT_EQ(s.status, Status::Optimal) << s.message;
  EXPECT_DOUBLE_EQ(s.objective, -15);
  EXPECT_THAT(s.values, ::testing::ElementsAre(0, 1, 1, 1, 1));
}

TEST_P(SolverBackend, ConcurrentSolvesOnSeveralThreads) {
  // `cosa network --jobs N` solves layers on several threads at once: each solve must be independent.
  const Model mip = fractionalModel(VarType::Integer);
  const Model lp = fractionalModel(VarType::Continuous);
  const Model knapsack = manyOptima();
  std::vector<Solution> results(12);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (std::size_t i = t; i < results.size(); i += 4) {
        results[i] = solve(i % 3 == 0 ? mip : i % 3 == 1 ? lp : knapsack);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (std::size_t i = 0; i < results.size(); ++i) {
    ASSERT_EQ(results[i].status, Status::Optimal) << i << ": " << results[i].message;
    EXPECT_NEAR(results[i].objective, i % 3 == 0 ? -20 : i % 3 == 1 ? -21 : -12, 1e-9) << i;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Every backend: the stop flag and the time limit end a solve anywhere, the LP relaxation included

using test::kStopLatencyBoundS;
using test::secondsSince;
using test::StopLater;
using Clock = std::chrono::steady_clock;

// A dense random LP: 1000 rows, 2000 columns in [0, 10], 10% of the coefficients non-zero. Clp solves
// it in about 2 s as an LP and GLPK in about 3 s; with integer columns CBC's root LP (Dantzig
// pricing) runs for minutes, which CbcModel::initialSolve did past any time limit.
Model slowLp(VarType type) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> unit(0, 1);
  Model model;
  const int rows = 1000, columns = 2000;
  for (int j = 0; j < columns; ++j) model.addVariable(fmt::format("x{}", j), 0, 10, type);
  for (int i = 0; i < rows; ++i) {
    std::vector<Term> terms;
    for (int j = 0; j < columns; ++j)
      if (unit(rng) < 0.1) terms.push_back({j, std::floor(1 + 99 * unit(rng))});
    const double rhs = 100.0 * static_cast<double>(terms.size());
    model.addLessEqual(fmt::format("r{}", i), std::move(terms), rhs);
  }
  std::vector<Term> objective;
  for (int j = 0; j < columns; ++j) objective.push_back({j, -std::floor(1 + 99 * unit(rng))});
  model.setObjective(objective);
  return model;
}

TEST_P(SolverBackend, StopFlagEndsTheSearchWithItsIncumbent) {
  // With slacks any 0/1 vector is feasible, and closing the gap to 0 takes far longer than a minute.
  const Model m = marketSplit(4, 40, true, nullptr);
  std::atomic<bool> stop{false};
  SolveOptions options;
  options.time_limit_s = 600;
  options.relative_gap = 0;
  options.stop = &stop;
  const auto start = Clock::now();
  Solution s;
  {
    const StopLater later(stop, 0.2);
    s = solve(m, options);
  }
  const double took = secondsSince(start);
  EXPECT_LT(took, 0.2 + kStopLatencyBoundS) << "the stop flag was not honoured";
  EXPECT_TRUE(s.interrupted);
  EXPECT_FALSE(s.timed_out);
  ASSERT_EQ(s.status, Status::Feasible) << s.message;
  EXPECT_THAT(s.message, HasSubstr("stop request"));
  EXPECT_EQ(s.values.size(), static_cast<size_t>(m.numVariables()));
  EXPECT_GT(s.objective, 0);
  EXPECT_LE(s.bound, s.objective);
  std::cout << GetParam() << ": stopped " << took - 0.2 << " s after the stop request\n";
}

TEST_P(SolverBackend, StopFlagEndsTheSearchWithoutIncumbent) {
  // Without slacks a feasible point is hard to find: a stop there is no proof of anything.
  const Model m = marketSplit(3, 30, false, nullptr);
  std::atomic<bool> stop{false};
  SolveOptions options;
  options.time_limit_s = 600;
  options.relative_gap = 0;
  options.stop = &stop;
  const auto start = Clock::now();
  Solution s;
  {
    const StopLater later(stop, 0.2);
    s = solve(m, options);
  }
  EXPECT_LT(secondsSince(start), 0.2 + kStopLatencyBoundS) << "the stop flag was not honoured";
  EXPECT_TRUE(s.interrupted);
  EXPECT_TRUE(s.status == Status::NoSolutionFound || s.status == Status::Feasible) << toString(s.status);
  if (s.status == Status::NoSolutionFound) {
    EXPECT_TRUE(s.values.empty());
  }
}

TEST_P(SolverBackend, StopFlagSetBeforeTheSolve) {
  std::atomic<bool> stop{true};
  SolveOptions options;
  options.time_limit_s = 600;
  options.relative_gap = 0;
  options.stop = &stop;
  const Solution s = solve(marketSplit(4, 40, true, nullptr), options);
  EXPECT_LT(s.time_s, kStopLatencyBoundS);
  EXPECT_TRUE(s.interrupted);
  EXPECT_NE(s.status, Status::Optimal);
  EXPECT_NE(s.status, Status::Infeasible);
}

TEST_P(SolverBackend, StopFlagLeftUnsetChangesNothing) {
  // The same answers with and without a flag that is never raised.
  std::atomic<bool> stop{false};
  SolveOptions with_flag;
  with_flag.stop = &stop;
  for (const Model& m : {manyOptima(), knapsack(), marketSplit(2, 12, true, nullptr)}) {
    const Solution plain = solve(m), flagged = solve(m, with_flag);
    ASSERT_EQ(plain.status, Status::Optimal) << plain.message;
    EXPECT_EQ(flagged.status, plain.status);
    EXPECT_FALSE(flagged.interrupted);
    EXPECT_EQ(flagged.values, plain.values);
    EXPECT_DOUBLE_EQ(flagged.objective, plain.objective);
  }
}

TEST_P(SolverBackend, StopFlagEndsTheLpRelaxation) {
  for (VarType type : {VarType::Integer, VarType::Continuous}) {
    const Model m = slowLp(type);
    std::atomic<bool> stop{false};
    SolveOptions options;
    options.time_limit_s = 600;
    options.stop = &stop;
    const auto start = Clock::now();
    Solution s;
    {
      const StopLater later(stop, 0.2);
      s = solve(m, options);
    }
    const double took = secondsSince(start);
    EXPECT_LT(took, 0.2 + kStopLatencyBoundS) << (type == VarType::Integer ? "MIP" : "LP");
    EXPECT_TRUE(s.interrupted);
    EXPECT_FALSE(s.timed_out);
    EXPECT_EQ(s.status, Status::NoSolutionFound) << s.message;
    EXPECT_TRUE(s.values.empty());
    EXPECT_THAT(s.message, HasSubstr("stop request"));
    std::cout << GetParam() << (type == VarType::Integer ? " MIP" : " LP") << ": stopped " << took - 0.2
              << " s after the stop request\n";
  }
}

TEST_P(SolverBackend, TimeLimitBoundsTheLpRelaxation) {
  for (VarType type : {VarType::Integer, VarType::Continuous}) {
    SolveOptions options;
    options.time_limit_s = 0.1;
    const Solution s = solve(slowLp(type), options);
    EXPECT_LT(s.time_s, options.time_limit_s + 1.0) << (type == VarType::Integer ? "MIP" : "LP");
    EXPECT_TRUE(s.timed_out);
    EXPECT_FALSE(s.interrupted);
    EXPECT_EQ(s.status, Status::NoSolutionFound) << s.message;
    EXPECT_THAT(s.message, HasSubstr("time limit"));
  }
}

INSTANTIATE_TEST_SUITE_P(AllBackends, SolverBackend, ::testing::ValuesIn(backendNames()),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

// ---------------------------------------------------------------------------------------------------------
// CBC only

TEST(SolverCbc, MultipleThreads) {
  SolveOptions options;
  options.threads = 2;
  const Solution s = solve(fractionalModel(VarType::Integer), options);
  ASSERT_EQ(s.status, Status::Optimal) << s.message;
  EXPECT_DOUBLE_EQ(s.objective, -20);
}

TEST(SolverCbc, SameSeedSameSolutionInParallel) {
  const Model m = manyOptima();
  SolveOptions options;
  options.seed = 7;
  options.threads = 2;  // CBC's deterministic parallel mode
  const Solution parallel = solve(m, options);
  ASSERT_EQ(parallel.status, Status::Optimal) << parallel.message;
  EXPECT_DOUBLE_EQ(parallel.objective, -12);
  for (int run = 0; run < 3; ++run) {
    EXPECT_EQ(solve(m, options).values, parallel.values) << "parallel run " << run;
  }
}

// ---------------------------------------------------------------------------------------------------------
// GLPK only (GLPK has no MIP-start API: the warm start goes in through its heuristic callback)

class SolverGlpk : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!hasBackend("glpk")) GTEST_SKIP() << "built without GLPK (COSA_WITH_GLPK=OFF)";
  }
  static Solution solve(const Model& model, SolveOptions options = {}) {
    return makeBackend("glpk")->solve(model, options);
  }
};

TEST_F(SolverGlpk, InfeasibleWarmStartIsNotedInTheMessage) {
  Model m = fractionalModel(VarType::Integer);
  SolveOptions options;
  options.warm_start = {4, 1};  // 6*4 + 4*1 = 28 > 24
  const Solution s = solve(m, options);
  ASSERT_EQ(s.status, Status::Optimal) << s.message;
  EXPECT_DOUBLE_EQ(s.objective, -20);
  EXPECT_THAT(s.message, HasSubstr("warm start ignored"));
  EXPECT_THAT(s.message, HasSubstr("'c1'"));
  options.warm_start = {3.5, 0};  // fractional integer
  EXPECT_THAT(solve(m, options).message, HasSubstr("fractional"));
}

TEST_F(SolverGlpk, WarmStartIsReturnedWhenTheTimeLimitComesFirst) {
  // No time to solve even the LP relaxation: the (checked) warm start is the incumbent.
  std::vector<double> hidden;
  const Model m = marketSplit(3, 30, false, &hidden);
  SolveOptions options;
  options.time_limit_s = 0;
  options.warm_start = hidden;
  const Solution s = solve(m, options);
  ASSERT_EQ(s.status, Status::Feasible) << s.message;
  EXPECT_TRUE(s.timed_out);
  EXPECT_EQ(s.values, hidden);
  EXPECT_DOUBLE_EQ(s.objective, 0);
  EXPECT_THAT(s.message, HasSubstr("warm start"));
}

TEST_F(SolverGlpk, AcceptsNearlyIntegralWarmStartValues) {
  // 2.9999999997 is 3 for the check, and 3 is what GLPK is given (it wants exact integers).
  SolveOptions options;
  options.warm_start = {3.9999999997, 1e-10};
  const Solution s = solve(fractionalModel(VarType::Integer), options);
  ASSERT_EQ(s.status, Status::Optimal) << s.message;
  EXPECT_DOUBLE_EQ(s.objective, -20);
  EXPECT_EQ(s.message.find("warm start"), std::string::npos) << s.message;
}

// ---------------------------------------------------------------------------------------------------------
// Facade

TEST(MipBackend, UnknownNameListsKnownBackends) {
  EXPECT_EQ(makeBackend("cbc")->name(), "cbc");
  EXPECT_EQ(makeBackend("CBC")->name(), "cbc");
  ASSERT_FALSE(backendNames().empty());
  EXPECT_EQ(backendNames().front(), "cbc");  // the default comes first
  for (const std::string& name : backendNames()) EXPECT_EQ(makeBackend(name)->name(), name);
  try {
    makeBackend("gurobi");
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_THAT(e.what(), HasSubstr("gurobi"));
    for (const std::string& name : backendNames()) EXPECT_THAT(e.what(), HasSubstr(name));
  }
}

// Backends and exports rely on it: no variable twice in a row or the objective.
TEST(MipModel, RepeatedTermsAreSummedAndCancelledOnesDropped) {
  Model m;
  const int x = m.addVariable("x", 0, 10, VarType::Continuous);
  const int y = m.addVariable("y", 0, 10, VarType::Continuous);
  m.addLessEqual("row", {{y, 2}, {x, 1}, {y, -2}, {x, 3}}, 8);
  m.setObjective({{x, 1}, {y, 1}, {x, 0.5}});
  ASSERT_EQ(m.rows()[0].terms.size(), 1u);
  EXPECT_EQ(m.rows()[0].terms[0].var, x);
  EXPECT_EQ(m.rows()[0].terms[0].coef, 4);
  ASSERT_EQ(m.objective().size(), 2u);
  EXPECT_EQ(m.objective()[0].var, x);
  EXPECT_EQ(m.objective()[0].coef, 1.5);
  EXPECT_EQ(m.objective()[1].var, y);
  EXPECT_EQ(m.objective()[1].coef, 1);
}

TEST(MipModel, StatusNames) {
  EXPECT_STREQ(toString(Status::Optimal), "optimal");
  EXPECT_STREQ(toString(Status::Feasible), "feasible");
  EXPECT_STREQ(toString(Status::Infeasible), "infeasible");
  EXPECT_STREQ(toString(Status::Unbounded), "unbounded");
  EXPECT_STREQ(toString(Status::NoSolutionFound), "no-solution-found");
  EXPECT_STREQ(toString(Status::Error), "error");
}

TEST(MipModel, RejectsMalformedInput) {
  Model m;
  const int x = m.addVariable("x", 0, 1, VarType::Continuous);
  EXPECT_EQ(x, 0);
  EXPECT_THROW(m.addVariable("bad", 2, 1, VarType::Integer), std::invalid_argument);
  EXPECT_THROW(m.addVariable("nan", std::nan(""), 1, VarType::Continuous), std::invalid_argument);
  EXPECT_THROW(m.addVariable("bin", 2, 3, VarType::Binary), std::invalid_argument);
  EXPECT_THROW(m.addVariable("noint", 0.2, 0.8, VarType::Integer), std::invalid_argument);
  EXPECT_THROW(m.addLessEqual("nan", {{x, std::nan("")}}, 1), std::invalid_argument);
  EXPECT_THROW(m.addLessEqual("inf", {{x, INFINITY}}, 1), std::invalid_argument);
  EXPECT_THROW(m.addLessEqual("neg", {{-1, 1}}, 1), std::invalid_argument);
  EXPECT_THROW(m.addRow("empty range", {{x, 1}}, 3, 2), std::invalid_argument);
  EXPECT_THROW(m.setObjective({{x, std::nan("")}}), std::invalid_argument);
  EXPECT_THROW(m.setObjective({{x, 1}}, INFINITY), std::invalid_argument);
  EXPECT_EQ(m.numVariables(), 1);
  EXPECT_EQ(m.numRows(), 0);
  try {
    m.addRow("r", {{x, 1}}, 3, 2);
  } catch (const std::invalid_argument& e) {
    EXPECT_THAT(e.what(), HasSubstr("'r'"));
    EXPECT_THAT(e.what(), HasSubstr("lower bound 3 exceeds upper bound 2"));
  }
}

TEST(MipModel, ValidateChecksVariableIndices) {
  Model m;
  const int x = m.addVariable("x", 0, 1, VarType::Continuous);
  m.addLessEqual("late", {{x, 1}, {1, 1}}, 1);  // variable 1 does not exist (yet)
  try {
    m.validate();
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_THAT(e.what(), HasSubstr("'late'"));
    EXPECT_THAT(e.what(), HasSubstr("out of range"));
  }
  for (const std::string& name : backendNames()) {
    EXPECT_THROW(makeBackend(name)->solve(m, {}), std::invalid_argument) << name;
  }
  EXPECT_THROW(toLpFormat(m), std::invalid_argument);
  m.addVariable("y", 0, 1, VarType::Continuous);
  EXPECT_NO_THROW(m.validate());
  m.setObjective({{5, 1}});
  EXPECT_THROW(m.validate(), std::invalid_argument);
}

// A model touching every export feature: names needing sanitising, ranged/equality/free rows, integer,
// binary, free and fixed variables, objective constant.
Model exportModel() {
  Model m;
  const int x = m.addVariable("x y", -5, 10, VarType::Integer);
  const int e = m.addVariable("e1", 0, kInfinity, VarType::Continuous);
  const int b = m.addVariable("a_long_binary_name", 0, 1, VarType::Binary);
  const int f = m.addVariable("free", -kInfinity, kInfinity, VarType::Continuous);
  const int k = m.addVariable("k", 2, 2, VarType::Integer);
  m.addRow("range", {{x, 1}, {e, 2}, {b, 1}}, 1.5, 7.25);
  m.addEqual("eq", {{f, 1}, {x, -1}}, 0.5);
  m.addGreaterEqual("", {{e, 1}, {b, 3}, {k, 1}}, 1);
  m.addLessEqual("eq", {{x, 1}, {k, 1}}, 9);  // duplicate name
  m.setObjective({{x, 1}, {e, 1}, {b, -2}, {f, 0.1}}, 3.5);
  return m;
}

TEST(MipExport, LpFormatSections) {
  const std::string lp = toLpFormat(exportModel());
  for (const char* section :
       {"Minimize\n", "Subject To\n", "Bounds\n", "Generals\n", "Binaries\n", "End\n"}) {
    EXPECT_THAT(lp, HasSubstr(section)) << section;
  }
  EXPECT_LT(lp.find("Minimize"), lp.find("Subject To"));
  EXPECT_LT(lp.find("Subject To"), lp.find("Bounds"));
  EXPECT_LT(lp.find("Bounds"), lp.find("Generals"));
  EXPECT_LT(lp.find("Generals"), lp.find("Binaries"));
  EXPECT_LT(lp.find("Binaries"), lp.find("End"));
  EXPECT_THAT(lp, HasSubstr(" obj: x_y + _e1 - 2 a_long_binary_name + 0.1 free_ + 3.5\n"));
  EXPECT_THAT(lp, HasSubstr(" range_lo: x_y + 2 _e1 + a_long_binary_name >= 1.5\n"));
  EXPECT_THAT(lp, HasSubstr(" range_hi: x_y + 2 _e1 + a_long_binary_name <= 7.25\n"));
  EXPECT_THAT(lp, HasSubstr(" eq: free_ - x_y = 0.5\n"));
  EXPECT_THAT(lp, HasSubstr(" r2: _e1 + 3 a_long_binary_name + k >= 1\n"));
  EXPECT_THAT(lp, HasSubstr(" eq_3: x_y + k <= 9\n"));
  EXPECT_THAT(lp, HasSubstr(" -5 <= x_y <= 10\n"));
  EXPECT_THAT(lp, HasSubstr(" free_ free\n"));
  EXPECT_THAT(lp, HasSubstr(" k = 2\n"));
  EXPECT_THAT(lp, HasSubstr("Generals\n x_y\n k\n"));
  EXPECT_THAT(lp, HasSubstr("Binaries\n a_long_binary_name\n"));
}

// A variable may appear only once per LP expression (GLPK and CPLEX reject repeats): repeats are
// summed in first-appearance order, and cancelled ones dropped.
TEST(MipExport, LpMergesRepeatedTerms) {
  Model m;
  const int x = m.addVariable("x", 0, 10, VarType::Continuous);
  const int y = m.addVariable("y", 0, 10, VarType::Continuous);
  m.addLessEqual("row", {{y, 2}, {x, 1}, {y, -2}, {x, 3}}, 8);
  m.addGreaterEqual("gone", {{x, 1}, {x, -1}}, -1);
  m.setObjective({{x, 1}, {y, 1}, {x, 0.5}});
  const std::string lp = toLpFormat(m);
  EXPECT_THAT(lp, HasSubstr(" obj: 1.5 x + y\n"));
  EXPECT_THAT(lp, HasSubstr(" row: 4 x <= 8\n"));
  EXPECT_THAT(lp, HasSubstr(" gone: 0 x >= -1\n"));
}

TEST(MipExport, FixedMpsSections) {
  const std::string mps = toMpsFormat(exportModel());
  for (const char* section : {"NAME", "ROWS\n", "COLUMNS\n", "RHS\n", "RANGES\n", "BOUNDS\n", "ENDATA\n"}) {
    EXPECT_THAT(mps, HasSubstr(section)) << section;
  }
  EXPECT_THAT(mps, HasSubstr("'MARKER'                 'INTORG'"));
  EXPECT_THAT(mps, HasSubstr("'MARKER'                 'INTEND'"));
  // Long names are replaced by generated 8-character ones, listed in comments.
  EXPECT_THAT(mps, HasSubstr("* column C0000002 = a_long_binary_name\n"));
  EXPECT_THAT(mps, HasSubstr(" N  OBJ\n G  range\n E  eq\n G  R2\n L  eq_3\n"));
  EXPECT_THAT(mps, HasSubstr("    RHS       OBJ               -3.5\n"));  // constant 3.5
  EXPECT_THAT(mps, HasSubstr("    RNG       range             5.75\n"));
  EXPECT_THAT(mps, HasSubstr(" LO BND       C0000000            -5\n UP BND       C0000000            10\n"));
  EXPECT_THAT(mps, HasSubstr(" FR BND       C0000003\n"));
  EXPECT_THAT(mps, HasSubstr(" FX BND       C0000004             2\n"));
  EXPECT_THAT(mps, HasSubstr("    C0000004  R2                   1\n"));
}

TEST(MipExport, FreeMpsKeepsNames) {
  const std::string mps = toMpsFormat(exportModel(), MpsFormat::Free);
  EXPECT_THAT(mps, HasSubstr("a_long_binary_name"));
  EXPECT_THAT(mps, HasSubstr(" x_y "));
  EXPECT_THAT(mps, ::testing::Not(HasSubstr("C0000002")));
  EXPECT_THAT(mps, HasSubstr("ENDATA\n"));
}

}  // namespace
}  // namespace cosa::solver
