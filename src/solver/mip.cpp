#include "solver/mip.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <stdexcept>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "solver/cbc_backend.hpp"
#ifdef COSA_WITH_GLPK  // defined by CMake when GLPK was found (option COSA_WITH_GLPK)
#include "solver/glpk_backend.hpp"
#endif

namespace cosa::solver {
namespace {

bool isInfinite(double v) { return std::abs(v) >= kInfinity; }

std::string describeVariable(const std::string& name, int index) {
  return name.empty() ? fmt::format("variable #{}", index) : fmt::format("variable #{} '{}'", index, name);
}

std::string describeRow(const std::string& name, int index) {
  return name.empty() ? fmt::format("row #{}", index) : fmt::format("row #{} '{}'", index, name);
}

void checkBounds(const std::string& what, double lower, double upper) {
  if (std::isnan(lower) || std::isnan(upper)) {
    throw std::invalid_argument(fmt::format("{}: bound is NaN", what));
  }
  if (lower > upper) {
    throw std::invalid_argument(fmt::format("{}: lower bound {} exceeds upper bound {}", what, lower, upper));
  }
  if (lower >= kInfinity || upper <= -kInfinity) {
    throw std::invalid_argument(fmt::format("{}: bounds [{}, {}] leave no finite value", what, lower, upper));
  }
}

// Checks everything about `terms` except the upper end of the variable index range.
void checkTerms(const std::string& what, const std::vector<Term>& terms) {
  for (const Term& term : terms) {
    if (term.var < 0) {
      throw std::invalid_argument(fmt::format("{}: negative variable index {}", what, term.var));
    }
    if (!std::isfinite(term.coef) || isInfinite(term.coef)) {
      throw std::invalid_argument(
          fmt::format("{}: coefficient {} of variable #{} is not finite", what, term.coef, term.var));
    }
  }
}

void checkIndices(const std::string& what, const std::vector<Term>& terms, int num_variables) {
  for (const Term& term : terms) {
    if (term.var < 0 || term.var >= num_variables) {
      throw std::invalid_argument(fmt::format("{}: variable index {} out of range (model has {} variables)",
                                              what, term.var, num_variables));
    }
  }
}

void checkVariable(const Variable& v, int index) {
  const std::string what = describeVariable(v.name, index);
  checkBounds(what, v.lower, v.upper);
  if (v.type == VarType::Binary && (v.lower > 1 || v.upper < 0)) {
    throw std::invalid_argument(
        fmt::format("{}: binary variable with bounds [{}, {}] outside [0, 1]", what, v.lower, v.upper));
  }
  if (v.type != VarType::Continuous && std::ceil(v.lower - 1e-9) > std::floor(v.upper + 1e-9)) {
    throw std::invalid_argument(
        fmt::format("{}: integer variable with bounds [{}, {}] contains no integer", what, v.lower, v.upper));
  }
}

// ---- number and name formatting shared by the exports ----

// Shortest text that reads back as exactly `v`.
std::string formatNumber(double v) {
  if (v == 0) return "0";
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  if (ec != std::errc()) return fmt::format("{:.17g}", v);
  return std::string(buf, end);
}

// Fits the 12-character fixed-MPS value field, losing precision only when it must.
std::string formatNumber12(double v) {
  std::string s = formatNumber(v);
  for (int precision = 12; s.size() > 12 && precision > 0; --precision) {
    s = fmt::format("{:.{}g}", v, precision);
  }
  return s;
}

bool isReservedLpWord(std::string_view name) {
  static const char* const kWords[] = {
      "minimize", "minimum",  "min",    "maximize", "maximum", "max",      "subject", "such",    "st",
      "s.t.",     "st.",      "bounds", "bound",    "general", "generals", "gen",     "integer", "integers",
      "binary",   "binaries", "bin",    "semi",     "semis",   "end",      "free",    "inf",     "infinity"};
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  return std::find(std::begin(kWords), std::end(kWords), lower) != std::end(kWords);
}

// LP names: letters, digits and _ . only (a safe subset of what CPLEX allows), not starting with a digit,
// '.', or 'e'/'E' followed by a digit or another e/E (which reads as an exponent), not a keyword.
std::string sanitizeLpName(const std::string& name, char prefix, int index) {
  if (name.empty()) return fmt::format("{}{}", prefix, index);
  std::string out;
  out.reserve(name.size() + 1);
  for (unsigned char c : name) out.push_back(std::isalnum(c) || c == '_' || c == '.' ? char(c) : '_');
  const unsigned char first = static_cast<unsigned char>(out.front());
  const unsigned char second = out.size() > 1 ? static_cast<unsigned char>(out[1]) : '0';
  const bool exponent_like =
      (first == 'e' || first == 'E') && (std::isdigit(second) || second == 'e' || second == 'E');
  if (std::isdigit(first) || first == '.' || exponent_like) out.insert(out.begin(), '_');
  if (isReservedLpWord(out)) out.push_back('_');
  if (out.size() > 200) out.resize(200);
  return out;
}

// MPS names: no whitespace, not starting with '$' or '*' (comment markers).
std::string sanitizeMpsName(const std::string& name, char prefix, int index) {
  if (name.empty()) return fmt::format("{}{}", prefix, index);
  std::string out;
  for (unsigned char c : name) out.push_back(std::isgraph(c) ? char(c) : '_');
  if (out.front() == '$' || out.front() == '*') out.insert(out.begin(), '_');
  return out;
}

// Appends "_<index>" to names that clash with an earlier one (or with `taken`).
template <typename Sanitize>
std::vector<std::string> uniqueNames(const std::vector<std::string>& raw, char prefix, Sanitize sanitize,
                                     std::unordered_set<std::string>& taken) {
  std::vector<std::string> out;
  out.reserve(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    std::string name = sanitize(raw[i], prefix, static_cast<int>(i));
    if (!taken.insert(name).second) {
      std::string candidate = fmt::format("{}_{}", name, i);
      for (int k = 2; !taken.insert(candidate).second; ++k) candidate = fmt::format("{}_{}_{}", name, i, k);
      name = candidate;
    }
    out.push_back(std::move(name));
  }
  return out;
}

std::vector<std::string> variableNames(const Model& model) {
  std::vector<std::string> raw;
  for (const Variable& v : model.variables()) raw.push_back(v.name);
  return raw;
}

std::vector<std::string> rowNames(const Model& model) {
  std::vector<std::string> raw;
  for (const Row& r : model.rows()) raw.push_back(r.name);
  return raw;
}

// Binary variables are integers with bounds clipped to [0, 1].
double effectiveLower(const Variable& v) {
  return v.type == VarType::Binary ? std::max(v.lower, 0.0) : v.lower;
}
double effectiveUpper(const Variable& v) {
  return v.type == VarType::Binary ? std::min(v.upper, 1.0) : v.upper;
}

// Repeated variables summed in first-appearance order, cancelled ones dropped. The model stores every
// row and the objective this way, so no backend or export has to merge: the LP format (as GLPK and
// CPLEX read it) allows a variable only once per expression, and GLPK's API rejects repeats too.
std::vector<Term> mergedTerms(const std::vector<Term>& terms) {
  std::vector<Term> merged;
  std::unordered_map<int, std::size_t> at;
  for (const Term& t : terms) {
    const auto [it, inserted] = at.try_emplace(t.var, merged.size());
    if (inserted) {
      merged.push_back(t);
    } else {
      merged[it->second].coef += t.coef;
    }
  }
  std::erase_if(merged, [](const Term& t) { return t.coef == 0; });
  return merged;
}

// "+ 3 x - 2 y", wrapped so that no line exceeds ~100 characters (CPLEX limits lines to 510).
void appendLpTerms(std::string& out, const std::vector<Term>& terms, const std::vector<std::string>& names,
                   size_t indent) {
  size_t line_length = indent;
  bool first = true;
  for (const Term& term : terms) {
    std::string piece;
    const double magnitude = std::abs(term.coef);
    const char* sign = term.coef < 0 ? "-" : "+";
    if (first) {
      piece = term.coef < 0 ? "- " : "";
    } else {
      piece = fmt::format(" {} ", sign);
    }
    if (magnitude != 1) piece += formatNumber(magnitude) + " ";
    piece += names[term.var];
    if (line_length + piece.size() > 100 && !first) {
      out += "\n" + std::string(indent, ' ');
      line_length = indent;
      if (piece.front() == ' ') piece.erase(0, 1);
    }
    out += piece;
    line_length += piece.size();
    first = false;
  }
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------
// Model

int Model::addVariable(std::string name, double lower, double upper, VarType type) {
  Variable v{std::move(name), lower, upper, type};
  checkVariable(v, numVariables());
  variables_.push_back(std::move(v));
  return numVariables() - 1;
}

int Model::addRow(std::string name, std::vector<Term> terms, double lower, double upper) {
  const std::string what = describeRow(name, numRows());
  checkBounds(what, lower, upper);
  checkTerms(what, terms);
  rows_.push_back(Row{std::move(name), mergedTerms(terms), lower, upper});
  return numRows() - 1;
}

void Model::relaxRow(int row) {
  if (row < 0 || row >= numRows()) throw std::invalid_argument("relaxRow: no row #" + std::to_string(row));
  rows_[row].lower = -kInfinity;
  rows_[row].upper = kInfinity;
}

void Model::setObjective(std::vector<Term> terms, double constant) {
  checkTerms("objective", terms);
  if (!std::isfinite(constant) || isInfinite(constant)) {
    throw std::invalid_argument(fmt::format("objective: constant {} is not finite", constant));
  }
  objective_ = mergedTerms(terms);
  objective_constant_ = constant;
}

void Model::validate() const {
  for (int i = 0; i < numVariables(); ++i) checkVariable(variables_[i], i);
  for (int i = 0; i < numRows(); ++i) {
    const std::string what = describeRow(rows_[i].name, i);
    checkBounds(what, rows_[i].lower, rows_[i].upper);
    checkTerms(what, rows_[i].terms);
    checkIndices(what, rows_[i].terms, numVariables());
  }
  checkTerms("objective", objective_);
  checkIndices("objective", objective_, numVariables());
  if (!std::isfinite(objective_constant_) || isInfinite(objective_constant_)) {
    throw std::invalid_argument(fmt::format("objective: constant {} is not finite", objective_constant_));
  }
}

// ---------------------------------------------------------------------------------------------------------

const char* toString(Status status) {
  switch (status) {
    case Status::Optimal:
      return "optimal";
    case Status::Feasible:
      return "feasible";
    case Status::Infeasible:
      return "infeasible";
    case Status::Unbounded:
      return "unbounded";
    case Status::NoSolutionFound:
      return "no-solution-found";
    case Status::Error:
      return "error";
  }
  return "unknown";
}

std::vector<std::string> backendNames() {
#ifdef COSA_WITH_GLPK
  return {"cbc", "glpk"};
#else
  return {"cbc"};
#endif
}

std::unique_ptr<Backend> makeBackend(const std::string& name) {
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  if (lower == "cbc") return std::make_unique<CbcBackend>();
#ifdef COSA_WITH_GLPK
  if (lower == "glpk") return std::make_unique<GlpkBackend>();
#endif
  const std::vector<std::string> known = backendNames();
  throw std::invalid_argument(
      fmt::format("unknown MIP solver backend '{}' (known: {})", name, fmt::join(known, ", ")));
}

// ---------------------------------------------------------------------------------------------------------
// CPLEX LP

std::string toLpFormat(const Model& model) {
  model.validate();
  std::unordered_set<std::string> taken;
  const std::vector<std::string> vars = uniqueNames(variableNames(model), 'x', sanitizeLpName, taken);
  taken.insert("obj");
  const std::vector<std::string> rows = uniqueNames(rowNames(model), 'r', sanitizeLpName, taken);

  std::string out =
      fmt::format("\\ cosa MIP model: {} variables, {} rows\n", model.numVariables(), model.numRows());
  out += "Minimize\n obj: ";
  if (model.objective().empty() && model.numVariables() > 0) {
    out += "0 " + vars[0];
  } else {
    appendLpTerms(out, model.objective(), vars, 6);
  }
  if (model.objectiveConstant() != 0) {
    out += fmt::format(" {} {}", model.objectiveConstant() < 0 ? "-" : "+",
                       formatNumber(std::abs(model.objectiveConstant())));
  }
  out += "\nSubject To\n";

  auto writeRow = [&](const std::string& name, const Row& row, const char* sense, double rhs) {
    out += " " + name + ": ";
    if (row.terms.empty()) {
      out += "0 " + vars[0];
    } else {
      appendLpTerms(out, row.terms, vars, name.size() + 3);
    }
    out += fmt::format(" {} {}\n", sense, formatNumber(rhs));
  };
  for (int i = 0; i < model.numRows(); ++i) {
    const Row& row = model.rows()[i];
    const bool has_lower = !isInfinite(row.lower);
    const bool has_upper = !isInfinite(row.upper);
    if (model.numVariables() == 0 || (!has_lower && !has_upper)) {
      out += fmt::format("\\ {}: free or empty row omitted\n", rows[i]);
    } else if (has_lower && has_upper && row.lower == row.upper) {
      writeRow(rows[i], row, "=", row.lower);
    } else if (has_lower && has_upper) {  // ranged: split, since the LP format has no range rows
      writeRow(rows[i] + "_lo", row, ">=", row.lower);
      writeRow(rows[i] + "_hi", row, "<=", row.upper);
    } else if (has_upper) {
      writeRow(rows[i], row, "<=", row.upper);
    } else {
      writeRow(rows[i], row, ">=", row.lower);
    }
  }

  out += "Bounds\n";
  std::string generals, binaries;
  for (int j = 0; j < model.numVariables(); ++j) {
    const Variable& v = model.variables()[j];
    const double lo = effectiveLower(v), up = effectiveUpper(v);
    const bool default_binary = v.type == VarType::Binary && lo == 0 && up == 1;
    if (v.type == VarType::Binary) binaries += " " + vars[j] + "\n";
    if (v.type == VarType::Integer) generals += " " + vars[j] + "\n";
    if (default_binary || (lo == 0 && isInfinite(up))) continue;
    if (isInfinite(lo) && isInfinite(up)) {
      out += fmt::format(" {} free\n", vars[j]);
    } else if (lo == up) {
      out += fmt::format(" {} = {}\n", vars[j], formatNumber(lo));
    } else {
      out += fmt::format(" {} <= {} <= {}\n", isInfinite(lo) ? "-inf" : formatNumber(lo), vars[j],
                         isInfinite(up) ? "+inf" : formatNumber(up));
    }
  }
  if (!generals.empty()) out += "Generals\n" + generals;
  if (!binaries.empty()) out += "Binaries\n" + binaries;
  out += "End\n";
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// MPS

std::string toMpsFormat(const Model& model) { return toMpsFormat(model, MpsFormat::Fixed); }

std::string toMpsFormat(const Model& model, MpsFormat format) {
  model.validate();
  const bool fixed = format == MpsFormat::Fixed;
  std::unordered_set<std::string> taken;
  std::vector<std::string> vars = uniqueNames(variableNames(model), 'C', sanitizeMpsName, taken);
  taken.insert("OBJ");
  std::vector<std::string> rows = uniqueNames(rowNames(model), 'R', sanitizeMpsName, taken);
  std::string out =
      fmt::format("* cosa MIP model: {} variables, {} rows\n", model.numVariables(), model.numRows());
  if (fixed) {  // fixed fields hold 8 characters: fall back to generated names, listing the originals
    auto shorten = [&](std::vector<std::string>& names, char prefix, const char* kind) {
      const bool fits =
          std::all_of(names.begin(), names.end(), [](const std::string& n) { return n.size() <= 8; });
      if (fits) return;
      for (size_t i = 0; i < names.size(); ++i) {
        out += fmt::format("* {} {}{:07d} = {}\n", kind, prefix, i, names[i]);
        names[i] = fmt::format("{}{:07d}", prefix, i);
      }
    };
    shorten(vars, 'C', "column");
    shorten(rows, 'R', "row");
  }
  auto number = [&](double v) { return fixed ? formatNumber12(v) : formatNumber(v); };
  // One data line; fixed MPS fields start at columns 2, 5, 15, 25, 40, 50 (1-based).
  auto line = [](std::string_view f1, std::string_view f2, std::string_view f3, std::string_view f4,
                 std::string_view f5 = {}, std::string_view f6 = {}) {
    std::string l = fmt::format(" {:<2} {:<8}  {:<8}  {:>12}", f1, f2, f3, f4);
    if (!f5.empty()) l += fmt::format("   {:<8}  {:>12}", f5, f6);
    while (!l.empty() && l.back() == ' ') l.pop_back();
    return l + "\n";
  };

  out += fmt::format("NAME          {}\n", "COSA");
  out += "ROWS\n";
  out += line("N", "OBJ", "", "");
  for (int i = 0; i < model.numRows(); ++i) {
    const Row& row = model.rows()[i];
    const bool has_lower = !isInfinite(row.lower), has_upper = !isInfinite(row.upper);
    const char* type = has_lower && has_upper ? (row.lower == row.upper ? "E" : "G")
                       : has_lower            ? "G"
                       : has_upper            ? "L"
                                              : "N";
    out += line(type, rows[i], "", "");
  }

  // Column-major coefficients; rows arrive in order, objective first (the model holds no repeats).
  std::vector<std::vector<std::pair<int, double>>> columns(
      model.numVariables());  // (row, coef); row -1 = obj
  auto add = [&](int row, const std::vector<Term>& terms) {
    for (const Term& t : terms) columns[t.var].emplace_back(row, t.coef);
  };
  add(-1, model.objective());
  for (int i = 0; i < model.numRows(); ++i) add(i, model.rows()[i].terms);

  out += "COLUMNS\n";
  bool in_integer_block = false;
  int marker = 0;
  for (int j = 0; j < model.numVariables(); ++j) {
    const bool integer = model.variables()[j].type != VarType::Continuous;
    if (integer != in_integer_block) {
      out += line("", fmt::format("MARKER{}", marker++), "'MARKER'", "", integer ? "'INTORG'" : "'INTEND'");
      in_integer_block = integer;
    }
    bool wrote = false;
    for (const auto& [row, coef] : columns[j]) {
      out += line("", vars[j], row < 0 ? "OBJ" : rows[row], number(coef));
      wrote = true;
    }
    if (!wrote) out += line("", vars[j], "OBJ", "0");  // keep the column
  }
  if (in_integer_block) {
    out += line("", fmt::format("MARKER{}", marker), "'MARKER'", "", "'INTEND'");
  }

  out += "RHS\n";
  if (model.objectiveConstant() != 0) out += line("", "RHS", "OBJ", number(-model.objectiveConstant()));
  for (int i = 0; i < model.numRows(); ++i) {
    const Row& row = model.rows()[i];
    const double rhs = !isInfinite(row.lower) ? row.lower : !isInfinite(row.upper) ? row.upper : 0.0;
    if (rhs != 0) out += line("", "RHS", rows[i], number(rhs));
  }

  std::string ranges;
  for (int i = 0; i < model.numRows(); ++i) {
    const Row& row = model.rows()[i];
    if (!isInfinite(row.lower) && !isInfinite(row.upper) && row.lower != row.upper) {
      ranges += line("", "RNG", rows[i], number(row.upper - row.lower));
    }
  }
  if (!ranges.empty()) out += "RANGES\n" + ranges;

  out += "BOUNDS\n";
  for (int j = 0; j < model.numVariables(); ++j) {
    const Variable& v = model.variables()[j];
    const double lo = effectiveLower(v), up = effectiveUpper(v);
    const bool integer = v.type != VarType::Continuous;
    if (isInfinite(lo) && isInfinite(up)) {
      out += line("FR", "BND", vars[j], "");
    } else if (lo == up) {
      out += line("FX", "BND", vars[j], number(lo));
    } else {
      if (isInfinite(lo)) {
        out += line("MI", "BND", vars[j], "");
      } else if (lo != 0) {
        out += line("LO", "BND", vars[j], number(lo));
      }
      if (!isInfinite(up)) {
        out += line("UP", "BND", vars[j], number(up));
      } else if (integer) {  // some readers default integer columns to [0, 1]
        out += line("PL", "BND", vars[j], "");
      }
    }
  }
  out += "ENDATA\n";
  return out;
}

}  // namespace cosa::solver
