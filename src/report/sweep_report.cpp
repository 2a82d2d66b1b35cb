#include "report/sweep_report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <string_view>

#include "report/html_kit.hpp"
#include "report/html_text.hpp"

namespace cosa {

namespace {

// A value on an axis: 3 significant digits, with k / M / G for large numbers.
std::string axisText(double value) {
  const double magnitude = std::fabs(value);
  if (magnitude >= 1e9) return fmt::format("{:.3g}G", value / 1e9);
  if (magnitude >= 1e6) return fmt::format("{:.3g}M", value / 1e6);
  if (magnitude >= 1e3) return fmt::format("{:.3g}k", value / 1e3);
  return fmt::format("{:.3g}", value);
}

// Everything a point's tooltip and info line show.
std::string describePoint(const SweepReportData& data, const SweepReportPoint& p, bool pareto) {
  std::string text = p.id + (pareto ? " (Pareto front)" : "");
  for (std::size_t i = 0; i < data.parameters.size() && i < p.values.size(); ++i)
    text += fmt::format("\n{} = {}", data.parameters[i], parameterText(p.values[i]));
  if (p.cycles) text += fmt::format("\ncycles: {}", thousands(*p.cycles));
  if (p.energy_pJ) text += fmt::format("\nenergy: {:.2f} uJ", *p.energy_pJ / 1e6);
  if (p.edp) text += fmt::format("\nEDP: {:.4g} pJ*cycles", *p.edp);
  return text;
}

// One workload's scatter: energy (uJ) against cycles, the front as a step line through its points.
std::string scatterSvg(const SweepReportData& data, const std::vector<bool>& front,
                       const std::string& workload, int chart) {
  std::vector<std::size_t> shown;
  for (std::size_t i = 0; i < data.points.size(); ++i)
    if (data.points[i].workload == workload && data.points[i].status == "ok") shown.push_back(i);
  if (shown.empty()) return "<p class=\"empty\">No point of this workload has a schedule.</p>\n";
  std::vector<html::ScatterPoint> points;
  for (std::size_t i : shown) {
    const SweepReportPoint& p = data.points[i];
    const bool pareto = front[i];
    points.push_back({static_cast<double>(*p.cycles), *p.energy_pJ / 1e6, pareto ? "pt pareto" : "pt",
                      pareto ? 6 : 4.5, describePoint(data, p, pareto)});
  }
  html::ScatterSpec spec{fmt::format("scatter-{}", chart),
                         "energy against latency, " + workload,
                         "latency (cycles)",
                         "energy (uJ)",
                         axisText,
                         "front",
                         {}};
  // The front, left to right: each step goes across at the previous point's energy, then down.
  for (std::size_t k = 0; k < shown.size(); ++k)
    if (front[shown[k]]) spec.step_line.push_back(k);
  std::sort(spec.step_line.begin(), spec.step_line.end(), [&](std::size_t a, std::size_t b) {
    return points[a].x != points[b].x ? points[a].x < points[b].x : points[a].y > points[b].y;
  });
  return html::scatterChart(spec, points);
}

std::string optionalNumber(const std::optional<double>& value, const char* format) {
  return value ? fmt::format(fmt::runtime(format), *value) : "";
}

std::string pointsTable(const SweepReportData& data, const std::vector<bool>& front) {
  std::vector<std::string> head{"id", "workload"};
  head.insert(head.end(), data.parameters.begin(), data.parameters.end());
  for (const char* h :
       {"status", "cycles", "energy (uJ)", "EDP (pJ*cycles)", "Pareto", "solve (s)", "wall (s)", "note"})
    head.push_back(h);
  html::Table table({"points", false, true});
  table.header(head);
  for (std::size_t i = 0; i < data.points.size(); ++i) {
    const SweepReportPoint& p = data.points[i];
    std::vector<html::Cell> cells{html::Cell::text(p.id), html::Cell::text(p.workload)};
    for (double v : p.values) cells.push_back(html::Cell::number(parameterText(v)));
    cells.push_back(html::Cell::text(p.status));
    cells.push_back(html::Cell::number(p.cycles ? thousands(*p.cycles) : ""));
    cells.push_back(html::Cell::number(p.energy_pJ ? fmt::format("{:.2f}", *p.energy_pJ / 1e6) : ""));
    cells.push_back(html::Cell::number(optionalNumber(p.edp, "{:.4g}")));
    cells.push_back(html::Cell::markup(front[i] ? "&#10003;" : ""));
    cells.push_back(html::Cell::number(optionalNumber(p.solve_time_s, "{:.2f}")));
    cells.push_back(html::Cell::number(optionalNumber(p.wall_time_s, "{:.2f}")));
    cells.push_back(html::Cell::text(p.message));
    table.row(cells, p.status);
  }
  return table.html();
}

constexpr std::string_view kStyle = R"css(
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1d2430;background:#f6f7f9}
header,main{max-width:1100px;margin:0 auto;padding:16px 24px}
h1{font-size:22px;margin:8px 0 2px}h2{font-size:17px;margin:24px 0 8px}
.sub{color:#5b6472;margin:0}
section{background:#fff;border:1px solid #dde1e7;border-radius:8px;padding:12px 16px;margin:12px 0}
svg.scatter{max-width:100%;height:auto}
.grid{stroke:#e3e6eb}.tick{font-size:11px;fill:#5b6472}.axis-label{font-size:12px;fill:#1d2430}
.pt{fill:#8aa4c8;stroke:#fff;stroke-width:1;cursor:pointer}.pt.pareto{fill:#d9480f}
.pt:hover{stroke:#1d2430;stroke-width:2}
.front{fill:none;stroke:#d9480f;stroke-width:1.5;stroke-dasharray:4 3}
.info{white-space:pre-wrap;font:12px/1.4 ui-monospace,monospace;min-height:5em;background:#f6f7f9;padding:6px 8px;border-radius:4px}
table.points{border-collapse:collapse;font-size:12px;width:100%}
.points th,.points td{border-bottom:1px solid #e3e6eb;padding:3px 6px;text-align:left}
.points td.num{text-align:right;font-variant-numeric:tabular-nums}
tr.invalid td,tr.failed td,tr.missing td{color:#8a5a00}
.legend i{display:inline-block;width:10px;height:10px;border-radius:50%;margin:0 4px 0 12px}
)css";

// Records script errors (on <html data-js-errors>) before anything else runs.
constexpr std::string_view kErrorScript = R"js(
(function () {
  var root = document.documentElement;
  function record(text) { root.setAttribute('data-js-errors', (root.getAttribute('data-js-errors') || '') + text + '; '); }
  window.addEventListener('error', function (e) { record(e.message || 'failed to load a resource'); }, true);
  document.addEventListener('securitypolicyviolation', function (e) { record('blocked by CSP: ' + e.blockedURI); });
})();
)js";

// Shows a hovered point's parameters under its chart, and marks the page loaded
// (data-report-status="ok") once every workload's chart has its points and its front.
constexpr std::string_view kLoadScript = R"js(
(function () {
  var root = document.documentElement;
  var charts = document.querySelectorAll('svg.scatter');
  var drawn = 0, hovered = 0;
  charts.forEach(function (svg) {
    var info = document.getElementById('info-' + svg.id);
    var points = svg.querySelectorAll('circle.pt');
    var front = svg.querySelector('path.front');
    if (points.length > 0 && front && front.getAttribute('d').length > 0 && svg.querySelector('circle.pareto')) drawn++;
    points.forEach(function (c) {
      c.addEventListener('mouseenter', function () { if (info) info.textContent = c.getAttribute('data-info'); });
    });
    // Shows the first Pareto point's parameters at once, through the same handler a hover runs.
    var first = svg.querySelector('circle.pareto');
    if (first && info) {
      first.dispatchEvent(new Event('mouseenter'));
      if (info.textContent === first.getAttribute('data-info')) hovered++;
    }
  });
  var expected = Number(document.body.getAttribute('data-expected-charts'));
  root.setAttribute('data-chart-count', String(charts.length));
  root.setAttribute('data-hover', hovered === expected ? 'ok' : 'broken');
  root.setAttribute('data-report-status', charts.length === expected && drawn === expected ? 'ok' : 'charts-missing');
})();
)js";

}  // namespace

std::vector<bool> paretoFront(const std::vector<SweepReportPoint>& points) {
  std::vector<bool> front(points.size(), false);
  const auto usable = [](const SweepReportPoint& p) { return p.status == "ok" && p.cycles && p.energy_pJ; };
  for (std::size_t i = 0; i < points.size(); ++i) {
    if (!usable(points[i])) continue;
    bool dominated = false;
    for (std::size_t j = 0; j < points.size() && !dominated; ++j) {
      if (j == i || !usable(points[j]) || points[j].workload != points[i].workload) continue;
      const bool no_worse =
          *points[j].cycles <= *points[i].cycles && *points[j].energy_pJ <= *points[i].energy_pJ;
      const bool better =
          *points[j].cycles < *points[i].cycles || *points[j].energy_pJ < *points[i].energy_pJ;
      dominated = no_worse && better;
    }
    front[i] = !dominated;
  }
  return front;
}

std::string renderSweepReport(const SweepReportData& data) {
  const std::vector<bool> front = paretoFront(data.points);
  std::size_t ok = 0, failed = 0, invalid = 0, missing = 0;
  double solve = 0, wall = 0;
  for (const SweepReportPoint& p : data.points) {
    ok += p.status == "ok";
    failed += p.status == "failed";
    invalid += p.status == "invalid";
    missing += p.status == "missing";
    solve += p.solve_time_s.value_or(0);
    wall += p.wall_time_s.value_or(0);
  }
  html::Page page("Sweep " + data.name + " \u2014 cosa", {kStyle, kErrorScript, kLoadScript});
  std::string body = fmt::format(
      "<header><h1>Sweep {}</h1><p class=\"sub\">cosa sweep &middot; base architecture {} &middot; objective "
      "{} &middot; {} points: {} ok, {} failed (a layer without a mapping), {} invalid (architecture), {} "
      "missing (not finished) &middot; solver time {:.1f} s (summed over layers), points' wall time {:.1f} "
      "s</p></header>\n<main>\n",
      escapeHtml(data.name), escapeHtml(data.architecture), escapeHtml(data.objective), data.points.size(),
      ok, failed, invalid, missing, solve, wall);
  for (const std::string& workload : data.workloads) {
    std::size_t on_front = 0, with_schedule = 0;
    for (std::size_t i = 0; i < data.points.size(); ++i)
      if (data.points[i].workload == workload) {
        on_front += front[i];
        with_schedule += data.points[i].status == "ok";
      }
    const std::string svg = scatterSvg(data, front, workload, page.charts());
    body += fmt::format(
        "<section><h2>{}: energy against latency</h2><p class=\"sub\">{} points with a schedule, {} on the "
        "Pareto front (no other point has both fewer cycles and less energy). Hover a point for its "
        "parameters.<span class=\"legend\"><i style=\"background:#d9480f\"></i>Pareto front<i "
        "style=\"background:#8aa4c8\"></i>dominated</span></p>\n{}",
        escapeHtml(workload), with_schedule, on_front, svg);
    if (with_schedule > 0) {
      body +=
          fmt::format("<div class=\"info\" id=\"info-scatter-{}\">(hover a point for its parameters)</div>\n",
                      page.charts());
      page.countChart();
    }
    body += "</section>\n";
  }
  body += html::element("section", {}, "<h2>Every point</h2>\n" + pointsTable(data, front)) + "\n";
  body +=
      "<p class=\"sub\">The built-in energy model gives no area, so there is no energy-against-area chart. "
      "This page is self-contained: nothing is fetched from anywhere.</p>\n</main>\n";
  return page.render(body);
}

}  // namespace cosa
