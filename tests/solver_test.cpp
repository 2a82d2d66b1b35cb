// MIP facade and CBC backend: small models whose optima are worked out by hand in the comments.

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "solver/mip.hpp"

namespace cosa::solver {
namespace {

using ::testing::HasSubstr;

Solution solve(const Model& model, SolveOptions options = {}) {
  return makeBackend("cbc")->solve(model, options);
}

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
// CBC solves with known optima

TEST(SolverCbc, BinaryKnapsack) {
  // max 4a + 2b + c + 2d + 10e  s.t. 12a + 2b + c + d + 4e <= 15.
  // a (weight 12) fits only with weight 3 more (b+c or b+d or c+d: value <= 4): 4 + 4 = 8.
  // Without a all the rest fits (weight 8): 2 + 1 + 2 + 10 = 15. Optimum 15 at (0, 1, 1, 1, 1).
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

TEST(SolverCbc, IntegerProgramWithFractionalRelaxation) {
  const Solution s = solve(fractionalModel(VarType::Integer));
  ASSERT_EQ(s.status, Status::Optimal) << s.message;
  EXPECT_DOUBLE_EQ(s.objective, -20);
  EXPECT_THAT(s.values, ::testing::ElementsAre(4, 0));
}

TEST(SolverCbc, PureLinearProgram) {
  const Solution s = solve(fractionalModel(VarType::Continuous));
  ASSERT_EQ(s.status, Status::Optimal) << s.message;
  EXPECT_NEAR(s.objective, -21, 1e-9);
  EXPECT_NEAR(s.bound, -21, 1e-9);
  ASSERT_EQ(s.values.size(), 2u);
  EXPECT_NEAR(s.values[0], 3, 1e-9);
  EXPECT_NEAR(s.values[1], 1.5, 1e-9);
}

TEST(SolverCbc, InfeasibleLinearRelaxation) {
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

  Model lp;  // the same with continuous variables only (the Clp path)
  const int u = lp.addVariable("u", 0, 10, VarType::Continuous);
  lp.addGreaterEqual("low", {{u, 1}}, 3);
  lp.addLessEqual("high", {{u, 1}}, 2);
  EXPECT_EQ(solve(lp).status, Status::Infeasible);
}

TEST(SolverCbc, IntegerInfeasibleButLpFeasible) {
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

TEST(SolverCbc, UnboundedLinearProgram) {
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

TEST(SolverCbc, UnboundedIntegerProgram) {
  Model m;
  const int x = m.addVariable("x", 0, kInfinity, VarType::Integer);
  const int y = m.addVariable("y", 0, kInfinity, VarType::Continuous);
  m.addLessEqual("diff", {{x, 1}, {y, -1}}, 1);
  m.setObjective({{x, -1}, {y, -1}});
  const Solution s = solve(m);
  EXPECT_EQ(s.status, Status::Unbounded) << s.message;
}

TEST(SolverCbc, BoundsOnlyModel) {
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

TEST(SolverCbc, EqualityRows) {
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

TEST(SolverCbc, NegativeLowerBoundsOnIntegers) {
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

TEST(SolverCbc, RangedRowsAndRepeatedTerms) {
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

TEST(SolverCbc, ObjectiveConstantIsIncluded) {
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

TEST(SolverCbc, ModelWithoutVariables) {
  Model m;
  m.setObjective({}, 4);
  Solution s = solve(m);
  EXPECT_EQ(s.status, Status::Optimal);
  EXPECT_DOUBLE_EQ(s.objective, 4);
  m.addGreaterEqual("impossible", {}, 1);  // 0 >= 1
  s = solve(m);
  EXPECT_EQ(s.status, Status::Infeasible);
}

TEST(SolverCbc, MultipleThreads) {
  SolveOptions options;
  options.threads = 2;
  const Solution s = solve(fractionalModel(VarType::Integer), options);
  ASSERT_EQ(s.status, Status::Optimal) << s.message;
  EXPECT_DOUBLE_EQ(s.objective, -20);
}

TEST(SolverCbc, WarmStartIsUsed) {
  // Without help CBC finds no feasible point of this instance in seconds (see TimeLimitWithoutIncumbent);
  // with the hidden solution as a warm start it is optimal (objective 0 = LP bound) at once.
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

TEST(SolverCbc, WarmStartOfWrongSizeIsRejected) {
  SolveOptions options;
  options.warm_start = {1.0};
  EXPECT_THROW(solve(fractionalModel(VarType::Integer), options), std::invalid_argument);
}

TEST(SolverCbc, SameSeedSameSolution) {
  // 24 binaries worth 1 each; at most 12 picks, weights 1 (even index) or 2 (odd) against capacity 18.
  // 12 picks with L light ones weigh 24 - L <= 18, so every choice of 12 with L >= 6 is optimal (-12):
  // thousands of optima. Which one comes back is up to tie-breaking, which a fixed seed must reproduce.
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
  options.threads = 2;  // CBC's deterministic parallel mode
  const Solution parallel = solve(m, options);
  ASSERT_EQ(parallel.status, Status::Optimal) << parallel.message;
  for (int run = 0; run < 3; ++run) {
    EXPECT_EQ(solve(m, options).values, parallel.values) << "parallel run " << run;
  }
}

TEST(SolverCbc, TimeLimitWithoutIncumbent) {
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

TEST(SolverCbc, TimeLimitWithIncumbent) {
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

TEST(SolverCbc, SilentUnlessVerbose) {
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
  EXPECT_THAT(testing::internal::GetCapturedStderr(), HasSubstr("Optimal"));
}

// ---------------------------------------------------------------------------------------------------------
// Facade

TEST(MipBackend, UnknownNameListsKnownBackends) {
  EXPECT_EQ(makeBackend("cbc")->name(), "cbc");
  EXPECT_THAT(backendNames(), ::testing::Contains("cbc"));
  try {
    makeBackend("gurobi");
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_THAT(e.what(), HasSubstr("gurobi"));
    EXPECT_THAT(e.what(), HasSubstr("cbc"));
  }
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
  EXPECT_THROW(solve(m), std::invalid_argument);
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
