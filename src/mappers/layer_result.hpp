#pragma once
// The one result type of the pipeline: a mapper's answer (MapperResult) on one unique layer of a
// network, with the layer's name, how often it occurs and its roofline bound. Every command
// (schedule, network, compare, sweep) produces these; io/results writes them.

#include <cstdint>
#include <string>

#include "mappers/mapper.hpp"

namespace cosa {

struct LayerResult : MapperResult {
  std::string layer;
  int count = 1;  // occurrences of this layer shape in the network
  std::int64_t roofline_cycles = 0;
};

// The status the outputs show for a result: the winning MIP's for cosa, the mapper's name for a
// search mapper (which has no solver).
inline std::string solverStatusText(const MapperResult& r) {
  return r.solver_status.empty() ? r.mapper : r.solver_status;
}

// The note the outputs show: cosa's (why a schedule is not proven optimal, where it came from),
// a search mapper's message (how its search ended).
inline std::string resultNote(const MapperResult& r) { return r.cosa ? r.cosa->schedule.note : r.message; }

}  // namespace cosa
