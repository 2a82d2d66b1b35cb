#pragma once
// Polishing on the exact cost model: the MIP optimises a proxy, so a short first-improvement local
// search moves single prime factors between slots (levels, temporal and spatial), brings single loops
// innermost, and keeps or bypasses a data space at a level where the constraints leave that open,
// keeping only valid improving mappings. The moves are the factor space's (factor_space.hpp), which
// also says what the constraints fix and polishing must leave alone.

#include <cstdint>
#include <functional>

#include "mappers/factor_space.hpp"
#include "mapping/mapping.hpp"
#include "model/evaluator.hpp"

namespace cosa {

// Smaller is better.
using MappingScore = std::function<double(const Evaluation&)>;

struct LocalSearchResult {
  Mapping mapping;
  Evaluation evaluation;
  std::int64_t evaluations = 0;
  int improvements = 0;
};

// `start` must be valid. Stops at a local optimum or after `max_evaluations`.
LocalSearchResult polishMapping(Evaluator& evaluator, const Mapping& start, const MappingScore& score,
                                std::int64_t max_evaluations, const FactorSpace& space);

// Iterated local search: from the polished `start`, kick the best mapping with a few random moves
// (prime factors to random slots, keep toggles, a loop brought innermost), polish, and keep the result
// when it is better, until `max_evaluations` are spent. Escapes the local optima that single moves
// cannot leave (e.g. a tiling that must change at two levels at once). Deterministic for a seed.
LocalSearchResult refineMapping(Evaluator& evaluator, const Mapping& start, const MappingScore& score,
                                std::int64_t max_evaluations, const FactorSpace& space, std::uint64_t seed);

}  // namespace cosa
