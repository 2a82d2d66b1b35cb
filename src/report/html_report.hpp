#pragma once
// A self-contained HTML report of a `cosa network` or `cosa compare` output folder: per-layer
// latency and energy bars (one per mapper), the energy breakdown by memory level and data space
// (whole network and per layer), and each layer's loop nest, solver status and time to solution.
// Charts are inline SVG drawn here; the page loads nothing (its Content-Security-Policy forbids
// it), so it can be archived or mailed as one file.
//
// Loading (files -> ReportData) and rendering (ReportData -> HTML) are separate, so the renderer
// can be tested on values built by hand.

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

// Reads DIR/summary.json (written by `cosa network`) or else DIR/results.json (`cosa compare`),
// and the per-layer stats and loop-nest files they point to. Throws InputError when the folder
// has neither file or one is malformed; a missing per-layer file becomes a note.
ReportData loadReportData(const std::string& dir);

// The whole page. Pure and deterministic: the same data gives the same bytes.
std::string renderHtmlReport(const ReportData& data);

// loadReportData + renderHtmlReport, written atomically to `out` (default DIR/report.html).
// Returns the path written.
std::string writeHtmlReport(const std::string& dir, const std::string& out = {});

}  // namespace cosa
