#pragma once
// Accelergy energy reference tables (ERT) as Timeloop 019f107 reads them (ert.cpp has the layouts
// and the semantics).

#include <string>

#include "arch/architecture.hpp"
#include "model/energy.hpp"

namespace cosa {

class YamlView;
class InputFiles;

// Energies from an Accelergy ERT file (`ERT: {tables: [...]}`); levels the file does not
// mention keep the built-in estimate. Throws InputError on malformed input.
EnergyTable loadErt(const std::string& path, const Architecture& arch);
// The same from an already loaded document (`root` holds `ERT:`), e.g. YamlView::loadString.
EnergyTable parseErt(const YamlView& root, const Architecture& arch);

// A run's energies, as Timeloop picks them: the ERT file `ert_path` when given, else an `ERT`
// section among the input files (Timeloop replaces its built-in model with an ERT it is given), else
// the built-in model.
EnergyTable energyTableFor(const InputFiles& files, const Architecture& arch, const std::string& ert_path);

}  // namespace cosa
