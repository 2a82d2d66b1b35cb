#pragma once
// Shared by the scheduler component's sources (schedule.cpp, compare.cpp). Not installed.

#include <optional>

#include "app/network_run.hpp"
#include "cosa/schedule.hpp"
#include "mappers/cosa_scheduler.hpp"
#include "workload/network.hpp"

namespace cosa::api {

// Checks the backend and objective names (std::invalid_argument) and converts.
ScheduleOptions scheduleOptions(const ScheduleSettings& settings);
// A scheduler's mapping as a public Mapping (its Timeloop YAML).
Mapping scheduledMapping(const cosa::Mapping& mapping, const cosa::Architecture& arch,
                         const Workload& workload);
// The network a source names; for an ONNX model, also what summary.json records about the import.
Network networkFrom(const NetworkSource& source, std::optional<app::OnnxProvenance>* provenance);

}  // namespace cosa::api
