#pragma once
// Per-access energies of every storage level and of one MAC.
// Default: Timeloop's built-in (pat) estimates derived from each level's attributes.
// Override: an Accelergy ERT (energy reference table) YAML, read by io/timeloop/ert.hpp.

#include <string>
#include <vector>

#include "arch/architecture.hpp"

namespace cosa {

struct LevelEnergy {
  // Energy of one vector (block) access, in pJ, before sharing among a cluster's instances.
  double read_pJ = 0;
  double fill_pJ = 0;    // write arriving from the parent
  double update_pJ = 0;  // write arriving from the child (partial sums)
};

struct EnergyTable {
  std::vector<LevelEnergy> levels;  // innermost first, one per storage level
  double mac_pJ = 0;
};

// Timeloop 019f107's built-in energy model.
EnergyTable builtinEnergyTable(const Architecture& arch);

}  // namespace cosa
