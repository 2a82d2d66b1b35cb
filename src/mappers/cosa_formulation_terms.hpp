#pragma once
// Building blocks of the CoSA MIP's log-space rows, shared by the files that write them (the
// formulation in cosa_formulation*.cpp and the objectives in objectives/). Internal to mappers/.

#include <vector>

#include "solver/mip.hpp"

namespace cosa {

inline constexpr double kLogSlack = 1e-7;  // absorbs floating error in log2 of exact integer products
// Finite bounds for log-valued helper variables (all real values lie far inside): infinite bounds
// on free columns upset Clp's pricing on some layers.
inline constexpr double kLogLower = -256.0;
inline constexpr double kLogUpper = 256.0;

// a + scale * b, term by term (the Model sums repeated variables when the row is added).
inline std::vector<solver::Term> plus(std::vector<solver::Term> a, const std::vector<solver::Term>& b,
                                      double scale = 1.0) {
  for (const solver::Term& t : b) a.push_back({t.var, t.coef * scale});
  return a;
}

}  // namespace cosa
