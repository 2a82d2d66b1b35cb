#pragma once
#include <cstdint>
#include <vector>

namespace cosa {

struct PrimePower {
  std::int64_t prime = 0;
  int exponent = 0;
};

// Prime factorisation of n >= 1 (empty for 1), primes ascending.
std::vector<PrimePower> primeFactors(std::int64_t n);

}  // namespace cosa
