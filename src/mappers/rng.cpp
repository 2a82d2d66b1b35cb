#include "mappers/rng.hpp"

#include <limits>

namespace cosa {

namespace {

std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace

std::uint64_t uniformBelow(Rng& rng, std::uint64_t n) {
  if (n <= 1) return 0;
  // Reject the top partial block of the 64-bit range so that every residue is equally likely.
  const std::uint64_t limit =
      std::numeric_limits<std::uint64_t>::max() - std::numeric_limits<std::uint64_t>::max() % n;
  std::uint64_t x = rng();
  while (x >= limit) x = rng();
  return x % n;
}

Rng makeRng(std::uint64_t seed, std::uint64_t index) {
  // Mixing seed and index through splitmix64 keeps neighbouring streams uncorrelated.
  return Rng(splitmix64(splitmix64(seed) ^ splitmix64(index + 0x632be59bd9b4e019ULL)));
}

}  // namespace cosa
