#include "app/sweep_merge.hpp"

#include <filesystem>

#include "io/atomic_file.hpp"
#include "io/results/points_csv.hpp"
#include "io/results/sweep_folder.hpp"
#include "report/sweep_report.hpp"

namespace cosa::app {

SweepMergeSummary mergeSweep(const std::string& dir_text) {
  const std::filesystem::path dir(dir_text);
  const SweepFolder folder = readSweepFolder(dir_text);
  SweepMergeSummary summary;
  summary.points = folder.data.points.size();
  summary.finished = folder.finished;
  summary.ok = folder.ok;
  summary.missing = folder.missing;
  summary.csv_path = (dir / "points.csv").string();
  summary.report_path = (dir / "report.html").string();
  writeFileAtomically(summary.csv_path,
                      pointsCsv(folder.data, paretoFront(folder.data.points), folder.mapper));
  writeFileAtomically(summary.report_path, renderSweepReport(folder.data));
  return summary;
}

}  // namespace cosa::app
