#include "mappers/factorization.hpp"

namespace cosa {

std::vector<PrimePower> primeFactors(std::int64_t n) {
  std::vector<PrimePower> factors;
  for (std::int64_t p = 2; p * p <= n; ++p) {
    if (n % p != 0) continue;
    PrimePower power{p, 0};
    while (n % p == 0) {
      n /= p;
      ++power.exponent;
    }
    factors.push_back(power);
  }
  if (n > 1) factors.push_back({n, 1});
  return factors;
}

}  // namespace cosa
