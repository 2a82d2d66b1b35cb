// A network's layers: one collapsible card per unique layer (its name, count, problem, solver
// statuses and headline numbers), holding a table of its results per mapper and each mapper's
// loop nest.
#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "report/html_text.hpp"
#include "report/results_page.hpp"

namespace cosa::pages {

namespace {

std::string statusClass(const std::string& status) {
  if (status == "optimal") return "ok";
  if (status == "feasible") return "warn";
  return "bad";
}

std::string statusPill(const ReportRun& run, const std::string& prefix = {}) {
  if (!run.found) return html::pill("bad", prefix + "no mapping");
  if (run.solver_status.empty()) return html::pill("neutral", prefix + "search");
  return html::pill(statusClass(run.solver_status), prefix + run.solver_status);
}

constexpr const char* kDash = "\u2014";  // an unknown value

// The layer's results, one row per mapper.
std::string resultsTable(const ReportLayer& layer, bool grouped, bool search_counts) {
  std::vector<std::string> head;
  if (grouped) head.push_back("mapper");
  for (const char* h : {"cycles", "cycles / roofline", "energy", "pJ/MAC", "utilization", "solver", "gap",
                        "time to solution (s)"})
    head.push_back(h);
  if (search_counts) {
    head.push_back("samples");
    head.push_back("evaluations");
  }
  html::Table table({"", true, false});
  table.header(head);
  for (const ReportRun& run : layer.runs) {
    std::vector<html::Cell> cells;
    if (grouped) cells.push_back(html::Cell::text(run.mapper));
    if (!run.found) {
      cells.push_back({escapeHtml("no valid mapping: " + run.message), "message", search_counts ? 10 : 8});
      table.row(cells);
      continue;
    }
    cells.push_back(html::Cell::text(thousands(static_cast<double>(run.cycles))));
    cells.push_back(html::Cell::text(overBound(run)));
    cells.push_back(html::Cell::text(energyText(run.energy_pJ)));
    cells.push_back(html::Cell::text(
        run.macs > 0 ? fmt::format("{:.3f}", run.energy_pJ / static_cast<double>(run.macs)) : kDash));
    cells.push_back(
        html::Cell::text(run.utilization ? fmt::format("{:.1f}%", 100 * *run.utilization) : kDash));
    cells.push_back(html::Cell::markup(statusPill(run)));
    cells.push_back(html::Cell::text(run.gap ? percent(*run.gap) : kDash));
    cells.push_back(html::Cell::text(fmt::format("{:.3f}", run.time_s)));
    if (search_counts) {
      cells.push_back(html::Cell::text(run.samples ? thousands(static_cast<double>(*run.samples)) : kDash));
      cells.push_back(
          html::Cell::text(run.evaluations ? thousands(static_cast<double>(*run.evaluations)) : kDash));
    }
    table.row(cells);
  }
  return table.html();
}

}  // namespace

std::string layersSection(const ReportData& data, std::size_t n) {
  const ReportNetwork& network = data.networks[n];
  const bool grouped = data.mappers.size() > 1;
  const bool search_counts =
      std::any_of(network.layers.begin(), network.layers.end(), [](const ReportLayer& l) {
        return std::any_of(l.runs.begin(), l.runs.end(),
                           [](const ReportRun& r) { return r.samples.has_value(); });
      });
  std::string out = fmt::format(
      "<section id=\"layers-{}\"><h2>Layers</h2><p class=\"sub\">Per unique layer: results per "
      "occurrence, the solver's status, gap and time to solution, and the loop nest (outermost level "
      "first).</p>"
      "<div class=\"toolbar\"><button type=\"button\" data-details=\"open\">Expand all</button>"
      "<button type=\"button\" data-details=\"close\">Collapse all</button></div>\n",
      n);
  for (std::size_t i = 0; i < network.layers.size(); ++i) {
    const ReportLayer& layer = network.layers[i];
    const ReportRun& first = layer.runs.front();
    std::string headline;
    if (first.found)
      headline = fmt::format("{} cycles \u00b7 {} \u00b7 {} roofline{}", thousands(first.cycles),
                             energyText(first.energy_pJ), overBound(first),
                             grouped ? " (" + escapeHtml(first.mapper) + ")" : "");
    std::string pills;
    // Solver statuses and failures; search mappers have no status to show here.
    for (const ReportRun& run : layer.runs)
      if (!run.found || !run.solver_status.empty())
        pills += statusPill(run, grouped ? run.mapper + ": " : "");
    out += fmt::format(
        "<details class=\"layer\" id=\"layer-{}-{}\"><summary><span class=\"name\">{}</span>"
        "<span class=\"count\">{}</span><span class=\"problem\">{}</span>{}"
        "<span class=\"headline\">{}</span></summary><div class=\"body\">",
        n, i, escapeHtml(layer.name), escapeHtml(countNote(layer.count)), escapeHtml(layer.problem), pills,
        headline);
    out += resultsTable(layer, grouped, search_counts);
    out += "<div class=\"nests\">";
    for (const ReportRun& run : layer.runs) {
      if (!run.found) continue;
      out += "<figure><figcaption>" +
             escapeHtml("Loop nest" + (grouped ? " \u00b7 " + run.mapper : std::string())) + "</figcaption>";
      out += run.loop_nest.empty() ? "<p class=\"sub\">No loop-nest file.</p>"
                                   : "<pre class=\"loopnest\">" + escapeHtml(run.loop_nest) + "</pre>";
      out += "</figure>";
    }
    out += "</div></div></details>\n";
  }
  return out + "</section>\n";
}

}  // namespace cosa::pages
