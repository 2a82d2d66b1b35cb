#pragma once
// Portable random streams for the search mappers and local search: std::uniform_int_distribution
// differs between standard libraries, while std::mt19937_64's output is fixed by the standard, so a
// seed gives the same search everywhere.

#include <cstdint>
#include <random>

namespace cosa {

using Rng = std::mt19937_64;

// Uniform in [0, n), n >= 1 (rejection sampling, no modulo bias).
std::uint64_t uniformBelow(Rng& rng, std::uint64_t n);

// A generator for stream `index` of `seed` (independent streams for threads or samples).
Rng makeRng(std::uint64_t seed, std::uint64_t index);

}  // namespace cosa
