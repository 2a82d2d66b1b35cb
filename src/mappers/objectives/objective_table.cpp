// Which objective builds which MIP: one entry per objective, its factory defined in its own file
// of this folder.

#include <fmt/format.h>

#include <stdexcept>

#include "mappers/objectives/cosa_objectives.hpp"

namespace cosa::objectives {

std::unique_ptr<MipObjective> makeLatencyObjective(FormulationAccess formulation);      // latency.cpp
std::unique_ptr<MipObjective> makeEnergyObjective(FormulationAccess formulation);       // energy.cpp
std::unique_ptr<MipObjective> makeEdpObjective(FormulationAccess formulation);          // edp.cpp
std::unique_ptr<MipObjective> makeCosaPaperObjective(FormulationAccess formulation);    // cosa_paper.cpp
std::unique_ptr<MipObjective> makeEnergyModelObjective(FormulationAccess formulation);  // energy_model.cpp

namespace {

struct Entry {
  ScheduleObjective objective;
  MakeObjective make;
};

constexpr Entry kObjectives[] = {
    {ScheduleObjective::Latency, makeLatencyObjective},
    {ScheduleObjective::Energy, makeEnergyObjective},
    {ScheduleObjective::Edp, makeEdpObjective},
    {ScheduleObjective::CosaPaper, makeCosaPaperObjective},
    {ScheduleObjective::EnergyModel, makeEnergyModelObjective},
};

}  // namespace

std::unique_ptr<MipObjective> makeObjective(ScheduleObjective objective, FormulationAccess formulation) {
  for (const Entry& entry : kObjectives)
    if (entry.objective == objective) return entry.make(formulation);
  // Objectives without an entry are the search mappers' metrics (last-level-accesses).
  throw std::invalid_argument(fmt::format("{} is a search metric, not a MIP objective", toString(objective)));
}

}  // namespace cosa::objectives
