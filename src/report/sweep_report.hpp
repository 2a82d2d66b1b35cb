#pragma once
// The self-contained HTML report of a design-space sweep (io/results/sweep_results.hpp): per workload, a
// scatter of every point's energy against its latency with the Pareto front (points no other point beats on
// both) drawn and listed, each point hoverable with its parameters; and a table of every point.

#include <string>
#include <vector>

#include "io/results/sweep_results.hpp"

namespace cosa {

// For each point: whether it is on its workload's Pareto front of (cycles, energy), both
// minimised. Only ok points take part; ties (equal on both) are all on the front.
std::vector<bool> paretoFront(const std::vector<SweepReportPoint>& points);

// The whole page. Pure and deterministic.
std::string renderSweepReport(const SweepReportData& data);

}  // namespace cosa
