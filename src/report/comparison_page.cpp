// The report of a `cosa compare` run: per network, a table of each mapper's totals with the
// reference mapper's geomean speed-up and energy gain over it; then each network's figures and
// layers (report/results_page.hpp).
#include <fmt/format.h>

#include <cmath>
#include <optional>
#include <utility>

#include "report/html_text.hpp"
#include "report/results_page.hpp"

namespace cosa::pages {

namespace {

// Geomean over layers both solved, weighted by occurrences, of baseline / reference (as in
// summary.md): > 1 means the reference is better.
std::optional<std::pair<double, double>> geomeanGains(const ReportNetwork& network, std::size_t reference,
                                                      std::size_t baseline) {
  double log_cycles = 0, log_energy = 0, weight = 0;
  for (const ReportLayer& layer : network.layers) {
    const ReportRun& ref = layer.runs.at(reference);
    const ReportRun& base = layer.runs.at(baseline);
    if (!ref.found || !base.found || ref.cycles <= 0 || ref.energy_pJ <= 0 || base.cycles <= 0 ||
        base.energy_pJ <= 0)
      continue;
    log_cycles += layer.count * std::log(static_cast<double>(base.cycles) / static_cast<double>(ref.cycles));
    log_energy += layer.count * std::log(base.energy_pJ / ref.energy_pJ);
    weight += layer.count;
  }
  if (weight == 0) return std::nullopt;
  return std::pair{std::exp(log_cycles / weight), std::exp(log_energy / weight)};
}

// "cosa compare · mappers cosa, random (reference: cosa) · networks resnet50".
std::string subtitle(const ReportData& data) {
  std::string mappers, networks;
  for (const std::string& m : data.mappers) mappers += (mappers.empty() ? "" : ", ") + m;
  for (const ReportNetwork& n : data.networks) networks += (networks.empty() ? "" : ", ") + n.name;
  return fmt::format("cosa compare \u00b7 mappers {} (reference: {}) \u00b7 networks {}", mappers,
                     data.mappers.empty() ? "" : data.mappers.front(), networks);
}

std::string totalsTables(const ReportData& data) {
  std::string out;
  const std::string& reference = data.mappers.empty() ? std::string() : data.mappers.front();
  for (const ReportNetwork& network : data.networks) {
    out += fmt::format(
        "<h3>{}</h3><p class=\"sub\">Totals over the network (cycles and energy weighted by layer "
        "occurrences); speed-up and energy gain of {} over each mapper are geomeans over layers "
        "both solved, weighted by occurrences.</p>",
        escapeHtml(network.name), escapeHtml(reference));
    html::Table table({"", true, false});
    table.header({"mapper", "layers solved", "total cycles", "total energy", "EDP (pJ\u00b7cycles)",
                  "cycles / roofline", "time to solution (s)", "speed-up of " + reference,
                  "energy gain of " + reference});
    for (std::size_t m = 0; m < data.mappers.size(); ++m) {
      const Totals t = totalsFor(network, m);
      std::string speedup = "\u2014", gain = "\u2014";
      if (m > 0)
        if (const auto g = geomeanGains(network, 0, m)) {
          speedup = fmt::format("{:.2f}\u00d7", g->first);
          gain = fmt::format("{:.2f}\u00d7", g->second);
        }
      table.row({html::Cell::markup(fmt::format("<i class=\"swatch\" style=\"background:{}\"></i>{}",
                                                mapperColor(m), escapeHtml(data.mappers[m]))),
                 html::Cell::text(fmt::format("{}/{}", t.solved, t.layers)),
                 html::Cell::text(thousands(t.cycles)), html::Cell::text(energyText(t.energy_pJ)),
                 html::Cell::text(scientific(t.cycles * t.energy_pJ)),
                 html::Cell::text(t.roofline_known && t.roofline > 0
                                      ? fmt::format("{:.3f}\u00d7", t.cycles / t.roofline)
                                      : "\u2014"),
                 html::Cell::text(fmt::format("{:.2f}", t.time_s)), html::Cell::text(speedup),
                 html::Cell::text(gain)});
    }
    out += table.html() + "\n";
  }
  return out;
}

}  // namespace

std::string renderComparisonPage(const ReportData& data) {
  ResultsPage page;
  // "Mapper comparison on simba".
  page.heading = "Mapper comparison" + (data.architecture.empty() ? "" : " on " + data.architecture);
  page.sub = subtitle(data);
  page.summary_html = totalsTables(data);
  page.network_headings = true;
  return renderResultsPage(data, page);
}

}  // namespace cosa::pages
