// The expression evaluator for timeloopfe's v0.4 attribute values and `variables:`. Expected values
// are worked by hand with Python's rules (which timeloopfe evaluates with).
#include "io/yaml/expression.hpp"

#include <gtest/gtest.h>

#include <map>

namespace cosa {
namespace {

ExpressionValue eval(std::string_view text, const std::map<std::string, ExpressionValue>& symbols = {}) {
  return evaluateExpression(text, [&](std::string_view name) -> std::optional<ExpressionValue> {
    auto it = symbols.find(std::string(name));
    if (it == symbols.end()) return std::nullopt;
    return it->second;
  });
}

ExpressionValue integer(double v) { return {v, true}; }
ExpressionValue real(double v) { return {v, false}; }

TEST(Expression, NumbersAndPrecedence) {
  EXPECT_EQ(eval("16384"), integer(16384));
  EXPECT_EQ(eval("1e-9"), real(1e-9));
  EXPECT_EQ(eval("2.5"), real(2.5));
  EXPECT_EQ(eval("2 + 3 * 4"), integer(14));     // * before +
  EXPECT_EQ(eval("(2 + 3) * 4"), integer(20));   // parentheses
  EXPECT_EQ(eval("10 - 4 - 3"), integer(3));     // left-associative
  EXPECT_EQ(eval("2 ** 3 ** 2"), integer(512));  // right-associative: 2 ** 9
  EXPECT_EQ(eval("-2 ** 2"), integer(-4));       // unary minus binds looser than **
  EXPECT_EQ(eval("2 ** -1"), real(0.5));
  EXPECT_EQ(eval("--3"), integer(3));
}

TEST(Expression, DivisionFollowsPython) {
  EXPECT_EQ(eval("7 / 2"), real(3.5));  // true division, always a float
  EXPECT_EQ(eval("8 / 2"), real(4.0));
  EXPECT_EQ(eval("7 // 2"), integer(3));
  EXPECT_EQ(eval("-7 // 2"), integer(-4));  // floors toward minus infinity
  EXPECT_EQ(eval("7.0 // 2"), real(3.0));
  EXPECT_EQ(eval("7 % 3"), integer(1));
  EXPECT_EQ(eval("-7 % 3"), integer(2));  // the sign follows the divisor
  EXPECT_EQ(eval("7 % -3"), integer(-2));
}

TEST(Expression, Functions) {
  EXPECT_EQ(eval("min(4, 2, 9)"), integer(2));
  EXPECT_EQ(eval("max(1, 2.0)"), real(2.0));
  EXPECT_EQ(eval("ceil(log2(1000))"), integer(10));  // log2(1000) = 9.97
  EXPECT_EQ(eval("floor(7 / 2)"), integer(3));
  EXPECT_EQ(eval("sqrt(256)"), real(16));
  EXPECT_EQ(eval("log2(64)"), real(6));
  EXPECT_EQ(eval("round(2.5)"), integer(2));  // halves to even
  EXPECT_EQ(eval("round(3.5)"), integer(4));
  EXPECT_EQ(eval("abs(-3)"), integer(3));
  EXPECT_EQ(eval("max(1, ceil(log2(16384)))"), integer(14));  // an address width, as Accelergy writes it
}

TEST(Expression, Symbols) {
  const std::map<std::string, ExpressionValue> symbols = {
      {"depth", integer(192)}, {"width", integer(64)}, {"datawidth", integer(16)}};
  EXPECT_EQ(eval("depth * width // datawidth", symbols), integer(768));
  EXPECT_EQ(eval("width / datawidth", symbols), real(4));
  EXPECT_EQ(eval("True + 1"), integer(2));
}

TEST(Expression, ErrorsSayWhyAndWhere) {
  auto reason = [](std::string_view text) {
    try {
      eval(text, {{"x", integer(1)}});
    } catch (const ExpressionError& e) {
      return std::make_pair(e.reason(), e.offset());
    }
    return std::make_pair(std::string("no error"), std::size_t{0});
  };
  EXPECT_EQ(reason("1 / 0"), std::make_pair(std::string("division by zero"), std::size_t{2}));
  EXPECT_EQ(reason("x + y"), std::make_pair(std::string("unknown name 'y'"), std::size_t{4}));
  EXPECT_EQ(reason("(1 + 2"), std::make_pair(std::string("expected ')', found the end"), std::size_t{6}));
  EXPECT_EQ(reason("1 +"), std::make_pair(std::string("unexpected end of expression"), std::size_t{3}));
  EXPECT_EQ(reason("45nm"), std::make_pair(std::string("'45nm' is not a number or a name"), std::size_t{0}));
  EXPECT_EQ(reason("2 $ 3"), std::make_pair(std::string("unexpected character '$'"), std::size_t{2}));
  EXPECT_EQ(reason("foo(1)"),
            std::make_pair(
                std::string("unknown function 'foo' (known: min, max, ceil, floor, round, abs, sqrt, log, "
                            "log2, log10)"),
                std::size_t{0}));
  EXPECT_EQ(reason("log2(0)"),
            std::make_pair(std::string("log2() of 0 (math domain error)"), std::size_t{0}));
  EXPECT_EQ(reason("sqrt(1, 2)"),
            std::make_pair(std::string("sqrt() takes 1 argument, got 2"), std::size_t{0}));
  EXPECT_EQ(reason("10 ** 400"),
            std::make_pair(std::string("the result is not a finite number"), std::size_t{3}));
  EXPECT_EQ(reason(""), std::make_pair(std::string("empty expression"), std::size_t{0}));
  EXPECT_EQ(reason(std::string(300, '(') + "1" + std::string(300, ')')).first,
            "expression nested too deeply");
}

TEST(Expression, Formatting) {
  EXPECT_EQ(formatExpressionValue(integer(16384)), "16384");
  EXPECT_EQ(formatExpressionValue(real(4)), "4");
  EXPECT_EQ(formatExpressionValue(real(0.5)), "0.5");
  EXPECT_EQ(formatExpressionValue(real(1e-9)), "1e-09");
}

TEST(Expression, VariablesEvaluateInOrder) {
  const YamlView root = YamlView::loadString(
      "variables:\n  version: 0.4\n  a: 4\n  b: a * 2 + 1\n  tech: \"45nm\"\n  c: b // 2\n", "vars.yaml");
  const Variables vars = Variables::read(root);
  EXPECT_EQ(vars.find("a"), integer(4));
  EXPECT_EQ(vars.find("b"), integer(9));
  EXPECT_EQ(vars.find("c"), integer(4));
  EXPECT_EQ(vars.find("missing"), std::nullopt);
  try {
    vars.find("tech");
    ADD_FAILURE() << "a string variable used as a number";
  } catch (const ExpressionError& e) {
    EXPECT_EQ(e.reason(), "variable 'tech' is '45nm' ('45nm' is not a number or a name), not a number");
  }
}

}  // namespace
}  // namespace cosa
