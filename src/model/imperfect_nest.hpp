#pragma once
// The exact walk of Timeloop 019f107's nest analysis over a loop nest with residual (imperfect)
// factors. Perfect mappings do not come here in evaluate(): the evaluator's closed form gives the
// same result (tests check that, walking perfect mappings too). This walk is
// slower (it visits iterations #0, #1 (standing for the middle ones) and #last of every temporal
// loop, and the first element of every spatial fan-out, as Timeloop does), but it reproduces what
// Timeloop does with residuals, including where that is not the exact count:
//  - a loop's bound is its residual only when every loop of its dimension above it is at its last
//    iteration ("last global iteration"), and a tile's extent likewise;
//  - with any residual in the nest, every temporal loop also runs its last iteration separately
//    (its delta replaced by the middle one's when the loop has three or more iterations);
//  - only the first element of a spatial fan-out is walked; the others are its delta translated,
//    and the fan-out counted for multicast and compute replication is the loop's full bound.
// The result is what Timeloop's analysis hands to its tiling step (model/evaluator_imperfect.cpp).

#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include "arch/architecture.hpp"
#include "mapping/mapping.hpp"
#include "workload/workload.hpp"

namespace cosa {

// (multicast factor, scatter factor) -> accesses, as Timeloop's access-stat matrix.
using AccessMatrix = std::map<std::pair<std::int64_t, std::int64_t>, double>;

// One loop of the analysed nest that Timeloop keeps statistics for (a temporal loop, or the
// outermost loop of a run of spatial loops), for one data space.
struct NestTile {
  std::int64_t size = 0;  // largest working set seen (averaged over the walked instances)
  AccessMatrix accesses;  // accesses from the level below, by multicast and scatter factor
  std::int64_t link_transfers = 0;
  std::int64_t replication = 1;  // spatial instances above this loop (full bounds)
  std::int64_t fanout = 1;       // spatial fan-out of this loop's run (full bounds)
  bool storage_boundary = false;
  bool master_spatial = false;
};

struct ImperfectNestAnalysis {
  std::vector<std::vector<NestTile>> tiles;  // [data space][kept loop], innermost first
  double compute_accesses = 0;               // per walked compute instance
  std::int64_t compute_replication = 1;
};

ImperfectNestAnalysis analyseImperfectNest(const Architecture& arch, const Workload& workload,
                                           const Mapping& mapping);

}  // namespace cosa
