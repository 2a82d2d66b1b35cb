#include "mappers/objective.hpp"

#include <stdexcept>

namespace cosa {

Objective parseObjective(const std::string& name) {
  if (name == "latency") return Objective::Latency;
  if (name == "energy") return Objective::Energy;
  if (name == "edp") return Objective::Edp;
  if (name == "cosa-paper") return Objective::CosaPaper;
  throw std::invalid_argument("unknown objective '" + name +
                              "' (expected latency, energy, edp or cosa-paper)");
}

Objective parseSearchMetric(const std::string& name) {
  if (name == "delay" || name == "latency") return Objective::Latency;
  if (name == "energy") return Objective::Energy;
  if (name == "edp") return Objective::Edp;
  if (name == "last-level-accesses") return Objective::LastLevelAccesses;
  throw std::invalid_argument("unknown metric '" + name +
                              "' (expected delay, energy, edp or last-level-accesses)");
}

std::string toString(Objective objective) {
  switch (objective) {
    case Objective::Latency:
      return "latency";
    case Objective::Energy:
      return "energy";
    case Objective::Edp:
      return "edp";
    case Objective::CosaPaper:
      return "cosa-paper";
    case Objective::EnergyModel:
      return "energy-model";
    case Objective::LastLevelAccesses:
      return "last-level-accesses";
  }
  return "latency";
}

}  // namespace cosa
