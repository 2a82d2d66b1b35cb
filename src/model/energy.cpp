// Timeloop 019f107's built-in ("pat") energy model, re-derived from its documented behaviour.
//
// Formulas (all energies in pJ; see docs/energy-model.md for the derivation and the defaults):
//
//   DRAM (technology == "DRAM"):
//     vector access = 200 * (word_bits * block_size) / 16            (12.5 pJ per bit)
//     cluster_size and entries play no part.
//
//   SRAM (any other technology):
//     entries missing or 0 -> 0
//     width  = word_bits * block_size * cluster_size                  (bits per physical access)
//     height = ceil(entries / block_size)                             (rows)
//     x      = width * height / 8192                                  (capacity in KiB)
//     y      = 1 + (6 - 1) / (100 - 0.5) * (x - 0.5)                  (line through two Eyeriss
//                                                                      points: 0.5 KiB -> 1, 100 KiB -> 6)
//     vector access = (y * width / 16) / cluster_size                 (y is per 16-bit access)
//     num_banks and num_ports do not enter the estimate.
//
//   MAC: the arithmetic level's explicit energy if given, else
//     1.0 * (word_bits / 16) * (word_bits / 16)                       (a word_bits x word_bits multiplier)
//
//   Reads, fills and updates all cost the same vector-access energy in this model.
//
// The floating-point operations follow the same order as Timeloop's so that results agree to the
// last bit or two with its printed full-precision numbers.

#include "model/energy.hpp"

#include <fmt/format.h>

#include <cstdint>

#include "common/error.hpp"

namespace cosa {
namespace {

// Linear fit of SRAM access energy (in units of a 16-bit access) against capacity in KiB.
constexpr double kSramSmallKiB = 0.5;
constexpr double kSramSmallUnits = 1.0;
constexpr double kSramLargeKiB = 100.0;
constexpr double kSramLargeUnits = 6.0;
// DRAM: 200 pJ per 16 bits.
constexpr double kDramPer16Bits = 200.0;

void requirePositive(std::int64_t value, int level, const StorageLevel& spec, const char* field) {
  if (value <= 0)
    throw InputError({}, fmt::format("storage[{}] ({}).{}", level, spec.name, field),
                     fmt::format("must be a positive integer, got {}", value));
}

double sramEnergy(std::uint64_t height, std::uint64_t width) {
  const double slope = (kSramLargeUnits - kSramSmallUnits) / (kSramLargeKiB - kSramSmallKiB);
  const double kib = static_cast<double>(width * height) / (8 * 1024);
  const double units = slope * (kib - kSramSmallKiB) + kSramSmallUnits;
  // The fit is per 16-bit access; scale linearly with the bits actually moved.
  return (units * static_cast<double>(width)) / 16;
}

double vectorAccessEnergy(const StorageLevel& spec, int index) {
  requirePositive(spec.word_bits, index, spec, "word-bits");
  requirePositive(spec.block_size, index, spec, "block-size");
  requirePositive(spec.cluster_size, index, spec, "cluster-size");
  const auto word_bits = static_cast<std::uint64_t>(spec.word_bits);
  const auto block = static_cast<std::uint64_t>(spec.block_size);
  const auto cluster = static_cast<std::uint64_t>(spec.cluster_size);

  if (spec.technology == "DRAM") {
    // Timeloop asserts cluster_size == 1 for DRAM; the estimate itself ignores it.
    return (kDramPer16Bits * static_cast<double>(word_bits * block)) / 16;
  }
  // An SRAM with no capacity costs nothing. (Timeloop takes 0 entries this way; without `entries`
  // it aborts on an assertion, and a build without assertions would read 0 as well.)
  if (!spec.entries || *spec.entries <= 0) return 0;

  const auto entries = static_cast<std::uint64_t>(*spec.entries);
  // One physical access reads a block from each instance of the cluster side by side.
  const std::uint64_t width = word_bits * block * cluster;
  const std::uint64_t height = entries / block + (entries % block == 0 ? 0 : 1);
  // The cluster's access is charged per instance.
  return sramEnergy(height, width) / static_cast<double>(cluster);
}

double multiplierEnergy(std::uint64_t bits_a, std::uint64_t bits_b) {
  // 1 pJ for a 16x16 multiplier, scaled by each operand's width.
  return 1.0 * (static_cast<double>(bits_a) / 16.0) * (static_cast<double>(bits_b) / 16.0);
}

}  // namespace

EnergyTable builtinEnergyTable(const Architecture& arch) {
  EnergyTable table;
  table.levels.reserve(arch.levels.size());
  for (int i = 0; i < arch.numLevels(); ++i) {
    const double energy = vectorAccessEnergy(arch.levels[static_cast<std::size_t>(i)], i);
    table.levels.push_back({energy, energy, energy});
  }
  if (arch.arithmetic.energy_per_op_pJ) {
    table.mac_pJ = *arch.arithmetic.energy_per_op_pJ;
  } else {
    if (arch.arithmetic.word_bits <= 0)
      throw InputError({}, "arithmetic.word-bits",
                       fmt::format("must be a positive integer, got {}", arch.arithmetic.word_bits));
    const auto bits = static_cast<std::uint64_t>(arch.arithmetic.word_bits);
    table.mac_pJ = multiplierEnergy(bits, bits);
  }
  return table;
}

}  // namespace cosa
