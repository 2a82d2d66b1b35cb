#pragma once
// The parts the network page (report/network_page.cpp) and the comparison page
// (report/comparison_page.cpp) share: the frame (header, navigation, banners, summary card,
// footer), each network's latency, energy and breakdown figures (report/breakdown_figures.cpp) and
// its layers (report/layer_page.cpp). Internal to report/.

#include <cstddef>
#include <string>

#include "io/results/report_inputs.hpp"
#include "report/html_kit.hpp"

namespace cosa::pages {

// The colour of the mapper at this index of ReportData::mappers.
std::string mapperColor(std::size_t index);

// A mapper's totals over a network: cycles and energy add up over layer occurrences (layers run
// one after another); time to solution adds up over unique layers (each is scheduled once).
struct Totals {
  double cycles = 0, energy_pJ = 0, roofline = 0, macs = 0, time_s = 0;
  int solved = 0, layers = 0;
  bool roofline_known = true, macs_known = true;
};
Totals totalsFor(const ReportNetwork& network, std::size_t mapper);

// A run's cycles over its roofline bound ("1.029×"), or "—" when unknown.
std::string overBound(const ReportRun& run);
// "×3" for a layer that occurs three times, "" for one.
std::string countNote(int count);
// The layer's name, its count and its problem: a row's tooltip.
std::string layerTooltip(const ReportLayer& layer);

// What a page puts in the frame.
struct ResultsPage {
  std::string heading;            // <h1>, and the title before " — cosa report"
  std::string sub;                // the line under the heading (text)
  std::string summary_html;       // the summary card's content, before the notes
  bool network_headings = false;  // each network under its own <h2>, its name in the navigation
};

// The whole page: `page`'s parts, then for each network its figures and its layers.
std::string renderResultsPage(const ReportData& data, const ResultsPage& page);

// A network's energy breakdown: the whole network's by level and data space (a figure and tables)
// and each layer's (a figure), or a card saying there are no statistics.
std::string breakdownFigures(const ReportData& data, std::size_t network, html::Page& page);

// A network's layers: one collapsible card per unique layer with its numbers per mapper, the
// solver's status, gap and time, and each mapper's loop nest.
std::string layersSection(const ReportData& data, std::size_t network);

// The pages (renderHtmlReport picks one by ReportData::kind).
std::string renderNetworkPage(const ReportData& data);
std::string renderComparisonPage(const ReportData& data);

}  // namespace cosa::pages
