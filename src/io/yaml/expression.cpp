#include "io/yaml/expression.hpp"

#include <fmt/format.h>

#include <cctype>
#include <cmath>
#include <vector>

namespace cosa {

ExpressionError::ExpressionError(std::string reason, std::size_t offset)
    : std::runtime_error(reason), reason_(std::move(reason)), offset_(offset) {}

namespace {

// Deeper nesting than any specification needs; keeps a hostile input from exhausting the stack.
constexpr int kMaxDepth = 200;

enum class TokenKind { Number, Name, Operator, LeftParen, RightParen, Comma, End };

struct Token {
  TokenKind kind = TokenKind::End;
  std::string text;
  std::size_t offset = 0;
  ExpressionValue number;
};

bool isNameStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool isNameChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }
bool isDigit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

std::vector<Token> tokenize(std::string_view text) {
  std::vector<Token> tokens;
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
      continue;
    }
    Token token;
    token.offset = i;
    if (isDigit(c) || (c == '.' && i + 1 < text.size() && isDigit(text[i + 1]))) {
      std::size_t end = i;
      bool integral = true;
      while (end < text.size() && isDigit(text[end])) ++end;
      if (end < text.size() && text[end] == '.') {
        integral = false;
        ++end;
        while (end < text.size() && isDigit(text[end])) ++end;
      }
      if (end < text.size() && (text[end] == 'e' || text[end] == 'E')) {
        std::size_t exp = end + 1;
        if (exp < text.size() && (text[exp] == '+' || text[exp] == '-')) ++exp;
        if (exp < text.size() && isDigit(text[exp])) {
          integral = false;
          end = exp;
          while (end < text.size() && isDigit(text[end])) ++end;
        }
      }
      // "45nm": a number glued to a name is not arithmetic.
      if (end < text.size() && isNameChar(text[end]))
        throw ExpressionError(fmt::format("'{}' is not a number or a name", text.substr(i)), i);
      token.kind = TokenKind::Number;
      token.text = std::string(text.substr(i, end - i));
      token.number = {std::strtod(token.text.c_str(), nullptr), integral};
      if (!std::isfinite(token.number.value))
        throw ExpressionError(fmt::format("number '{}' is out of range", token.text), i);
      i = end;
    } else if (isNameStart(c)) {
      std::size_t end = i;
      while (end < text.size() && isNameChar(text[end])) ++end;
      token.kind = TokenKind::Name;
      token.text = std::string(text.substr(i, end - i));
      i = end;
    } else if (c == '(' || c == ')' || c == ',') {
      token.kind = c == '(' ? TokenKind::LeftParen : c == ')' ? TokenKind::RightParen : TokenKind::Comma;
      token.text = std::string(1, c);
      ++i;
    } else if (c == '+' || c == '-' || c == '%') {
      token.kind = TokenKind::Operator;
      token.text = std::string(1, c);
      ++i;
    } else if (c == '*' || c == '/') {
      token.kind = TokenKind::Operator;
      const bool doubled = i + 1 < text.size() && text[i + 1] == c;
      token.text = std::string(doubled ? 2 : 1, c);
      i += doubled ? 2 : 1;
    } else {
      throw ExpressionError(fmt::format("unexpected character '{}'", c), i);
    }
    tokens.push_back(std::move(token));
  }
  Token end;
  end.offset = text.size();
  tokens.push_back(end);
  return tokens;
}

ExpressionValue checked(double value, bool integral, std::size_t offset) {
  if (!std::isfinite(value)) throw ExpressionError("the result is not a finite number", offset);
  return {value, integral};
}

class Parser {
 public:
  Parser(std::string_view text, const SymbolLookup& lookup) : tokens_(tokenize(text)), lookup_(lookup) {}

  ExpressionValue parse() {
    if (peek().kind == TokenKind::End) throw ExpressionError("empty expression", 0);
    ExpressionValue value = expression(0);
    if (peek().kind != TokenKind::End)
      throw ExpressionError(fmt::format("unexpected '{}'", peek().text), peek().offset);
    return value;
  }

 private:
  const Token& peek() const { return tokens_[position_]; }
  Token next() { return tokens_[position_++]; }
  bool nextIsOperator(std::string_view op) const {
    return peek().kind == TokenKind::Operator && peek().text == op;
  }
  void enter(int depth) const {
    if (depth > kMaxDepth) throw ExpressionError("expression nested too deeply", peek().offset);
  }

  ExpressionValue expression(int depth) {
    enter(depth);
    ExpressionValue left = term(depth + 1);
    while (nextIsOperator("+") || nextIsOperator("-")) {
      const Token op = next();
      const ExpressionValue right = term(depth + 1);
      const double value = op.text == "+" ? left.value + right.value : left.value - right.value;
      left = checked(value, left.integral && right.integral, op.offset);
    }
    return left;
  }

  ExpressionValue term(int depth) {
    enter(depth);
    ExpressionValue left = unary(depth + 1);
    while (nextIsOperator("*") || nextIsOperator("/") || nextIsOperator("//") || nextIsOperator("%")) {
      const Token op = next();
      const ExpressionValue right = unary(depth + 1);
      const bool integral = left.integral && right.integral;
      if (op.text == "*") {
        left = checked(left.value * right.value, integral, op.offset);
        continue;
      }
      if (right.value == 0) throw ExpressionError("division by zero", op.offset);
      if (op.text == "/") {
        left = checked(left.value / right.value, false, op.offset);
      } else if (op.text == "//") {
        left = checked(std::floor(left.value / right.value), integral, op.offset);
      } else {
        // Python's modulo: the result takes the divisor's sign.
        double rest = std::fmod(left.value, right.value);
        if (rest != 0 && ((rest < 0) != (right.value < 0))) rest += right.value;
        left = checked(rest, integral, op.offset);
      }
    }
    return left;
  }

  ExpressionValue unary(int depth) {
    enter(depth);
    if (nextIsOperator("-") || nextIsOperator("+")) {
      const Token op = next();
      const ExpressionValue operand = unary(depth + 1);
      return op.text == "-" ? ExpressionValue{-operand.value, operand.integral} : operand;
    }
    return power(depth + 1);
  }

  ExpressionValue power(int depth) {
    enter(depth);
    const ExpressionValue base = primary(depth + 1);
    if (!nextIsOperator("**")) return base;
    const Token op = next();
    const ExpressionValue exponent = unary(depth + 1);
    if (base.value == 0 && exponent.value < 0)
      throw ExpressionError("zero raised to a negative power", op.offset);
    if (base.value < 0 && exponent.value != std::floor(exponent.value))
      throw ExpressionError("a negative number raised to a fractional power", op.offset);
    const bool integral = base.integral && exponent.integral && exponent.value >= 0;
    return checked(std::pow(base.value, exponent.value), integral, op.offset);
  }

  ExpressionValue primary(int depth) {
    enter(depth);
    const Token token = next();
    switch (token.kind) {
      case TokenKind::Number:
        return token.number;
      case TokenKind::LeftParen: {
        const ExpressionValue value = expression(depth + 1);
        expect(TokenKind::RightParen, "')'");
        return value;
      }
      case TokenKind::Name:
        if (peek().kind == TokenKind::LeftParen) return call(token, depth + 1);
        return symbol(token);
      case TokenKind::End:
        throw ExpressionError("unexpected end of expression", token.offset);
      default:
        throw ExpressionError(fmt::format("unexpected '{}'", token.text), token.offset);
    }
  }

  void expect(TokenKind kind, std::string_view what) {
    if (peek().kind != kind) {
      const std::string found = peek().kind == TokenKind::End ? "the end" : "'" + peek().text + "'";
      throw ExpressionError(fmt::format("expected {}, found {}", what, found), peek().offset);
    }
    ++position_;
  }

  ExpressionValue symbol(const Token& name) {
    if (name.text == "True") return {1, true};
    if (name.text == "False") return {0, true};
    std::optional<ExpressionValue> value;
    try {
      value = lookup_ ? lookup_(name.text) : std::nullopt;
    } catch (const ExpressionError& e) {
      throw ExpressionError(e.reason(), name.offset);
    }
    if (!value) throw ExpressionError(fmt::format("unknown name '{}'", name.text), name.offset);
    return *value;
  }

  ExpressionValue call(const Token& name, int depth) {
    expect(TokenKind::LeftParen, "'('");
    std::vector<ExpressionValue> args;
    if (peek().kind != TokenKind::RightParen) {
      args.push_back(expression(depth + 1));
      while (peek().kind == TokenKind::Comma) {
        ++position_;
        args.push_back(expression(depth + 1));
      }
    }
    expect(TokenKind::RightParen, "')' after the arguments");
    return apply(name, args);
  }

  static ExpressionValue apply(const Token& name, const std::vector<ExpressionValue>& args) {
    const std::string& f = name.text;
    const std::size_t at = name.offset;
    auto arity = [&](std::size_t min, std::size_t max) {
      if (args.size() < min || args.size() > max)
        throw ExpressionError(
            min == max
                ? fmt::format("{}() takes {} argument{}, got {}", f, min, min == 1 ? "" : "s", args.size())
                : fmt::format("{}() takes {} to {} arguments, got {}", f, min, max, args.size()),
            at);
    };
    auto positive = [&](double x) {
      if (!(x > 0)) throw ExpressionError(fmt::format("{}() of {} (math domain error)", f, x), at);
      return x;
    };
    if (f == "min" || f == "max") {
      if (args.size() < 2) throw ExpressionError(fmt::format("{}() needs at least two arguments", f), at);
      ExpressionValue best = args[0];
      for (const auto& a : args)
        if (f == "min" ? a.value < best.value : a.value > best.value) best = a;
      return best;
    }
    if (f == "ceil" || f == "floor" || f == "round" || f == "abs") {
      arity(1, 1);
      const ExpressionValue x = args[0];
      if (f == "abs") return {std::fabs(x.value), x.integral};
      // round() rounds halves to even, as Python does.
      const double v = f == "ceil"    ? std::ceil(x.value)
                       : f == "floor" ? std::floor(x.value)
                                      : std::nearbyint(x.value);
      return {v, true};
    }
    if (f == "sqrt") {
      arity(1, 1);
      if (args[0].value < 0)
        throw ExpressionError(fmt::format("sqrt() of {} (math domain error)", args[0].value), at);
      return {std::sqrt(args[0].value), false};
    }
    if (f == "log2") {
      arity(1, 1);
      return {std::log2(positive(args[0].value)), false};
    }
    if (f == "log10") {
      arity(1, 1);
      return {std::log10(positive(args[0].value)), false};
    }
    if (f == "log") {
      arity(1, 2);
      const double x = std::log(positive(args[0].value));
      if (args.size() == 1) return {x, false};
      const double base = std::log(positive(args[1].value));
      if (base == 0) throw ExpressionError("log() with base 1", at);
      return checked(x / base, false, at);
    }
    throw ExpressionError(
        fmt::format(
            "unknown function '{}' (known: min, max, ceil, floor, round, abs, sqrt, log, log2, log10)", f),
        at);
  }

  std::vector<Token> tokens_;
  const SymbolLookup& lookup_;
  std::size_t position_ = 0;
};

}  // namespace

ExpressionValue evaluateExpression(std::string_view text, const SymbolLookup& lookup) {
  return Parser(text, lookup).parse();
}

std::string formatExpressionValue(const ExpressionValue& value) {
  if (value.integral && std::fabs(value.value) < 9.0e18)
    return fmt::format("{}", static_cast<std::int64_t>(value.value));
  return fmt::format("{}", value.value);
}

Variables Variables::read(const YamlView& root) {
  Variables out;
  if (!root.isMap()) return out;
  auto block = root.find("variables");
  if (!block) return out;
  block->expectMap();
  for (const auto& [key, value] : block->entries()) {
    if (key == "version") continue;
    Entry entry{key, std::nullopt, ""};
    if (!value.isScalar()) {
      entry.why_not = "not a single value";
    } else {
      std::string error;
      entry.value = out.evaluate(value, &error);
      if (!entry.value) entry.why_not = fmt::format("'{}' ({})", value.node().Scalar(), error);
    }
    out.values_.push_back(std::move(entry));
  }
  return out;
}

std::optional<ExpressionValue> Variables::find(std::string_view name) const {
  for (auto it = values_.rbegin(); it != values_.rend(); ++it) {
    if (it->name != name) continue;
    if (!it->value)
      throw ExpressionError(fmt::format("variable '{}' is {}, not a number", name, it->why_not), 0);
    return it->value;
  }
  return std::nullopt;
}

void Variables::set(const std::string& name, ExpressionValue value) { values_.push_back({name, value, ""}); }

std::optional<ExpressionValue> Variables::evaluate(const YamlView& scalar, std::string* error) const {
  if (!scalar.isScalar()) return std::nullopt;
  try {
    return evaluateExpression(scalar.node().Scalar(), [this](std::string_view name) { return find(name); });
  } catch (const ExpressionError& e) {
    if (error) *error = e.reason();
    return std::nullopt;
  }
}

}  // namespace cosa
