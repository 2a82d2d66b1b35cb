#include "report/html_kit.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace cosa::html {

// ------------------------------------------------------------------------------------------------
// Page and elements

std::string Page::figureCard(const std::string& id, const std::string& heading, const std::string& sub,
                             const std::string& body_html) {
  countChart();
  return fmt::format("<figure class=\"card\" id=\"{}\"><h3>{}</h3><p class=\"sub\">{}</p>{}</figure>\n",
                     escapeHtml(id), escapeHtml(heading), escapeHtml(sub), body_html);
}

std::string Page::render(const std::string& body_html) const {
  std::string html = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  // Nothing may be fetched: the report must work offline and leak nothing when opened.
  html +=
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
      "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n";
  html += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  html += "<title>" + escapeHtml(title_) + "</title>\n";
  html += "<script>" + std::string(assets_.head_script) + "</script>\n";
  html += "<style>" + std::string(assets_.style) + "</style>\n</head>\n";
  html += fmt::format("<body data-expected-charts=\"{}\">\n", charts_);
  html += body_html;
  html += "<script>" + std::string(assets_.load_script) + "</script>\n</body>\n</html>\n";
  return html;
}

std::string openTag(std::string_view tag, const Attributes& attributes) {
  std::string out(1, '<');
  out += tag;
  for (const auto& [name, value] : attributes) out += fmt::format(" {}=\"{}\"", name, escapeHtml(value));
  return out + ">";
}

std::string element(std::string_view tag, const Attributes& attributes, std::string_view inner_html) {
  std::string out = openTag(tag, attributes);
  out += inner_html;
  out += "</";
  out += tag;
  return out + ">";
}

std::string textElement(std::string_view tag, const Attributes& attributes, std::string_view text) {
  return element(tag, attributes, escapeHtml(text));
}

// ------------------------------------------------------------------------------------------------
// Tables

Table& Table::header(const std::vector<std::string>& headings) {
  head_ = "<tr>";
  for (const std::string& heading : headings) head_ += "<th>" + escapeHtml(heading) + "</th>";
  head_ += "</tr>";
  return *this;
}

Table& Table::row(const std::vector<Cell>& cells, const std::optional<std::string>& cls) {
  rows_ += cls ? openTag("tr", {{"class", *cls}}) : "<tr>";
  for (const Cell& cell : cells) {
    Attributes attributes;
    if (cell.colspan > 0) attributes.emplace_back("colspan", std::to_string(cell.colspan));
    if (!cell.cls.empty()) attributes.emplace_back("class", cell.cls);
    rows_ += element("td", attributes, cell.html);
  }
  rows_ += options_.sections ? "</tr>\n" : "</tr>";
  return *this;
}

std::string Table::html() const {
  std::string out = options_.scroll ? "<div class=\"table-scroll\">" : "";
  out += options_.cls.empty() ? "<table>" : openTag("table", {{"class", options_.cls}});
  if (options_.sections)
    out += "<thead>" + head_ + "</thead>\n<tbody>\n" + rows_ + "</tbody></table>\n";
  else
    out += head_ + rows_ + "</table>";
  return options_.scroll ? out + "</div>" : out;
}

// ------------------------------------------------------------------------------------------------
// Bar charts

namespace {

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

}  // namespace

std::string barChart(const BarChartSpec& spec, const std::vector<Row>& rows) {
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
// Scatter plots

namespace {

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

}  // namespace

std::string scatterChart(const ScatterSpec& spec, const std::vector<ScatterPoint>& points) {
  constexpr double kWidth = 760, kHeight = 440, kLeft = 90, kRight = 20, kTop = 20, kBottom = 60;
  std::vector<double> xs, ys;
  for (const ScatterPoint& p : points) {
    xs.push_back(p.x);
    ys.push_back(p.y);
  }
  const Range rx = paddedRange(xs), ry = paddedRange(ys);
  const double x0 = kLeft, x1 = kWidth - kRight, y0 = kHeight - kBottom, y1 = kTop;
  std::string svg = fmt::format(
      "<svg class=\"scatter\" id=\"{}\" viewBox=\"0 0 {} {}\" width=\"{}\" height=\"{}\" role=\"img\" "
      "aria-label=\"{}\">\n",
      escapeHtml(spec.id), kWidth, kHeight, kWidth, kHeight, escapeHtml(spec.aria_label));
  for (int t = 0; t <= 4; ++t) {
    const double vx = rx.low + (rx.high - rx.low) * t / 4, vy = ry.low + (ry.high - ry.low) * t / 4;
    const double px = rx.at(vx, x0, x1), py = ry.at(vy, y0, y1);
    svg += fmt::format(
        "<line class=\"grid\" x1=\"{:.1f}\" y1=\"{}\" x2=\"{:.1f}\" y2=\"{}\"/><text class=\"tick\" "
        "x=\"{:.1f}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n",
        px, y0, px, y1, px, y0 + 18, escapeHtml(spec.tick_text(vx)));
    svg += fmt::format(
        "<line class=\"grid\" x1=\"{}\" y1=\"{:.1f}\" x2=\"{}\" y2=\"{:.1f}\"/><text class=\"tick\" x=\"{}\" "
        "y=\"{:.1f}\" text-anchor=\"end\">{}</text>\n",
        x0, py, x1, py, x0 - 8, py + 4, escapeHtml(spec.tick_text(vy)));
  }
  svg += fmt::format(
      "<text class=\"axis-label\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n"
      "<text class=\"axis-label\" transform=\"translate(18 {}) rotate(-90)\" "
      "text-anchor=\"middle\">{}</text>\n",
      (x0 + x1) / 2, kHeight - 12, escapeHtml(spec.x_label), (y0 + y1) / 2, escapeHtml(spec.y_label));
  if (!spec.line_class.empty()) {
    std::string path;
    for (std::size_t n = 0; n < spec.step_line.size(); ++n) {
      const double px = rx.at(xs[spec.step_line[n]], x0, x1), py = ry.at(ys[spec.step_line[n]], y0, y1);
      path += n == 0 ? fmt::format("M{:.1f} {:.1f}", px, py) : fmt::format(" H{:.1f} V{:.1f}", px, py);
    }
    svg += fmt::format("<path class=\"{}\" d=\"{}\"/>\n", escapeHtml(spec.line_class), path);
  }
  for (const ScatterPoint& p : points)
    svg += fmt::format(
        "<circle class=\"{}\" cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"{}\" "
        "data-info=\"{}\"><title>{}</title></circle>\n",
        escapeHtml(p.cls), rx.at(p.x, x0, x1), ry.at(p.y, y0, y1), p.radius, escapeHtml(p.info),
        escapeHtml(p.info));
  return svg + "</svg>\n";
}

// ------------------------------------------------------------------------------------------------
// Legends, KPI tiles, pills

namespace {

std::string legendKey(const std::string& label, const std::string& color) {
  return fmt::format("<span class=\"key\"><i style=\"background:{}\"></i>{}</span>", color,
                     escapeHtml(label));
}

}  // namespace

std::string legend(const std::vector<std::pair<std::string, std::string>>& labels_and_colors) {
  std::string out = "<div class=\"legend\">";
  for (const auto& [label, color] : labels_and_colors) out += legendKey(label, color);
  return out + "</div>";
}

std::string groupedLegend(const std::vector<LegendGroup>& groups) {
  std::string out = "<div class=\"legend\">";
  for (const LegendGroup& group : groups) {
    out += "<span class=\"group\"><b>" + escapeHtml(group.title) + "</b>";
    for (const auto& [label, color] : group.keys) out += legendKey(label, color);
    out += "</span>";
  }
  return out + "</div>";
}

std::string kpi(const std::string& label, const std::string& value, const std::string& detail) {
  return fmt::format(
      "<div class=\"kpi\"><div class=\"label\">{}</div><div class=\"value\">{}</div><div "
      "class=\"detail\">{}</div></div>",
      escapeHtml(label), escapeHtml(value), escapeHtml(detail));
}

std::string pill(const std::string& cls, const std::string& text) {
  return fmt::format("<span class=\"pill {}\">{}</span>", escapeHtml(cls), escapeHtml(text));
}

}  // namespace cosa::html
