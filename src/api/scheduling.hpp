#pragma once
// Shared by the scheduler component's sources (schedule.cpp, compare.cpp). Not installed.

#include <optional>

#include "app/network_run.hpp"
#include "app/network_source.hpp"
#include "app/settings.hpp"
#include "cosa/schedule.hpp"
#include "mappers/cosa_scheduler.hpp"
#include "workload/network.hpp"

namespace cosa::api {

// The run settings of the public ones; checks the mapper, backend, objective and sampling names
// (std::invalid_argument).
app::RunSettings runSettings(const ScheduleSettings& settings, int jobs = 1);
// A scheduler's mapping as a public Mapping (its Timeloop YAML).
Mapping scheduledMapping(const cosa::Mapping& mapping, const cosa::Architecture& arch,
                         const Workload& workload);
// The network a source names, resolved as the CLI resolves it (app/network_source.hpp).
app::ResolvedNetwork networkFrom(const NetworkSource& source);

}  // namespace cosa::api
