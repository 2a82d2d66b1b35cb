#pragma once
// What every search-based mapper (random, hybrid, exhaustive) shares: the metrics it optimises,
// Timeloop-style lexicographic comparison, and its result.

#include <cstdint>
#include <string>
#include <vector>

#include "mapping/mapping.hpp"
#include "model/evaluation.hpp"

namespace cosa {

// Timeloop mapper metrics: delay (cycles), energy, edp, last-level-accesses (words moved at the
// outermost level).
enum class SearchMetric { Delay, Energy, Edp, LastLevelAccesses };
SearchMetric parseSearchMetric(const std::string& name);  // throws std::invalid_argument
std::string toString(SearchMetric metric);

double metricValue(SearchMetric metric, const Evaluation& evaluation);

// Lexicographic over `metrics` (Timeloop's tie-break order): true when `a` is strictly better.
bool betterThan(const Evaluation& a, const Evaluation& b, const std::vector<SearchMetric>& metrics);

struct SearchResult {
  bool found = false;   // a valid mapping was found
  std::string message;  // why not, or how the search ended
  Mapping mapping;
  Evaluation evaluation;
  std::int64_t samples = 0;      // mappings drawn or enumerated
  std::int64_t evaluations = 0;  // cost-model evaluations
  std::int64_t valid = 0;        // valid mappings seen
  double time_s = 0;
  bool interrupted = false;  // stopped early by a stop request; the best so far is kept
};

}  // namespace cosa
