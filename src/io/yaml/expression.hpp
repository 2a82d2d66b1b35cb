#pragma once
// Arithmetic expressions as Timeloop's v0.4 front end (timeloopfe) evaluates attribute values and
// `variables:`: Python's arithmetic on numbers and named symbols.
//
// Grammar (Python precedence, lowest first):
//   expr    := term (('+' | '-') term)*
//   term    := unary (('*' | '/' | '//' | '%') unary)*
//   unary   := ('+' | '-') unary | power
//   power   := primary ('**' unary)?          (right-associative; -2**2 = -4 as in Python)
//   primary := NUMBER | NAME | NAME '(' expr (',' expr)* ')' | '(' expr ')'
// Functions: min, max (two or more arguments), ceil, floor, round, abs, log2, sqrt, log (natural or
// with a base), log10. Python's `True`/`False` are 1 and 0.
//
// Values keep Python's distinction between integers and floats where it changes a result: `/`
// always gives a float, `//` and `%` floor (the sign follows the divisor), `**` of integers with a
// non-negative exponent is an integer, ceil/floor/round give integers.

#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "io/yaml/yaml_util.hpp"

namespace cosa {

struct ExpressionValue {
  double value = 0;
  bool integral = true;  // Python int (true) or float (false)

  bool operator==(const ExpressionValue&) const = default;
};

// Why an expression could not be evaluated, and where in its text (0-based character offset).
class ExpressionError : public std::runtime_error {
 public:
  ExpressionError(std::string reason, std::size_t offset);
  const std::string& reason() const { return reason_; }
  std::size_t offset() const { return offset_; }

 private:
  std::string reason_;
  std::size_t offset_;
};

// Looks a name up: its value, or nullopt when it is unknown. A symbol whose value is not a number
// (e.g. `technology: 45nm`) should throw ExpressionError with the reason.
using SymbolLookup = std::function<std::optional<ExpressionValue>(std::string_view name)>;

// Evaluates `text`; throws ExpressionError (unknown name, syntax error, division by zero, a
// non-finite result, ...).
ExpressionValue evaluateExpression(std::string_view text, const SymbolLookup& lookup);

// The value as YAML/Timeloop would print it: integers without a decimal point, floats with up to
// 17 significant digits.
std::string formatExpressionValue(const ExpressionValue& value);

// `variables:` of a Timeloop v0.4 document (timeloopfe), evaluated in order (each may use the ones before
// it).
class Variables {
 public:
  static Variables read(const YamlView& root);
  // nullopt for an unknown name; throws ExpressionError for a variable that is not a number.
  std::optional<ExpressionValue> find(std::string_view name) const;
  void set(const std::string& name, ExpressionValue value);
  // Evaluates a plain scalar as an expression over these variables; nullopt (with `error` set)
  // when it is not one (e.g. `45nm`, `LPDDR4`).
  std::optional<ExpressionValue> evaluate(const YamlView& scalar, std::string* error = nullptr) const;

 private:
  struct Entry {
    std::string name;
    std::optional<ExpressionValue> value;
    std::string why_not;  // what the variable is, when it is not a number
  };
  std::vector<Entry> values_;
};

}  // namespace cosa
