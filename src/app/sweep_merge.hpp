#pragma once
// Merging a sweep (`cosa sweep merge`): DIR/sweep.json (the list of points) and every point.json
// into DIR/points.csv and DIR/report.html.

#include <cstddef>
#include <string>
#include <vector>

namespace cosa::app {

struct SweepMergeSummary {
  std::size_t points = 0;
  std::size_t finished = 0;
  std::size_t ok = 0;
  std::vector<std::string> missing;  // ids of points without point.json
  std::string csv_path;
  std::string report_path;
};

// Writes DIR/points.csv and DIR/report.html from DIR/sweep.json and the points' point.json files;
// points not finished appear with status "missing". points.csv has a mapper column when the sweep's
// mapper is not the default (cosa).
SweepMergeSummary mergeSweep(const std::string& dir);

}  // namespace cosa::app
