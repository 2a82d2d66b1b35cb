#pragma once
// The results a report shows, read from an output folder: `cosa network`'s summary.json or
// `cosa compare`'s results.json, and the per-layer stats.json and loopnest.txt they point to, as
// typed values (report/html_report.hpp renders them). A bad value is an InputError naming the file
// and the field; a missing per-layer file is a note.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cosa {

// One slice of a run's energy: a storage level's accesses to one data space, or the arithmetic
// units (level kArithmeticLevel, data_space empty).
struct EnergyComponent {
  std::string level;
  std::string data_space;
  double energy_pJ = 0;
};

inline constexpr const char* kArithmeticLevel = "Arithmetic";

// One mapper's result on one layer, per occurrence of the layer.
struct ReportRun {
  std::string mapper;
  bool found = false;
  std::string message;  // why there is no mapping, when !found
  std::int64_t cycles = 0;
  double energy_pJ = 0;
  std::int64_t roofline_cycles = 0;  // 0 when unknown
  std::int64_t macs = 0;             // 0 when unknown
  std::optional<double> utilization;
  double time_s = 0;          // time to solution
  std::string solver_status;  // empty for search mappers
  std::optional<double> gap;  // the MIP's relative gap, when known
  std::optional<std::int64_t> samples;
  std::optional<std::int64_t> evaluations;
  std::vector<EnergyComponent> energy_breakdown;  // empty when the stats file is missing
  std::string loop_nest;                          // empty when the loop-nest file is missing
};

struct ReportLayer {
  std::string name;
  int count = 1;                // occurrences in the network
  std::string problem;          // e.g. "cnn-layer: R=3 S=3 P=56 ..." (empty when unknown)
  std::vector<ReportRun> runs;  // one per ReportData::mappers entry, in that order
};

struct ReportNetwork {
  std::string name;
  std::vector<ReportLayer> layers;  // unique layers, in network order
};

enum class ReportKind { Network, Comparison };

struct ReportData {
  ReportKind kind = ReportKind::Network;
  std::string source;  // the results file: "summary.json" or "results.json"
  std::string architecture;
  std::string objective;  // `network` only
  bool complete = true;   // false when the run was interrupted or an ONNX import was partial
  // `network --onnx` only: "node (op): reason" for each compute node that is not a layer.
  std::vector<std::string> not_imported;
  std::optional<double> wall_time_s;
  int jobs = 0;                      // 0 when unknown
  std::vector<std::string> mappers;  // the first is the reference
  std::vector<ReportNetwork> networks;
  std::vector<std::string> notes;  // shown under the header (missing files, import warnings)
};

// One found run's files, relative to `dir` (either may be empty: not written): from the stats file
// (the evaluate JSON plus the run's solver), the run's energy breakdown, MACs, utilization, gap and
// solver status, and the layer's problem when not yet known; from the loop-nest file, the loop nest.
// A missing file becomes a note.
void loadLayerRunFiles(const std::string& dir, const std::string& stats_file,
                       const std::string& loopnest_file, ReportLayer& layer, ReportRun& run,
                       std::vector<std::string>& notes);

// DIR/summary.json, written by `cosa network`, and the files of its layers.
ReportData loadNetworkReport(const std::string& dir);

// DIR/results.json, written by `cosa compare`, and the files of its runs; each layer gets one run
// per mapper, in mapper order (a run missing from the file is "not run").
ReportData loadComparisonReport(const std::string& dir);

// Reads DIR/summary.json (written by `cosa network`) or else DIR/results.json (`cosa compare`),
// and the per-layer stats and loop-nest files they point to. Throws InputError when the folder
// has neither file or one is malformed; a missing per-layer file becomes a note.
ReportData loadReportData(const std::string& dir);

}  // namespace cosa
