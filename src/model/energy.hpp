#pragma once
// Per-access energies of every storage level and of one MAC.
// Default: Timeloop's built-in (pat) estimates derived from each level's attributes.
// Override: an Accelergy ERT (energy reference table) YAML.

#include <string>
#include <vector>

#include "arch/architecture.hpp"

namespace cosa {

class YamlView;

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

// Energies from an Accelergy ERT file (`ERT: {tables: [...]}`); levels the file does not
// mention keep the built-in estimate. Throws InputError on malformed input.
EnergyTable loadErt(const std::string& path, const Architecture& arch);
// The same from an already loaded document (`root` holds `ERT:`), e.g. YamlView::loadString.
EnergyTable parseErt(const YamlView& root, const Architecture& arch);

}  // namespace cosa
