#include "report/html_report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <string_view>
#include <utility>

#include "io/atomic_file.hpp"
#include "report/html_text.hpp"

namespace cosa {

namespace fs = std::filesystem;

namespace {

// ------------------------------------------------------------------------------------------------
// Text and numbers

// At most `max` code points, the middle elided: layer names differ at both ends.
std::string elideMiddle(const std::string& text, std::size_t max) {
  std::vector<std::size_t> starts;  // byte offset of each UTF-8 code point
  for (std::size_t i = 0; i < text.size(); ++i)
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) starts.push_back(i);
  if (starts.size() <= max) return text;
  const std::size_t head = (max - 1) / 2, tail = max - 1 - head;
  return text.substr(0, starts[head]) + "\u2026" + text.substr(starts[starts.size() - tail]);
}

// Three significant digits without an exponent, for values in [0, 1000).
std::string threeDigits(double v) {
  const double a = std::abs(v);
  if (a >= 100 || a == 0) return fmt::format("{:.0f}", v);
  if (a >= 10) return fmt::format("{:.1f}", v);
  return fmt::format("{:.2f}", v);
}

std::string compact(double value) {
  const double a = std::abs(value);
  if (a < 1e3) return threeDigits(value);
  if (a < 1e6) return threeDigits(value / 1e3) + "k";
  if (a < 1e9) return threeDigits(value / 1e6) + "M";
  if (a < 1e12) return threeDigits(value / 1e9) + "G";
  return fmt::format("{:.3g}", value);
}

struct EnergyUnit {
  double pJ;  // picojoules per unit
  const char* name;
};

EnergyUnit energyUnit(double pJ) {
  const double a = std::abs(pJ);
  if (a < 1e3) return {1, "pJ"};
  if (a < 1e6) return {1e3, "nJ"};
  if (a < 1e9) return {1e6, "\u00b5J"};
  return {1e9, "mJ"};
}

// E.g. 4.40e16: three significant digits, a short exponent.
std::string scientific(double value) {
  if (value == 0 || !std::isfinite(value)) return fmt::format("{}", value);
  const int exponent = static_cast<int>(std::floor(std::log10(std::abs(value))));
  if (exponent >= -2 && exponent < 6) return threeDigits(value);
  return fmt::format("{:.2f}e{}", value / std::pow(10.0, exponent), exponent);
}

std::string energyText(double pJ) {
  const EnergyUnit unit = energyUnit(pJ);
  return threeDigits(pJ / unit.pJ) + " " + unit.name;
}

std::string percent(double fraction) {
  const double p = 100 * fraction;
  return (p != 0 && std::abs(p) < 0.1 ? fmt::format("{:.2f}", p) : fmt::format("{:.1f}", p)) + "%";
}

// A tick value: the shortest exact-looking form (nice steps have few digits).
std::string tickNumber(double v) { return fmt::format("{:.6g}", v); }

struct Ticks {
  double step = 1;
  double max = 1;
};

// About `target` round steps (1, 2, 2.5, 5 x 10^k) covering [0, max].
Ticks niceTicks(double max, int target = 6) {
  if (!(max > 0) || !std::isfinite(max)) return {0.2, 1};
  const double raw = max / target;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  const double f = raw / magnitude;
  const double step = (f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10) * magnitude;
  return {step, std::ceil(max / step - 1e-9) * step};
}

// ------------------------------------------------------------------------------------------------
// Colors

constexpr std::array<const char*, 8> kMapperColors{"#3b6fd4", "#e8803a", "#2f9e6e", "#9b5cc4",
                                                   "#d24b5a", "#6b7a8f", "#c49a1c", "#1a9fb5"};
// Storage levels, innermost first (Tableau 10 without its grey; purple before yellow so that the
// sixth level, often DRAM and the largest slice, gets a strong colour).
constexpr std::array<const char*, 9> kLevelColors{"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
                                                  "#b07aa1", "#edc948", "#ff9da7", "#9c755f"};
constexpr const char* kArithmeticColor = "#8d96a3";

std::string mapperColor(std::size_t index) { return kMapperColors[index % kMapperColors.size()]; }

// `hex` (#rrggbb) moved toward white (amount > 0) or black (amount < 0).
std::string shade(const std::string& hex, double amount) {
  std::string out = "#";
  for (int i = 0; i < 3; ++i) {
    const double c = std::stoi(hex.substr(1 + 2 * i, 2), nullptr, 16);
    const double mixed = amount >= 0 ? c + (255 - c) * amount : c * (1 + amount);
    out += fmt::format("{:02x}", static_cast<int>(std::lround(std::clamp(mixed, 0.0, 255.0))));
  }
  return out;
}

// The (level, data space) slices of every run in the report, ordered by level (in the order
// levels first appear: arithmetic, then innermost to outermost) and data space, with colors:
// one hue per level, one shade per data space.
struct BreakdownKey {
  std::string level;
  std::string data_space;
  std::string color;
  std::string label() const { return data_space.empty() ? level : level + " \u00b7 " + data_space; }
};

std::vector<BreakdownKey> breakdownKeys(const ReportData& data) {
  std::vector<std::string> levels, spaces;
  std::vector<std::pair<std::string, std::string>> pairs;
  auto indexOf = [](std::vector<std::string>& list, const std::string& item) {
    auto it = std::find(list.begin(), list.end(), item);
    if (it == list.end()) {
      list.push_back(item);
      return list.size() - 1;
    }
    return static_cast<std::size_t>(it - list.begin());
  };
  // Data spaces in workload order: the longest list one level keeps (typically the outermost,
  // which keeps them all) lists them in that order; any others follow.
  std::vector<std::string> longest;
  for (const ReportNetwork& network : data.networks)
    for (const ReportLayer& layer : network.layers)
      for (const ReportRun& run : layer.runs) {
        std::vector<std::string> level_spaces;
        for (std::size_t i = 0; i < run.energy_breakdown.size(); ++i) {
          const EnergyComponent& part = run.energy_breakdown[i];
          indexOf(levels, part.level);
          if (std::find(pairs.begin(), pairs.end(), std::pair(part.level, part.data_space)) == pairs.end())
            pairs.emplace_back(part.level, part.data_space);
          if (i > 0 && part.level != run.energy_breakdown[i - 1].level) level_spaces.clear();
          if (!part.data_space.empty()) level_spaces.push_back(part.data_space);
          if (level_spaces.size() > longest.size()) longest = level_spaces;
        }
      }
  for (const std::string& space : longest) indexOf(spaces, space);
  for (const auto& [level, space] : pairs)
    if (!space.empty()) indexOf(spaces, space);
  std::sort(pairs.begin(), pairs.end(), [&](const auto& a, const auto& b) {
    const std::size_t la = indexOf(levels, a.first), lb = indexOf(levels, b.first);
    if (la != lb) return la < lb;
    if (a.second.empty() != b.second.empty()) return a.second.empty();
    return indexOf(spaces, a.second) < indexOf(spaces, b.second);
  });
  // Shades per data space: the first darker, the next ones lighter.
  constexpr std::array<double, 5> kShades{-0.22, 0.0, 0.38, 0.6, -0.45};
  std::vector<BreakdownKey> keys;
  std::vector<std::string> storage_levels;
  for (const auto& [level, space] : pairs) {
    const std::string base = level == kArithmeticLevel
                                 ? kArithmeticColor
                                 : kLevelColors[indexOf(storage_levels, level) % kLevelColors.size()];
    const double amount = space.empty() ? 0.0 : kShades[indexOf(spaces, space) % kShades.size()];
    keys.push_back({level, space, shade(base, amount)});
  }
  return keys;
}

// ------------------------------------------------------------------------------------------------
// Horizontal bar charts (inline SVG). Rows are layers (or mappers); each row holds one bar per
// mapper; a bar is one segment or a stack of them.

struct Segment {
  double value = 0;
  std::string color;
  std::string tooltip;
};

struct Bar {
  std::string tag;  // the mapper, shown left of the bar when bars are grouped
  std::vector<Segment> segments;
  std::string value_text;  // right of the bar
  std::string missing;     // shown instead of a bar when there is no result
};

struct Row {
  std::string label;
  std::string note;     // after the label, lighter (e.g. "×3")
  std::string tooltip;  // the whole row
  std::vector<Bar> bars;
};

struct ChartSpec {
  std::string id;
  std::string title;  // the accessible name
  std::string axis_label;
  double max = 0;  // the axis end; 0 = from the data
  std::function<std::string(double)> tick_text;
  bool grouped = false;  // bars carry their mapper's name
  bool stacked = false;  // bars are stacks of segments (rect class "seg" rather than "bar")
};

std::string barChart(const ChartSpec& spec, const std::vector<Row>& rows) {
  constexpr double kWidth = 960, kLabelWidth = 196, kValueWidth = 96, kTop = 46;
  const double tag_width = spec.grouped ? 62 : 0;
  const double x0 = kLabelWidth + tag_width, plot_width = kWidth - x0 - kValueWidth;
  const double bar_height = spec.grouped ? 12 : 13, gap = 3, pad = spec.grouped ? 6 : 3.5;

  double data_max = spec.max;
  if (data_max <= 0)
    for (const Row& row : rows)
      for (const Bar& bar : row.bars) {
        double sum = 0;
        for (const Segment& s : bar.segments) sum += s.value;
        data_max = std::max(data_max, sum);
      }
  const Ticks ticks = spec.max > 0 ? niceTicks(spec.max, 5) : niceTicks(data_max);
  const double axis_max = spec.max > 0 ? spec.max : ticks.max;
  const double scale = plot_width / axis_max;

  double height = kTop;
  for (const Row& row : rows)
    height += static_cast<double>(row.bars.size()) * (bar_height + gap) - gap + 2 * pad;
  height += 10;

  std::string svg = fmt::format(
      "<svg class=\"chart\" id=\"{}\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {} {}\" "
      "width=\"{}\" height=\"{}\" role=\"img\"><title>{}</title>\n",
      spec.id, kWidth, height, kWidth, height, escapeHtml(spec.title));
  // Row bands first, so grid lines and bars draw over them.
  double y = kTop;
  std::vector<double> row_tops;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    row_tops.push_back(y);
    const double h = static_cast<double>(rows[r].bars.size()) * (bar_height + gap) - gap + 2 * pad;
    if (r % 2 == 1)
      svg += fmt::format("<rect class=\"band\" x=\"0\" y=\"{}\" width=\"{}\" height=\"{}\"/>", y, kWidth, h);
    y += h;
  }
  svg += fmt::format("<text class=\"axis-label\" x=\"{}\" y=\"14\" text-anchor=\"middle\">{}</text>\n",
                     x0 + plot_width / 2, escapeHtml(spec.axis_label));
  const int steps = static_cast<int>(std::ceil(axis_max / ticks.step - 1e-9));
  for (int i = 0; i <= steps; ++i) {
    const double value = std::min(axis_max, i * ticks.step);
    const double x = x0 + value * scale;
    svg += fmt::format(
        "<line class=\"{}\" x1=\"{:.1f}\" x2=\"{:.1f}\" y1=\"{}\" y2=\"{}\"/>"
        "<text class=\"tick\" x=\"{:.1f}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n",
        i == 0 ? "axis" : "grid", x, x, kTop - 6, y, x, kTop - 12, escapeHtml(spec.tick_text(value)));
  }

  for (std::size_t r = 0; r < rows.size(); ++r) {
    const Row& row = rows[r];
    const double top = row_tops[r];
    const double h = static_cast<double>(row.bars.size()) * (bar_height + gap) - gap + 2 * pad;
    svg += "<g class=\"row\">";
    if (!row.tooltip.empty()) svg += "<title>" + escapeHtml(row.tooltip) + "</title>";
    svg += fmt::format("<text class=\"row-label\" x=\"{}\" y=\"{:.1f}\" text-anchor=\"end\">{}",
                       kLabelWidth - 10, top + h / 2 + 4, escapeHtml(elideMiddle(row.label, 26)));
    if (!row.note.empty()) svg += "<tspan class=\"row-note\"> " + escapeHtml(row.note) + "</tspan>";
    svg += "</text>";
    double by = top + pad;
    for (const Bar& bar : row.bars) {
      const double text_y = by + bar_height / 2 + 3.5;
      if (spec.grouped)
        svg += fmt::format("<text class=\"tag\" x=\"{}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>", x0 - 6,
                           text_y, escapeHtml(bar.tag));
      if (!bar.missing.empty()) {
        svg += fmt::format("<text class=\"missing\" x=\"{}\" y=\"{:.1f}\">{}</text>", x0 + 6, text_y,
                           escapeHtml(bar.missing));
      } else {
        double x = x0;
        for (const Segment& s : bar.segments) {
          if (!(s.value > 0)) continue;
          const double w = std::max(0.6, s.value * scale);
          svg += fmt::format(
              "<rect class=\"{}\" x=\"{:.2f}\" y=\"{:.1f}\" width=\"{:.2f}\" height=\"{}\" "
              "fill=\"{}\"><title>{}</title></rect>",
              spec.stacked ? "seg" : "bar", x, by, w, bar_height, s.color, escapeHtml(s.tooltip));
          x += w;
        }
        if (!bar.value_text.empty())
          svg += fmt::format("<text class=\"value\" x=\"{:.1f}\" y=\"{:.1f}\">{}</text>", x + 5, text_y,
                             escapeHtml(bar.value_text));
      }
      by += bar_height + gap;
    }
    svg += "</g>\n";
  }
  svg += "</svg>";
  return svg;
}

// ------------------------------------------------------------------------------------------------
// Aggregates

struct Totals {
  double cycles = 0, energy_pJ = 0, roofline = 0, macs = 0, time_s = 0;
  int solved = 0, layers = 0;
  bool roofline_known = true, macs_known = true;
};

// A mapper's totals over a network: cycles and energy add up over layer occurrences (layers run
// one after another); time to solution adds up over unique layers (each is scheduled once).
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

double breakdownEnergy(const ReportRun& run, const BreakdownKey& key) {
  double sum = 0;
  for (const EnergyComponent& part : run.energy_breakdown)
    if (part.level == key.level && part.data_space == key.data_space) sum += part.energy_pJ;
  return sum;
}

std::string statusClass(const std::string& status) {
  if (status == "optimal") return "ok";
  if (status == "feasible") return "warn";
  return "bad";
}

std::string statusPill(const ReportRun& run, const std::string& prefix = {}) {
  if (!run.found) return "<span class=\"pill bad\">" + escapeHtml(prefix + "no mapping") + "</span>";
  if (run.solver_status.empty())
    return "<span class=\"pill neutral\">" + escapeHtml(prefix + "search") + "</span>";
  return fmt::format("<span class=\"pill {}\">{}</span>", statusClass(run.solver_status),
                     escapeHtml(prefix + run.solver_status));
}

std::string overBound(const ReportRun& run) {
  return run.found && run.roofline_cycles > 0
             ? fmt::format("{:.3f}\u00d7",
                           static_cast<double>(run.cycles) / static_cast<double>(run.roofline_cycles))
             : "\u2014";
}

std::string countNote(int count) { return count > 1 ? fmt::format("\u00d7{}", count) : ""; }

// ------------------------------------------------------------------------------------------------
// Page parts

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

std::string legendHtml(const std::vector<std::pair<std::string, std::string>>& entries) {
  std::string out = "<div class=\"legend\">";
  for (const auto& [label, color] : entries)
    out +=
        fmt::format("<span class=\"key\"><i style=\"background:{}\"></i>{}</span>", color, escapeHtml(label));
  return out + "</div>";
}

std::string breakdownLegend(const std::vector<BreakdownKey>& keys) {
  std::string out = "<div class=\"legend\">";
  std::string current;
  bool open = false;
  for (const BreakdownKey& key : keys) {
    if (key.level != current || !open) {
      if (open) out += "</span>";
      out += "<span class=\"group\"><b>" + escapeHtml(key.level) + "</b>";
      current = key.level;
      open = true;
    }
    out += fmt::format("<span class=\"key\"><i style=\"background:{}\"></i>{}</span>", key.color,
                       escapeHtml(key.data_space.empty() ? "MACs" : key.data_space));
  }
  if (open) out += "</span>";
  return out + "</div>";
}

std::string kpi(const std::string& label, const std::string& value, const std::string& detail) {
  return fmt::format(
      "<div class=\"kpi\"><div class=\"label\">{}</div><div class=\"value\">{}</div><div "
      "class=\"detail\">{}</div></div>",
      escapeHtml(label), escapeHtml(value), escapeHtml(detail));
}

class Page {
 public:
  explicit Page(const ReportData& data) : data_(data), keys_(breakdownKeys(data)) {}

  std::string render() {
    std::string body;
    body += headerHtml();
    body += "<main><div class=\"wrap\">\n";
    if (!data_.complete && !data_.not_imported.empty()) {
      body += fmt::format(
          "<div class=\"banner\"><b>Incomplete.</b> {} compute node(s) of the model are not layers; totals "
          "cover the imported layers.<ul>",
          data_.not_imported.size());
      for (const std::string& n : data_.not_imported) body += "<li>" + escapeHtml(n) + "</li>";
      body += "</ul></div>\n";
    } else if (!data_.complete) {
      body +=
          "<div class=\"banner\"><b>Incomplete.</b> The run was interrupted before every layer was "
          "scheduled; totals cover the layers that finished.</div>\n";
    }
    body += summaryHtml();
    for (std::size_t n = 0; n < data_.networks.size(); ++n) body += networkHtml(n);
    body += "</div></main>\n";
    body += fmt::format(
        "<footer><div class=\"wrap\">Generated by cosa from {}. Self-contained: nothing (scripts, "
        "fonts, images) is fetched from anywhere.</div></footer>\n",
        escapeHtml(data_.source.empty() ? "in-memory data" : data_.source));

    std::string html = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
    // Nothing may be fetched: the report must work offline and leak nothing when opened.
    html +=
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n";
    html += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
    html += "<title>" + escapeHtml(title()) + "</title>\n";
    html += "<script>" + std::string(kErrorScript) + "</script>\n";
    html += "<style>" + std::string(kStyle) + "</style>\n</head>\n";
    html += fmt::format("<body data-expected-charts=\"{}\">\n", charts_);
    html += body;
    html += "<script>" + std::string(kLoadScript) + "</script>\n</body>\n</html>\n";
    return html;
  }

 private:
  bool comparison() const { return data_.kind == ReportKind::Comparison; }
  bool grouped() const { return data_.mappers.size() > 1; }

  // "resnet50 on simba" or "Mapper comparison on simba".
  std::string heading() const {
    const std::string arch = data_.architecture.empty() ? "" : " on " + data_.architecture;
    if (!comparison() && !data_.networks.empty()) return data_.networks.front().name + arch;
    return (comparison() ? "Mapper comparison" : "Network") + arch;
  }

  std::string title() const { return heading() + " \u2014 cosa report"; }

  std::string headerHtml() const {
    std::string sub;
    if (comparison()) {
      std::string mappers, networks;
      for (const std::string& m : data_.mappers) mappers += (mappers.empty() ? "" : ", ") + m;
      for (const ReportNetwork& n : data_.networks) networks += (networks.empty() ? "" : ", ") + n.name;
      sub = fmt::format("cosa compare \u00b7 mappers {} (reference: {}) \u00b7 networks {}", mappers,
                        data_.mappers.empty() ? "" : data_.mappers.front(), networks);
    } else if (!data_.networks.empty()) {
      const ReportNetwork& n = data_.networks.front();
      int occurrences = 0;
      for (const ReportLayer& l : n.layers) occurrences += l.count;
      sub = fmt::format("cosa network \u00b7 objective {} \u00b7 {} layers, {} unique",
                        data_.objective.empty() ? "?" : data_.objective, occurrences, n.layers.size());
      if (data_.wall_time_s)
        sub += fmt::format(
            " \u00b7 scheduled in {:.1f} s{}", *data_.wall_time_s,
            data_.jobs > 0 ? fmt::format(" with {} job{}", data_.jobs, data_.jobs == 1 ? "" : "s") : "");
    }
    std::string out = "<header class=\"top\"><div class=\"wrap\"><div class=\"brand\">cosa report</div>";
    out += "<h1>" + escapeHtml(heading()) + "</h1>";
    out += "<p class=\"sub\">" + escapeHtml(sub) + "</p></div></header>\n";
    out += "<nav class=\"toc\"><div class=\"wrap\"><a href=\"#summary\">Summary</a>";
    for (std::size_t n = 0; n < data_.networks.size(); ++n) {
      const std::string prefix = comparison() ? data_.networks[n].name + ": " : "";
      out += fmt::format(
          "<a href=\"#latency-{0}\">{1}Latency</a><a href=\"#energy-{0}\">{1}Energy</a>"
          "<a href=\"#breakdown-{0}\">{1}Breakdown</a><a href=\"#layers-{0}\">{1}Layers</a>",
          n, escapeHtml(prefix));
    }
    return out + "</div></nav>\n";
  }

  std::string summaryHtml() const {
    std::string out = "<section class=\"card\" id=\"summary\"><h2>Summary</h2>\n";
    if (!comparison() && !data_.networks.empty() && !data_.mappers.empty()) {
      const Totals t = totalsFor(data_.networks.front(), 0);
      out += "<div class=\"kpis\">";
      out += kpi("Total latency", compact(t.cycles), thousands(t.cycles) + " cycles");
      out += kpi("Total energy", energyText(t.energy_pJ), thousands(t.energy_pJ) + " pJ");
      out += kpi("Energy-delay product", scientific(t.cycles * t.energy_pJ), "pJ \u00b7 cycles");
      out += kpi("Energy per MAC",
                 t.macs_known && t.macs > 0 ? fmt::format("{:.3f} pJ", t.energy_pJ / t.macs) : "\u2014",
                 t.macs_known ? compact(t.macs) + " MACs" : "MACs unknown");
      out += kpi(
          "Cycles / roofline",
          t.roofline_known && t.roofline > 0 ? fmt::format("{:.3f}\u00d7", t.cycles / t.roofline) : "\u2014",
          "network total over its bound");
      out += kpi("Layers solved", fmt::format("{}/{}", t.solved, t.layers),
                 fmt::format("solver time {:.1f} s in total", t.time_s));
      out += "</div>\n";
    }
    if (comparison()) out += comparisonTables();
    if (!data_.notes.empty()) {
      out += "<ul class=\"notes\">";
      for (const std::string& note : data_.notes) out += "<li>" + escapeHtml(note) + "</li>";
      out += "</ul>";
    }
    return out + "</section>\n";
  }

  std::string comparisonTables() const {
    std::string out;
    const std::string& reference = data_.mappers.empty() ? std::string() : data_.mappers.front();
    for (const ReportNetwork& network : data_.networks) {
      out += fmt::format(
          "<h3>{}</h3><p class=\"sub\">Totals over the network (cycles and energy weighted by layer "
          "occurrences); speed-up and energy gain of {} over each mapper are geomeans over layers "
          "both solved, weighted by occurrences.</p>",
          escapeHtml(network.name), escapeHtml(reference));
      out += fmt::format(
          "<div class=\"table-scroll\"><table><tr><th>mapper</th><th>layers solved</th><th>total cycles</th>"
          "<th>total energy</th><th>EDP (pJ\u00b7cycles)</th><th>cycles / roofline</th>"
          "<th>time to solution (s)</th><th>speed-up of {0}</th><th>energy gain of {0}</th></tr>",
          escapeHtml(reference));
      for (std::size_t m = 0; m < data_.mappers.size(); ++m) {
        const Totals t = totalsFor(network, m);
        std::string speedup = "\u2014", gain = "\u2014";
        if (m > 0)
          if (const auto g = geomeanGains(network, 0, m)) {
            speedup = fmt::format("{:.2f}\u00d7", g->first);
            gain = fmt::format("{:.2f}\u00d7", g->second);
          }
        out += fmt::format(
            "<tr><td><i class=\"swatch\" style=\"background:{}\"></i>{}</td><td>{}/{}</td><td>{}</td>"
            "<td>{}</td><td>{}</td><td>{}</td><td>{:.2f}</td><td>{}</td><td>{}</td></tr>",
            mapperColor(m), escapeHtml(data_.mappers[m]), t.solved, t.layers, thousands(t.cycles),
            energyText(t.energy_pJ), scientific(t.cycles * t.energy_pJ),
            t.roofline_known && t.roofline > 0 ? fmt::format("{:.3f}\u00d7", t.cycles / t.roofline)
                                               : "\u2014",
            t.time_s, speedup, gain);
      }
      out += "</table></div>\n";
    }
    return out;
  }

  std::string chartCard(const std::string& anchor, const std::string& heading, const std::string& sub,
                        const std::string& legend, const std::string& svg, const std::string& after = {}) {
    ++charts_;
    return fmt::format("<figure class=\"card\" id=\"{}\"><h3>{}</h3><p class=\"sub\">{}</p>{}{}{}</figure>\n",
                       anchor, escapeHtml(heading), escapeHtml(sub), legend, svg, after);
  }

  std::string mapperLegend() const {
    if (!grouped()) return "";
    std::vector<std::pair<std::string, std::string>> entries;
    for (std::size_t m = 0; m < data_.mappers.size(); ++m)
      entries.emplace_back(data_.mappers[m], mapperColor(m));
    return legendHtml(entries);
  }

  std::string layerTooltip(const ReportLayer& layer) const {
    std::string text = layer.name;
    if (layer.count > 1) text += fmt::format(" (\u00d7{} in the network)", layer.count);
    if (!layer.problem.empty()) text += "\n" + layer.problem;
    return text;
  }

  std::string networkHtml(std::size_t n) {
    const ReportNetwork& network = data_.networks[n];
    std::string out;
    if (comparison()) out += "<h2>" + escapeHtml(network.name) + "</h2>\n";

    // Latency and energy per layer, weighted by occurrences: the bars add up to the totals.
    double max_energy = 0;
    for (const ReportLayer& layer : network.layers)
      for (const ReportRun& run : layer.runs)
        if (run.found) max_energy = std::max(max_energy, layer.count * run.energy_pJ);
    const EnergyUnit unit = energyUnit(max_energy);
    std::vector<Row> latency_rows, energy_rows;
    for (const ReportLayer& layer : network.layers) {
      Row latency{layer.name, countNote(layer.count), layerTooltip(layer), {}};
      Row energy = latency;
      for (std::size_t m = 0; m < layer.runs.size(); ++m) {
        const ReportRun& run = layer.runs[m];
        Bar lb{run.mapper, {}, "", ""}, eb{run.mapper, {}, "", ""};
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
    out +=
        chartCard(fmt::format("latency-{}", n), "Latency per layer (cycles)", weighting, mapperLegend(),
                  barChart({fmt::format("chart-latency-{}", n), "Latency per layer",
                            "cycles \u00d7 occurrences", 0, [](double v) { return compact(v); }, grouped()},
                           latency_rows));
    out += chartCard(fmt::format("energy-{}", n), "Energy per layer", weighting, mapperLegend(),
                     barChart({fmt::format("chart-energy-{}", n), "Energy per layer",
                               fmt::format("energy \u00d7 occurrences ({})", unit.name), 0,
                               [unit](double v) { return tickNumber(v / unit.pJ); }, grouped()},
                              energy_rows));
    out += breakdownHtml(n);
    out += layersHtml(n);
    return out;
  }

  // The whole network's energy by level and data space (one stacked bar per mapper, weighted by
  // occurrences), a table of the same numbers, and each layer's split (stacked to 100%).
  std::string breakdownHtml(std::size_t n) {
    const ReportNetwork& network = data_.networks[n];
    if (keys_.empty())
      return fmt::format(
          "<section class=\"card\" id=\"breakdown-{}\"><h3>Energy breakdown</h3><p class=\"sub\">No "
          "statistics files were found, so there is no breakdown by level and data space.</p></section>\n",
          n);
    std::vector<std::vector<double>> per_key(data_.mappers.size(), std::vector<double>(keys_.size(), 0.0));
    std::vector<int> covered(data_.mappers.size(), 0), found(data_.mappers.size(), 0);
    for (const ReportLayer& layer : network.layers)
      for (std::size_t m = 0; m < layer.runs.size(); ++m) {
        const ReportRun& run = layer.runs[m];
        if (!run.found) continue;
        ++found[m];
        if (run.energy_breakdown.empty()) continue;
        ++covered[m];
        for (std::size_t k = 0; k < keys_.size(); ++k)
          per_key[m][k] += layer.count * breakdownEnergy(run, keys_[k]);
      }
    double max_total = 0;
    std::vector<double> totals(data_.mappers.size(), 0.0);
    for (std::size_t m = 0; m < data_.mappers.size(); ++m) {
      for (double v : per_key[m]) totals[m] += v;
      max_total = std::max(max_total, totals[m]);
    }
    const EnergyUnit unit = energyUnit(max_total);

    std::vector<Row> total_rows;
    for (std::size_t m = 0; m < data_.mappers.size(); ++m) {
      Row row{data_.mappers[m],
              covered[m] < found[m] ? fmt::format("({} of {} layers)", covered[m], found[m]) : "",
              data_.mappers[m] + ": " + energyText(totals[m]),
              {}};
      Bar bar{"", {}, energyText(totals[m]), covered[m] == 0 ? "no statistics" : ""};
      for (std::size_t k = 0; k < keys_.size(); ++k)
        if (per_key[m][k] > 0)
          bar.segments.push_back(
              {per_key[m][k], keys_[k].color,
               fmt::format("{} \u00b7 {}: {} ({} of the network's energy)", data_.mappers[m],
                           keys_[k].label(), energyText(per_key[m][k]), percent(per_key[m][k] / totals[m]))});
      row.bars.push_back(std::move(bar));
      total_rows.push_back(std::move(row));
    }
    std::string out =
        chartCard(fmt::format("breakdown-{}", n), "Energy breakdown by memory level and data space",
                  "Whole network, weighted by layer occurrences. Colours are memory levels "
                  "(innermost first), shades are data spaces.",
                  breakdownLegend(keys_),
                  barChart({fmt::format("chart-breakdown-total-{}", n), "Whole-network energy breakdown",
                            fmt::format("energy ({})", unit.name), 0,
                            [unit](double v) { return tickNumber(v / unit.pJ); }, false, true},
                           total_rows),
                  breakdownTable(per_key, totals, unit));

    std::vector<Row> layer_rows;
    for (const ReportLayer& layer : network.layers) {
      Row row{layer.name, countNote(layer.count), layerTooltip(layer), {}};
      for (const ReportRun& run : layer.runs) {
        Bar bar{run.mapper, {}, "", ""};
        double total = 0;
        for (const EnergyComponent& part : run.energy_breakdown) total += part.energy_pJ;
        if (!run.found) {
          bar.missing = "no mapping";
        } else if (run.energy_breakdown.empty() || !(total > 0)) {
          bar.missing = "no statistics";
        } else {
          for (const BreakdownKey& key : keys_)
            if (const double e = breakdownEnergy(run, key); e > 0)
              bar.segments.push_back(
                  {100 * e / total, key.color,
                   fmt::format("{} \u00b7 {} \u00b7 {}: {} ({} of the layer's energy)", layer.name,
                               run.mapper, key.label(), energyText(e), percent(e / total))});
          bar.value_text = energyText(run.energy_pJ);
        }
        row.bars.push_back(std::move(bar));
      }
      layer_rows.push_back(std::move(row));
    }
    out += chartCard(
        fmt::format("breakdown-layers-{}", n), "Energy breakdown per layer",
        "Each layer's energy (one occurrence) split by level and data space, as a share of its total "
        "(the total is at the end of each bar).",
        breakdownLegend(keys_),
        barChart({fmt::format("chart-breakdown-layers-{}", n), "Per-layer energy breakdown",
                  "share of the layer's energy (%)", 100, [](double v) { return tickNumber(v) + "%"; },
                  grouped(), true},
                 layer_rows));
    return out;
  }

  std::string breakdownTable(const std::vector<std::vector<double>>& per_key,
                             const std::vector<double>& totals, const EnergyUnit& unit) const {
    auto cells = [&](auto value_of) {
      std::string row;
      for (std::size_t m = 0; m < data_.mappers.size(); ++m) {
        const double v = value_of(m);
        row += fmt::format("<td>{}</td><td>{}</td>", tickNumber(std::round(v / unit.pJ * 1000) / 1000),
                           totals[m] > 0 ? percent(v / totals[m]) : "\u2014");
      }
      return row;
    };
    std::string head = "<tr><th>level / data space</th>";
    for (const std::string& m : data_.mappers)
      head += fmt::format("<th>{} ({})</th><th>share</th>", escapeHtml(m), unit.name);
    head += "</tr>";
    std::string by_level = "<div class=\"table-scroll\"><table class=\"breakdown\">" + head;
    for (std::size_t k = 0; k < keys_.size(); ++k) {
      if (k == 0 || keys_[k].level != keys_[k - 1].level) {
        std::size_t end = k;
        while (end < keys_.size() && keys_[end].level == keys_[k].level) ++end;
        const bool single = end == k + 1 && keys_[k].data_space.empty();
        by_level += "<tr class=\"level\"><td>" + escapeHtml(keys_[k].level) + "</td>" +
                    cells([&](std::size_t m) {
                      double sum = 0;
                      for (std::size_t j = k; j < end; ++j) sum += per_key[m][j];
                      return sum;
                    }) +
                    "</tr>";
        if (single) continue;
      }
      by_level += "<tr class=\"space\"><td>" + escapeHtml(keys_[k].data_space) + "</td>" +
                  cells([&](std::size_t m) { return per_key[m][k]; }) + "</tr>";
    }
    by_level +=
        "<tr class=\"total\"><td>Total</td>" + cells([&](std::size_t m) { return totals[m]; }) + "</tr>";
    by_level += "</table></div>";

    // The same energy summed per data space over all levels.
    std::vector<std::string> spaces;
    for (const BreakdownKey& key : keys_)
      if (!key.data_space.empty() && std::find(spaces.begin(), spaces.end(), key.data_space) == spaces.end())
        spaces.push_back(key.data_space);
    std::string by_space = "<div class=\"table-scroll\"><table class=\"breakdown\">" + head;
    auto spaceSum = [&](std::size_t m, const std::function<bool(const BreakdownKey&)>& pick) {
      double sum = 0;
      for (std::size_t k = 0; k < keys_.size(); ++k)
        if (pick(keys_[k])) sum += per_key[m][k];
      return sum;
    };
    for (const std::string& space : spaces)
      by_space += "<tr><td>" + escapeHtml(space) + " (all levels)</td>" + cells([&](std::size_t m) {
                    return spaceSum(m, [&](const BreakdownKey& k) { return k.data_space == space; });
                  }) +
                  "</tr>";
    for (const BreakdownKey& key : keys_)
      if (key.data_space.empty())
        by_space += "<tr><td>" + escapeHtml(key.level) + "</td>" + cells([&](std::size_t m) {
                      return spaceSum(m, [&](const BreakdownKey& k) {
                        return k.level == key.level && k.data_space.empty();
                      });
                    }) +
                    "</tr>";
    by_space +=
        "<tr class=\"total\"><td>Total</td>" + cells([&](std::size_t m) { return totals[m]; }) + "</tr>";
    by_space += "</table></div>";
    // Side by side for one mapper; stacked when each table is as wide as the card.
    return fmt::format("<div class=\"tables{}\"><div>{}</div><div>{}</div></div>",
                       data_.mappers.size() > 1 ? " stacked" : "", by_level, by_space);
  }

  std::string layersHtml(std::size_t n) const {
    const ReportNetwork& network = data_.networks[n];
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
                               grouped() ? " (" + escapeHtml(first.mapper) + ")" : "");
      std::string pills;
      // Solver statuses and failures; search mappers have no status to show here.
      for (const ReportRun& run : layer.runs)
        if (!run.found || !run.solver_status.empty())
          pills += statusPill(run, grouped() ? run.mapper + ": " : "");
      out += fmt::format(
          "<details class=\"layer\" id=\"layer-{}-{}\"><summary><span class=\"name\">{}</span>"
          "<span class=\"count\">{}</span><span class=\"problem\">{}</span>{}"
          "<span class=\"headline\">{}</span></summary><div class=\"body\">",
          n, i, escapeHtml(layer.name),
          escapeHtml(layer.count > 1 ? fmt::format("\u00d7{}", layer.count) : ""), escapeHtml(layer.problem),
          pills, headline);
      out += "<div class=\"table-scroll\"><table><tr>";
      if (grouped()) out += "<th>mapper</th>";
      out +=
          "<th>cycles</th><th>cycles / roofline</th><th>energy</th><th>pJ/MAC</th><th>utilization</th>"
          "<th>solver</th><th>gap</th><th>time to solution (s)</th>";
      if (search_counts) out += "<th>samples</th><th>evaluations</th>";
      out += "</tr>";
      for (const ReportRun& run : layer.runs) {
        out += "<tr>";
        if (grouped()) out += "<td>" + escapeHtml(run.mapper) + "</td>";
        if (!run.found) {
          out += fmt::format("<td colspan=\"{}\" class=\"message\">no valid mapping: {}</td></tr>",
                             search_counts ? 10 : 8, escapeHtml(run.message));
          continue;
        }
        out += fmt::format(
            "<td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{:.3f}</td>",
            thousands(static_cast<double>(run.cycles)), overBound(run), energyText(run.energy_pJ),
            run.macs > 0 ? fmt::format("{:.3f}", run.energy_pJ / static_cast<double>(run.macs)) : "\u2014",
            run.utilization ? fmt::format("{:.1f}%", 100 * *run.utilization) : "\u2014", statusPill(run),
            run.gap ? percent(*run.gap) : "\u2014", run.time_s);
        if (search_counts)
          out += fmt::format("<td>{}</td><td>{}</td>",
                             run.samples ? thousands(static_cast<double>(*run.samples)) : "\u2014",
                             run.evaluations ? thousands(static_cast<double>(*run.evaluations)) : "\u2014");
        out += "</tr>";
      }
      out += "</table></div><div class=\"nests\">";
      for (const ReportRun& run : layer.runs) {
        if (!run.found) continue;
        out += "<figure><figcaption>" +
               escapeHtml("Loop nest" + (grouped() ? " \u00b7 " + run.mapper : std::string())) +
               "</figcaption>";
        out += run.loop_nest.empty() ? "<p class=\"sub\">No loop-nest file.</p>"
                                     : "<pre class=\"loopnest\">" + escapeHtml(run.loop_nest) + "</pre>";
        out += "</figure>";
      }
      out += "</div></div></details>\n";
    }
    return out + "</section>\n";
  }

  const ReportData& data_;
  std::vector<BreakdownKey> keys_;
  int charts_ = 0;
};

}  // namespace

std::string renderHtmlReport(const ReportData& data) {
  // Charts index a layer's runs by mapper.
  for (const ReportNetwork& network : data.networks)
    for (const ReportLayer& layer : network.layers)
      if (layer.runs.size() != data.mappers.size() || layer.runs.empty())
        throw std::invalid_argument(fmt::format("report: layer {} of {} has {} runs for {} mappers",
                                                layer.name, network.name, layer.runs.size(),
                                                data.mappers.size()));
  return Page(data).render();
}

std::string writeHtmlReport(const std::string& dir, const std::string& out) {
  const std::string path = out.empty() ? (fs::path(dir) / "report.html").string() : out;
  writeFileAtomically(path, renderHtmlReport(loadReportData(dir)));
  return path;
}

}  // namespace cosa
