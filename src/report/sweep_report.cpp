#include "report/sweep_report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string_view>

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

struct Range {
  double low = 0;
  double high = 1;
  double at(double value, double from, double to) const {
    return from + (value - low) / (high - low) * (to - from);
  }
};

// The data's extent with 5% of room on each side (a unit of room when every value is equal).
Range paddedRange(const std::vector<double>& values) {
  const auto [low, high] = std::minmax_element(values.begin(), values.end());
  const double span = *high - *low;
  const double pad = span > 0 ? span * 0.05 : std::max(std::fabs(*low) * 0.05, 1.0);
  return {*low - pad, *high + pad};
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

constexpr double kWidth = 760, kHeight = 440, kLeft = 90, kRight = 20, kTop = 20, kBottom = 60;

// One workload's scatter: energy (uJ) against cycles, the front as a step line through its points.
std::string scatterSvg(const SweepReportData& data, const std::vector<bool>& front,
                       const std::string& workload, int chart) {
  std::vector<std::size_t> shown;
  for (std::size_t i = 0; i < data.points.size(); ++i)
    if (data.points[i].workload == workload && data.points[i].status == "ok") shown.push_back(i);
  if (shown.empty()) return "<p class=\"empty\">No point of this workload has a schedule.</p>\n";
  std::vector<double> xs, ys;
  for (std::size_t i : shown) {
    xs.push_back(static_cast<double>(*data.points[i].cycles));
    ys.push_back(*data.points[i].energy_pJ / 1e6);
  }
  const Range rx = paddedRange(xs), ry = paddedRange(ys);
  const double x0 = kLeft, x1 = kWidth - kRight, y0 = kHeight - kBottom, y1 = kTop;
  std::string svg = fmt::format(
      "<svg class=\"scatter\" id=\"scatter-{}\" viewBox=\"0 0 {} {}\" width=\"{}\" height=\"{}\" "
      "role=\"img\" "
      "aria-label=\"energy against latency, {}\">\n",
      chart, kWidth, kHeight, kWidth, kHeight, escapeHtml(workload));
  for (int t = 0; t <= 4; ++t) {
    const double vx = rx.low + (rx.high - rx.low) * t / 4, vy = ry.low + (ry.high - ry.low) * t / 4;
    const double px = rx.at(vx, x0, x1), py = ry.at(vy, y0, y1);
    svg += fmt::format(
        "<line class=\"grid\" x1=\"{:.1f}\" y1=\"{}\" x2=\"{:.1f}\" y2=\"{}\"/><text class=\"tick\" "
        "x=\"{:.1f}\" "
        "y=\"{}\" text-anchor=\"middle\">{}</text>\n",
        px, y0, px, y1, px, y0 + 18, axisText(vx));
    svg += fmt::format(
        "<line class=\"grid\" x1=\"{}\" y1=\"{:.1f}\" x2=\"{}\" y2=\"{:.1f}\"/><text class=\"tick\" x=\"{}\" "
        "y=\"{:.1f}\" text-anchor=\"end\">{}</text>\n",
        x0, py, x1, py, x0 - 8, py + 4, axisText(vy));
  }
  svg += fmt::format(
      "<text class=\"axis-label\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">latency (cycles)</text>\n"
      "<text class=\"axis-label\" transform=\"translate(18 {}) rotate(-90)\" text-anchor=\"middle\">energy "
      "(uJ)</text>\n",
      (x0 + x1) / 2, kHeight - 12, (y0 + y1) / 2);
  // The front, left to right: each step goes across at the previous point's energy, then down.
  std::vector<std::size_t> on_front;
  for (std::size_t k = 0; k < shown.size(); ++k)
    if (front[shown[k]]) on_front.push_back(k);
  std::sort(on_front.begin(), on_front.end(),
            [&](std::size_t a, std::size_t b) { return xs[a] != xs[b] ? xs[a] < xs[b] : ys[a] > ys[b]; });
  std::string path;
  for (std::size_t n = 0; n < on_front.size(); ++n) {
    const double px = rx.at(xs[on_front[n]], x0, x1), py = ry.at(ys[on_front[n]], y0, y1);
    path += n == 0 ? fmt::format("M{:.1f} {:.1f}", px, py) : fmt::format(" H{:.1f} V{:.1f}", px, py);
  }
  svg += fmt::format("<path class=\"front\" d=\"{}\"/>\n", path);
  for (std::size_t k = 0; k < shown.size(); ++k) {
    const SweepReportPoint& p = data.points[shown[k]];
    const bool pareto = front[shown[k]];
    const std::string text = describePoint(data, p, pareto);
    svg += fmt::format(
        "<circle class=\"pt{}\" cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"{}\" "
        "data-info=\"{}\"><title>{}</title></circle>\n",
        pareto ? " pareto" : "", rx.at(xs[k], x0, x1), ry.at(ys[k], y0, y1), pareto ? 6 : 4.5,
        escapeHtml(text), escapeHtml(text));
  }
  return svg + "</svg>\n";
}

std::string optionalNumber(const std::optional<double>& value, const char* format) {
  return value ? fmt::format(fmt::runtime(format), *value) : "";
}

std::string pointsTable(const SweepReportData& data, const std::vector<bool>& front) {
  std::string out = "<table class=\"points\"><thead><tr><th>id</th><th>workload</th>";
  for (const std::string& name : data.parameters) out += "<th>" + escapeHtml(name) + "</th>";
  out +=
      "<th>status</th><th>cycles</th><th>energy (uJ)</th><th>EDP (pJ*cycles)</th><th>Pareto</th>"
      "<th>solve (s)</th><th>wall (s)</th><th>note</th></tr></thead>\n<tbody>\n";
  for (std::size_t i = 0; i < data.points.size(); ++i) {
    const SweepReportPoint& p = data.points[i];
    out += fmt::format("<tr class=\"{}\"><td>{}</td><td>{}</td>", escapeHtml(p.status), escapeHtml(p.id),
                       escapeHtml(p.workload));
    for (double v : p.values) out += "<td class=\"num\">" + parameterText(v) + "</td>";
    out += fmt::format(
        "<td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td>"
        "<td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>\n",
        escapeHtml(p.status), p.cycles ? thousands(*p.cycles) : "",
        p.energy_pJ ? fmt::format("{:.2f}", *p.energy_pJ / 1e6) : "", optionalNumber(p.edp, "{:.4g}"),
        front[i] ? "&#10003;" : "", optionalNumber(p.solve_time_s, "{:.2f}"),
        optionalNumber(p.wall_time_s, "{:.2f}"), escapeHtml(p.message));
  }
  return out + "</tbody></table>\n";
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
  std::string body = fmt::format(
      "<header><h1>Sweep {}</h1><p class=\"sub\">cosa sweep &middot; base architecture {} &middot; objective "
      "{} "
      "&middot; {} points: {} ok, {} failed (a layer without a mapping), {} invalid (architecture), {} "
      "missing "
      "(not finished) &middot; solver time {:.1f} s (summed over layers), points' wall time {:.1f} "
      "s</p></header>\n<main>\n",
      escapeHtml(data.name), escapeHtml(data.architecture), escapeHtml(data.objective), data.points.size(),
      ok, failed, invalid, missing, solve, wall);
  int charts = 0;
  for (const std::string& workload : data.workloads) {
    std::size_t on_front = 0, with_schedule = 0;
    for (std::size_t i = 0; i < data.points.size(); ++i)
      if (data.points[i].workload == workload) {
        on_front += front[i];
        with_schedule += data.points[i].status == "ok";
      }
    const std::string svg = scatterSvg(data, front, workload, charts);
    body += fmt::format(
        "<section><h2>{}: energy against latency</h2><p class=\"sub\">{} points with a schedule, {} on the "
        "Pareto "
        "front (no other point has both fewer cycles and less energy). Hover a point for its parameters."
        "<span class=\"legend\"><i style=\"background:#d9480f\"></i>Pareto front<i "
        "style=\"background:#8aa4c8\"></i>dominated</span></p>\n{}",
        escapeHtml(workload), with_schedule, on_front, svg);
    if (with_schedule > 0) {
      body += fmt::format(
          "<div class=\"info\" id=\"info-scatter-{}\">(hover a point for its parameters)</div>\n", charts);
      ++charts;
    }
    body += "</section>\n";
  }
  body += "<section><h2>Every point</h2>\n" + pointsTable(data, front) + "</section>\n";
  body +=
      "<p class=\"sub\">The built-in energy model gives no area, so there is no energy-against-area chart. "
      "This page is self-contained: nothing is fetched from anywhere.</p>\n</main>\n";

  std::string html = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  html +=
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
      "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n";
  html += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  html += "<title>Sweep " + escapeHtml(data.name) + " \u2014 cosa</title>\n";
  html += "<script>" + std::string(kErrorScript) + "</script>\n";
  html += "<style>" + std::string(kStyle) + "</style>\n</head>\n";
  html += fmt::format("<body data-expected-charts=\"{}\">\n", charts);
  html += body;
  html += "<script>" + std::string(kLoadScript) + "</script>\n</body>\n</html>\n";
  return html;
}

}  // namespace cosa
