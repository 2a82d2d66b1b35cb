#pragma once
// A sweep's DIR/points.csv (docs/sweeps.md): one row per point, in the sweep's order.

#include <optional>
#include <string>
#include <vector>

#include "io/results/sweep_results.hpp"

namespace cosa {

// The whole CSV text (deterministic: the same finished points give the same bytes). `pareto`: per
// point, whether it is on its workload's Pareto front (the `pareto` column; report/sweep_report.hpp's
// paretoFront computes it). `mapper`, when given (a sweep of a mapper other than the default), adds
// a `mapper` column after `workload` with that name on every row; without it the columns are those
// of every sweep before the mapper could be chosen.
std::string pointsCsv(const SweepReportData& data, const std::vector<bool>& pareto,
                      const std::optional<std::string>& mapper = std::nullopt);

}  // namespace cosa
