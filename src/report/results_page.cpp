#include "report/results_page.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <string_view>
#include <utility>
#include <vector>

#include "report/html_text.hpp"

namespace cosa::pages {

namespace {

constexpr std::array<const char*, 8> kMapperColors{"#3b6fd4", "#e8803a", "#2f9e6e", "#9b5cc4",
                                                   "#d24b5a", "#6b7a8f", "#c49a1c", "#1a9fb5"};

constexpr std::string_view kStyle = R"css(
:root{--ink:#1d2733;--muted:#5d6b7a;--line:#e2e6eb;--bg:#f4f6f9;--card:#fff;--accent:#3b6fd4}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",Arial,sans-serif}
header.top{background:linear-gradient(120deg,#1b2b44,#27406b);color:#fff;padding:26px 0 22px}
.wrap{max-width:1160px;margin:0 auto;padding:0 24px}
header.top h1{margin:0 0 4px;font-size:25px;font-weight:650;letter-spacing:-.01em}
header.top .sub{margin:0;color:#c9d5e8}
header.top .brand{font-size:12px;text-transform:uppercase;letter-spacing:.12em;color:#9fb4d6;margin-bottom:6px}
nav.toc{position:sticky;top:0;z-index:2;background:rgba(255,255,255,.94);border-bottom:1px solid var(--line);backdrop-filter:blur(4px)}
nav.toc .wrap{display:flex;gap:18px;flex-wrap:wrap;padding-top:9px;padding-bottom:9px;font-size:13px}
nav.toc a{color:var(--muted);text-decoration:none}nav.toc a:hover{color:var(--accent)}
main{padding:22px 0 40px}
section.card,figure.card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:18px 20px;margin:0 0 18px;box-shadow:0 1px 2px rgba(16,24,40,.04)}
h2{font-size:19px;margin:28px 0 12px}h2:first-child{margin-top:0}
h3{font-size:15px;margin:0 0 2px}
p.sub,.card .sub{color:var(--muted);margin:0 0 10px;font-size:13px}
.kpis{display:grid;grid-template-columns:repeat(auto-fit,minmax(160px,1fr));gap:12px}
.kpi{border:1px solid var(--line);border-radius:8px;padding:10px 14px;background:#fafbfc}
.kpi .label{font-size:12px;color:var(--muted);text-transform:uppercase;letter-spacing:.05em}
.kpi .value{font-size:21px;font-weight:650;margin-top:2px;font-variant-numeric:tabular-nums}
.kpi .detail{font-size:12px;color:var(--muted)}
.banner{background:#fff4e5;border:1px solid #f5c68a;color:#7a4a06;border-radius:8px;padding:10px 14px;margin:0 0 16px}
.notes{margin:12px 0 0;padding-left:18px;color:var(--muted);font-size:13px}
table{border-collapse:collapse;width:100%;font-size:13px;font-variant-numeric:tabular-nums}
th,td{padding:6px 10px;border-bottom:1px solid var(--line);text-align:right;white-space:nowrap}
th{color:var(--muted);font-weight:600;font-size:12px;background:#fafbfc;white-space:normal;vertical-align:bottom}
th:first-child,td:first-child{text-align:left}
tr.level td{font-weight:600;background:#fbfcfd}tr.space td:first-child{padding-left:26px;color:var(--muted)}
tr.total td{font-weight:700;border-top:2px solid var(--line)}
.table-scroll{overflow-x:auto}
figure.card{margin:0 0 18px}
svg.chart{display:block;width:100%;height:auto;margin-top:6px}
svg.chart text{font-size:11px;fill:#334155}
svg.chart .axis-label{font-size:12px;fill:var(--muted);font-weight:600}
svg.chart .tick{fill:#7b8794;font-size:10.5px}
svg.chart .grid{stroke:#e6e9ee;stroke-width:1}svg.chart .axis{stroke:#9aa5b1;stroke-width:1}
svg.chart .band{fill:#f6f8fa}
svg.chart .row-label{font-size:11.5px;fill:#1f2937}svg.chart .row-note{fill:#8a96a3}
svg.chart .tag{font-size:10px;fill:#6b7785}svg.chart .value{font-size:10.5px;fill:#475569}
svg.chart .missing{font-style:italic;fill:#b42318;font-size:10.5px}
svg.chart rect.bar:hover,svg.chart rect.seg:hover{opacity:.78}
.legend{display:flex;flex-wrap:wrap;gap:6px 16px;font-size:12px;color:#334155;margin:4px 0 2px}
.legend .group{display:inline-flex;gap:8px;align-items:center}.legend .group b{font-weight:600;color:#1f2937}
.legend .key{display:inline-flex;align-items:center;gap:5px}
.legend i,i.swatch{display:inline-block;width:11px;height:11px;border-radius:2px}
i.swatch{margin-right:7px;vertical-align:-1px}
.pill{display:inline-block;padding:1px 8px;border-radius:999px;font-size:11.5px;font-weight:600}
.pill.ok{background:#e3f5ea;color:#146c3a}.pill.warn{background:#fff1d6;color:#8a5a00}
.pill.bad{background:#fde4e4;color:#a12020}.pill.neutral{background:#eceff3;color:#475569}
.toolbar{display:flex;gap:8px;margin:0 0 10px}
.toolbar button{font:inherit;font-size:12.5px;padding:4px 12px;border:1px solid var(--line);border-radius:6px;background:#fff;cursor:pointer}
.toolbar button:hover{border-color:var(--accent);color:var(--accent)}
details.layer{background:var(--card);border:1px solid var(--line);border-radius:8px;margin:0 0 8px}
details.layer>summary{cursor:pointer;padding:9px 14px;display:flex;gap:12px;align-items:center;flex-wrap:wrap;list-style:none}
details.layer>summary::-webkit-details-marker{display:none}
details.layer>summary::before{content:"\25B8";color:var(--muted);transition:transform .15s}
details.layer[open]>summary::before{transform:rotate(90deg)}
details.layer .name{font-weight:650;font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:13px}
details.layer .count{color:var(--muted)}
details.layer .problem{color:var(--muted);font-size:12px;font-family:ui-monospace,"DejaVu Sans Mono",monospace}
details.layer .headline{margin-left:auto;color:#334155;font-size:12.5px;font-variant-numeric:tabular-nums}
details.layer .body{padding:4px 14px 14px;border-top:1px solid var(--line)}
.tables{display:grid;grid-template-columns:1fr 1fr;gap:18px;margin-top:14px}.tables.stacked{grid-template-columns:1fr}
.nests{display:grid;grid-template-columns:repeat(auto-fit,minmax(420px,1fr));gap:12px;margin-top:12px}
.nests figure{margin:0}.nests figcaption{font-size:12px;font-weight:600;color:var(--muted);margin-bottom:4px}
pre.loopnest{margin:0;background:#0f1724;color:#dbe4f0;border-radius:6px;padding:10px 12px;font:12px/1.4 ui-monospace,"DejaVu Sans Mono",monospace;overflow:auto;max-height:520px}
.message{color:#a12020}
footer{color:var(--muted);font-size:12px;padding:0 0 30px}
@media print{nav.toc{display:none}details.layer{break-inside:avoid}}
)css";

// Records script errors and failed loads on <html data-js-errors>, before anything else runs, so a
// headless browser's DOM dump shows them.
constexpr std::string_view kErrorScript = R"js(
(function () {
  var root = document.documentElement;
  function record(text) { root.setAttribute('data-js-errors', (root.getAttribute('data-js-errors') || '') + text + '; '); }
  window.addEventListener('error', function (e) {
    record(e.message || ('failed to load ' + ((e.target && (e.target.src || e.target.href)) || 'a resource')));
  }, true);
  window.addEventListener('unhandledrejection', function (e) { record('unhandled rejection: ' + e.reason); });
  document.addEventListener('securitypolicyviolation', function (e) { record('blocked by CSP: ' + e.blockedURI); });
})();
)js";

// Marks the page as loaded once every chart is present and drawn (data-report-status="ok"),
// and wires the expand/collapse buttons.
constexpr std::string_view kLoadScript = R"js(
(function () {
  var root = document.documentElement;
  var charts = document.querySelectorAll('svg.chart');
  var expected = Number(document.body.getAttribute('data-expected-charts'));
  var drawn = 0;
  charts.forEach(function (c) { if (c.querySelector('g.row')) drawn++; });
  root.setAttribute('data-chart-count', String(charts.length));
  root.setAttribute('data-report-status', charts.length === expected && drawn === expected ? 'ok' : 'charts-missing');
  document.querySelectorAll('button[data-details]').forEach(function (b) {
    b.addEventListener('click', function () {
      var open = b.getAttribute('data-details') === 'open';
      document.querySelectorAll('details.layer').forEach(function (d) { d.open = open; });
    });
  });
})();
)js";

std::string mapperLegend(const ReportData& data) {
  if (data.mappers.size() <= 1) return "";
  std::vector<std::pair<std::string, std::string>> entries;
  for (std::size_t m = 0; m < data.mappers.size(); ++m) entries.emplace_back(data.mappers[m], mapperColor(m));
  return html::legend(entries);
}

std::string headerHtml(const ReportData& data, const ResultsPage& page) {
  std::string out = "<header class=\"top\"><div class=\"wrap\"><div class=\"brand\">cosa report</div>";
  out += "<h1>" + escapeHtml(page.heading) + "</h1>";
  out += "<p class=\"sub\">" + escapeHtml(page.sub) + "</p></div></header>\n";
  out += "<nav class=\"toc\"><div class=\"wrap\"><a href=\"#summary\">Summary</a>";
  for (std::size_t n = 0; n < data.networks.size(); ++n) {
    const std::string prefix = page.network_headings ? data.networks[n].name + ": " : "";
    out += fmt::format(
        "<a href=\"#latency-{0}\">{1}Latency</a><a href=\"#energy-{0}\">{1}Energy</a>"
        "<a href=\"#breakdown-{0}\">{1}Breakdown</a><a href=\"#layers-{0}\">{1}Layers</a>",
        n, escapeHtml(prefix));
  }
  return out + "</div></nav>\n";
}

std::string bannerHtml(const ReportData& data) {
  if (!data.complete && !data.not_imported.empty()) {
    std::string out = fmt::format(
        "<div class=\"banner\"><b>Incomplete.</b> {} compute node(s) of the model are not layers; totals "
        "cover the imported layers.<ul>",
        data.not_imported.size());
    for (const std::string& n : data.not_imported) out += "<li>" + escapeHtml(n) + "</li>";
    return out + "</ul></div>\n";
  }
  if (!data.complete)
    return "<div class=\"banner\"><b>Incomplete.</b> The run was interrupted before every layer was "
           "scheduled; totals cover the layers that finished.</div>\n";
  return "";
}

std::string summaryHtml(const ReportData& data, const ResultsPage& page) {
  std::string out = "<section class=\"card\" id=\"summary\"><h2>Summary</h2>\n" + page.summary_html;
  if (!data.notes.empty()) {
    out += "<ul class=\"notes\">";
    for (const std::string& note : data.notes) out += "<li>" + escapeHtml(note) + "</li>";
    out += "</ul>";
  }
  return out + "</section>\n";
}

// Latency and energy per layer, weighted by occurrences: the bars add up to the totals.
std::string latencyAndEnergyFigures(const ReportData& data, std::size_t n, html::Page& page) {
  const ReportNetwork& network = data.networks[n];
  const bool grouped = data.mappers.size() > 1;
  double max_energy = 0;
  for (const ReportLayer& layer : network.layers)
    for (const ReportRun& run : layer.runs)
      if (run.found) max_energy = std::max(max_energy, layer.count * run.energy_pJ);
  const EnergyUnit unit = energyUnit(max_energy);
  std::vector<html::Row> latency_rows, energy_rows;
  for (const ReportLayer& layer : network.layers) {
    html::Row latency{layer.name, countNote(layer.count), layerTooltip(layer), {}};
    html::Row energy = latency;
    for (std::size_t m = 0; m < layer.runs.size(); ++m) {
      const ReportRun& run = layer.runs[m];
      html::Bar lb{run.mapper, {}, "", ""}, eb{run.mapper, {}, "", ""};
      if (!run.found) {
        lb.missing = eb.missing = "no mapping: " + run.message;
      } else {
        const double cycles = layer.count * static_cast<double>(run.cycles);
        const double energy_pJ = layer.count * run.energy_pJ;
        const std::string per = layer.count > 1 ? fmt::format(" = {} \u00d7 ", layer.count) : " = ";
        lb.segments.push_back(
            {cycles, mapperColor(m),
             fmt::format("{} \u00b7 {}: {} cycles{}{} per occurrence, {} the roofline bound", layer.name,
                         run.mapper, thousands(cycles), per, thousands(run.cycles), overBound(run))});
        lb.value_text = compact(cycles);
        eb.segments.push_back({energy_pJ, mapperColor(m),
                               fmt::format("{} \u00b7 {}: {}{}{} per occurrence", layer.name, run.mapper,
                                           energyText(energy_pJ), per, energyText(run.energy_pJ))});
        eb.value_text = energyText(energy_pJ);
      }
      latency.bars.push_back(std::move(lb));
      energy.bars.push_back(std::move(eb));
    }
    latency_rows.push_back(std::move(latency));
    energy_rows.push_back(std::move(energy));
  }
  const std::string weighting =
      "Each unique layer's value times its number of occurrences (\u00d7N), i.e. its contribution to the "
      "network total; hover a bar for the per-occurrence value.";
  std::string out =
      page.figureCard(fmt::format("latency-{}", n), "Latency per layer (cycles)", weighting,
                      mapperLegend(data) + html::barChart({fmt::format("chart-latency-{}", n),
                                                           "Latency per layer", "cycles \u00d7 occurrences",
                                                           0, [](double v) { return compact(v); }, grouped},
                                                          latency_rows));
  out += page.figureCard(
      fmt::format("energy-{}", n), "Energy per layer", weighting,
      mapperLegend(data) + html::barChart({fmt::format("chart-energy-{}", n), "Energy per layer",
                                           fmt::format("energy \u00d7 occurrences ({})", unit.name), 0,
                                           [unit](double v) { return tickNumber(v / unit.pJ); }, grouped},
                                          energy_rows));
  return out;
}

}  // namespace

std::string mapperColor(std::size_t index) { return kMapperColors[index % kMapperColors.size()]; }

Totals totalsFor(const ReportNetwork& network, std::size_t mapper) {
  Totals t;
  for (const ReportLayer& layer : network.layers) {
    ++t.layers;
    const ReportRun& run = layer.runs.at(mapper);
    t.time_s += run.time_s;
    if (!run.found) continue;
    ++t.solved;
    t.cycles += layer.count * static_cast<double>(run.cycles);
    t.energy_pJ += layer.count * run.energy_pJ;
    t.roofline += layer.count * static_cast<double>(run.roofline_cycles);
    t.macs += layer.count * static_cast<double>(run.macs);
    t.roofline_known = t.roofline_known && run.roofline_cycles > 0;
    t.macs_known = t.macs_known && run.macs > 0;
  }
  return t;
}

std::string overBound(const ReportRun& run) {
  return run.found && run.roofline_cycles > 0
             ? fmt::format("{:.3f}\u00d7",
                           static_cast<double>(run.cycles) / static_cast<double>(run.roofline_cycles))
             : "\u2014";
}

std::string countNote(int count) { return count > 1 ? fmt::format("\u00d7{}", count) : ""; }

std::string layerTooltip(const ReportLayer& layer) {
  std::string text = layer.name;
  if (layer.count > 1) text += fmt::format(" (\u00d7{} in the network)", layer.count);
  if (!layer.problem.empty()) text += "\n" + layer.problem;
  return text;
}

std::string renderResultsPage(const ReportData& data, const ResultsPage& parts) {
  html::Page page(parts.heading + " \u2014 cosa report", {kStyle, kErrorScript, kLoadScript});
  std::string body = headerHtml(data, parts);
  body += "<main><div class=\"wrap\">\n";
  body += bannerHtml(data);
  body += summaryHtml(data, parts);
  for (std::size_t n = 0; n < data.networks.size(); ++n) {
    if (parts.network_headings) body += "<h2>" + escapeHtml(data.networks[n].name) + "</h2>\n";
    body += latencyAndEnergyFigures(data, n, page);
    body += breakdownFigures(data, n, page);
    body += layersSection(data, n);
  }
  body += "</div></main>\n";
  body += fmt::format(
      "<footer><div class=\"wrap\">Generated by cosa from {}. Self-contained: nothing (scripts, "
      "fonts, images) is fetched from anywhere.</div></footer>\n",
      escapeHtml(data.source.empty() ? "in-memory data" : data.source));
  return page.render(body);
}

}  // namespace cosa::pages
