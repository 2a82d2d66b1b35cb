#pragma once
// Timeloop mapspace constraints: per-level keep/bypass of data spaces, and temporal/spatial
// factor and permutation constraints. Parsed and represented here; mappers honour them.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cosa {

enum class ConstraintKind { Temporal, Spatial, Bypass };

struct LevelConstraint {
  ConstraintKind kind = ConstraintKind::Temporal;
  int level = 0;  // storage level index (innermost first)
  // Fixed factors: (dimension, factor). Factor 0 in Timeloop's syntax ("whole dimension") is
  // resolved to the dimension's bound by the parser.
  std::vector<std::pair<int, std::int64_t>> factors;
  std::vector<int> permutation;  // dimension indices, innermost first; may list a subset
  std::optional<int> split;      // spatial only
  std::vector<int> keep;         // bypass only: data space indices kept
  std::vector<int> bypass;       // bypass only: data space indices bypassed

  bool operator==(const LevelConstraint&) const = default;
};

struct Constraints {
  std::vector<LevelConstraint> items;
  // Timeloop's `type: utilization` (or `parallelism`) `min`: the least fraction of the arithmetic
  // units a mapping must use. Recorded; cosa's scheduler does not enforce it (a warning says so).
  std::optional<double> min_utilization;

  // Whether `level` must keep / must bypass data space `ds` (nullopt = free choice).
  std::optional<bool> keeps(int level, int ds) const;

  bool operator==(const Constraints&) const = default;
};

}  // namespace cosa
