// The report of a `cosa network` run: the network's totals as headline numbers, then its figures
// and layers (report/results_page.hpp).
#include <fmt/format.h>

#include "report/html_text.hpp"
#include "report/results_page.hpp"

namespace cosa::pages {

namespace {

// "cosa network · objective edp · 53 layers, 23 unique · scheduled in 1.5 s with 2 jobs".
std::string subtitle(const ReportData& data) {
  if (data.networks.empty()) return "";
  const ReportNetwork& n = data.networks.front();
  int occurrences = 0;
  for (const ReportLayer& l : n.layers) occurrences += l.count;
  std::string sub = fmt::format("cosa network \u00b7 objective {} \u00b7 {} layers, {} unique",
                                data.objective.empty() ? "?" : data.objective, occurrences, n.layers.size());
  if (data.wall_time_s)
    sub +=
        fmt::format(" \u00b7 scheduled in {:.1f} s{}", *data.wall_time_s,
                    data.jobs > 0 ? fmt::format(" with {} job{}", data.jobs, data.jobs == 1 ? "" : "s") : "");
  return sub;
}

std::string headlineNumbers(const ReportData& data) {
  if (data.networks.empty() || data.mappers.empty()) return "";
  const Totals t = totalsFor(data.networks.front(), 0);
  std::string out = "<div class=\"kpis\">";
  out += html::kpi("Total latency", compact(t.cycles), thousands(t.cycles) + " cycles");
  out += html::kpi("Total energy", energyText(t.energy_pJ), thousands(t.energy_pJ) + " pJ");
  out += html::kpi("Energy-delay product", scientific(t.cycles * t.energy_pJ), "pJ \u00b7 cycles");
  out += html::kpi("Energy per MAC",
                   t.macs_known && t.macs > 0 ? fmt::format("{:.3f} pJ", t.energy_pJ / t.macs) : "\u2014",
                   t.macs_known ? compact(t.macs) + " MACs" : "MACs unknown");
  out += html::kpi(
      "Cycles / roofline",
      t.roofline_known && t.roofline > 0 ? fmt::format("{:.3f}\u00d7", t.cycles / t.roofline) : "\u2014",
      "network total over its bound");
  out += html::kpi("Layers solved", fmt::format("{}/{}", t.solved, t.layers),
                   fmt::format("solver time {:.1f} s in total", t.time_s));
  return out + "</div>\n";
}

}  // namespace

std::string renderNetworkPage(const ReportData& data) {
  ResultsPage page;
  // "resnet50 on simba".
  const std::string arch = data.architecture.empty() ? "" : " on " + data.architecture;
  page.heading = (data.networks.empty() ? "Network" : data.networks.front().name) + arch;
  page.sub = subtitle(data);
  page.summary_html = headlineNumbers(data);
  return renderResultsPage(data, page);
}

}  // namespace cosa::pages
