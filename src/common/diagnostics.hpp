#pragma once
// Warnings about input that is read but not (fully) used: attributes, classes and sections that
// Timeloop accepts and cosa's model ignores, constraints cosa relaxes the way Timeloop does. Each
// names where it comes from (file:line:column). Readers add to a Warnings list the caller owns;
// the CLI prints them to stderr.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"

namespace cosa {

struct Warning {
  SourceLocation where;
  std::string message;

  // "file:line:col: message"
  std::string text() const;
};

class Warnings {
 public:
  void add(SourceLocation where, std::string message);
  const std::vector<Warning>& items() const { return items_; }
  bool empty() const { return items_.empty(); }
  std::size_t size() const { return items_.size(); }
  // Whether some warning's text contains `fragment` (for tests and callers that filter).
  bool contains(std::string_view fragment) const;

 private:
  std::vector<Warning> items_;
};

// Levenshtein distance between two names (for "did you mean").
int editDistance(std::string_view a, std::string_view b);

// The name in `known` nearest to `name`, when it is close enough to be a likely typo: at most a
// third of the longer name's letters differ (at least one edit allowed). Ties go to the first.
std::optional<std::string> closestName(std::string_view name, const std::vector<std::string>& known);

// " (did you mean 'X'?)" or "" when nothing in `known` is close.
std::string didYouMean(std::string_view name, const std::vector<std::string>& known);

}  // namespace cosa
