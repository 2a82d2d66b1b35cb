#pragma once
// The results of a design-space sweep as typed values, built from the points' point.json files
// (app/sweep) and written to points.csv and the sweep's HTML report.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cosa {

struct SweepReportPoint {
  std::string id;
  std::string workload;
  std::vector<double> values;  // one per SweepReportData::parameters
  std::string status;          // ok | failed | invalid | missing
  std::string message;         // why, when not ok
  // Totals over the network (layer counts included); set when status is ok.
  std::optional<std::int64_t> cycles;
  std::optional<double> energy_pJ;
  std::optional<double> edp;
  std::optional<double> pj_per_mac;
  std::optional<int> unique_layers;
  std::optional<int> failed_layers;
  std::optional<double> solve_time_s;  // MIP solver time over the point's layers
  std::optional<double> wall_time_s;   // the point from start to point.json
};

struct SweepReportData {
  std::string name;
  std::string architecture;  // the base architecture's file
  std::string objective;
  std::vector<std::string> parameters;
  std::vector<std::string> workloads;
  std::vector<SweepReportPoint> points;  // in the sweep's order
};

// A parameter value as ids, the CSV and the report write it (shortest text that reads back).
std::string parameterText(double value);

}  // namespace cosa
