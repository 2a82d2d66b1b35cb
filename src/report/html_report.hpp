#pragma once
// A self-contained HTML report of a `cosa network` or `cosa compare` output folder: per-layer
// latency and energy bars (one per mapper), the energy breakdown by memory level and data space
// (whole network and per layer), and each layer's loop nest, solver status and time to solution.
// Charts are inline SVG (report/html_kit.hpp); the page loads nothing (its Content-Security-Policy
// forbids it), so it can be archived or mailed as one file.
//
// Loading (files -> ReportData, io/results/report_inputs.hpp) and rendering (ReportData -> HTML,
// report/network_page.cpp and report/comparison_page.cpp) are separate, so the renderer can be
// tested on values built by hand.

#include <string>

#include "io/results/report_inputs.hpp"

namespace cosa {

// The whole page. Pure and deterministic: the same data gives the same bytes.
std::string renderHtmlReport(const ReportData& data);

// loadReportData + renderHtmlReport, written atomically to `out` (default DIR/report.html).
// Returns the path written.
std::string writeHtmlReport(const std::string& dir, const std::string& out = {});

}  // namespace cosa
