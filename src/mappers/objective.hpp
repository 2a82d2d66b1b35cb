#pragma once
// What a mapper optimises: one vocabulary for the CoSA scheduler's goals and the search mappers'
// Timeloop metrics.
//
// Latency (Timeloop's "delay": cycles), Energy, Edp: goals of every mapper. CosaPaper: the
// published MIP objective (cosa only; its goal is latency). LastLevelAccesses: words moved at the
// outermost level (Timeloop's metric; the search mappers only). EnergyModel: an internal MIP proxy
// of the scheduler (energy as a sum of per-access energies), never asked for by a user.
//
// Spellings: parseObjective reads the scheduler's (--objective: latency, energy, edp, cosa-paper),
// parseSearchMetric Timeloop's (delay, energy, edp, last-level-accesses; also latency).

#include <string>

namespace cosa {

enum class Objective {
  Latency,
  Energy,
  Edp,
  CosaPaper,
  EnergyModel,
  LastLevelAccesses,
  Delay = Latency,  // Timeloop's name for latency
};

// The names the scheduler's and the search mappers' code has always used for it.
using ScheduleObjective = Objective;
using SearchMetric = Objective;

// A goal for the CoSA scheduler: latency, energy, edp or cosa-paper; throws std::invalid_argument.
Objective parseObjective(const std::string& name);
// A Timeloop mapper metric: delay (or latency), energy, edp or last-level-accesses; throws
// std::invalid_argument.
Objective parseSearchMetric(const std::string& name);
std::string toString(Objective objective);

}  // namespace cosa
