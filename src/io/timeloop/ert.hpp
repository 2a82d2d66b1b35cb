#pragma once
// Accelergy energy reference tables (ERT) as Timeloop 019f107 reads them (ert.cpp has the layouts
// and the semantics).

#include <string>

#include "arch/architecture.hpp"
#include "model/energy.hpp"

namespace cosa {

class YamlView;

// Energies from an Accelergy ERT file (`ERT: {tables: [...]}`); levels the file does not
// mention keep the built-in estimate. Throws InputError on malformed input.
EnergyTable loadErt(const std::string& path, const Architecture& arch);
// The same from an already loaded document (`root` holds `ERT:`), e.g. YamlView::loadString.
EnergyTable parseErt(const YamlView& root, const Architecture& arch);

}  // namespace cosa
