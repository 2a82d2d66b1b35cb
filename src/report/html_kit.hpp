#pragma once
// The pieces every self-contained HTML report is built from (the network, comparison and sweep
// pages): the page (head, style, scripts, the number of charts its load script waits for),
// elements and figure cards, tables with text and numeric cells, and inline SVG figures (horizontal
// bar charts, scatter plots), legends, KPI tiles and pills. Text is escaped here; arguments named
// `..._html` are markup and are written as given. Nothing is fetched from anywhere: the page's
// Content-Security-Policy forbids it.

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "report/html_text.hpp"

namespace cosa::html {

// ------------------------------------------------------------------------------------------------
// Page and elements

// A page's own style sheet and scripts: `head_script` runs before anything else (it records script
// errors), `load_script` at the end of the body (it checks that every chart is drawn).
struct PageAssets {
  std::string_view style;
  std::string_view head_script;
  std::string_view load_script;
};

class Page {
 public:
  Page(std::string title, PageAssets assets) : title_(std::move(title)), assets_(assets) {}

  // One more chart the load script waits for (<body data-expected-charts>).
  void countChart() { ++charts_; }
  int charts() const { return charts_; }

  // <figure class="card" id=ID><h3>HEADING</h3><p class="sub">SUB</p>BODY</figure>, a chart counted.
  std::string figureCard(const std::string& id, const std::string& heading, const std::string& sub,
                         const std::string& body_html);

  // The whole document: head (charset, the Content-Security-Policy that forbids fetching anything,
  // viewport, title, head script, style) and body.
  std::string render(const std::string& body_html) const;

 private:
  std::string title_;
  PageAssets assets_;
  int charts_ = 0;
};

// Attribute names and values, in order; values are escaped.
using Attributes = std::vector<std::pair<std::string, std::string>>;

// <TAG a="v" ...>
std::string openTag(std::string_view tag, const Attributes& attributes = {});
// <TAG a="v" ...>INNER</TAG>
std::string element(std::string_view tag, const Attributes& attributes, std::string_view inner_html);
// <TAG a="v" ...>escaped text</TAG>
std::string textElement(std::string_view tag, const Attributes& attributes, std::string_view text);

// ------------------------------------------------------------------------------------------------
// Tables

struct Cell {
  std::string html;
  std::string cls;  // the class attribute, when not empty
  int colspan = 0;  // the colspan attribute, when > 0

  static Cell text(std::string_view text) { return {escapeHtml(text), "", 0}; }
  static Cell markup(std::string html) { return {std::move(html), "", 0}; }
  // A number, already formatted: class "num" (right-aligned, tabular figures).
  static Cell number(std::string_view text) { return {escapeHtml(text), "num", 0}; }
};

struct TableOptions {
  std::string cls;        // the table's class attribute, when not empty
  bool scroll = false;    // wrapped in <div class="table-scroll"> (scrolls sideways when wide)
  bool sections = false;  // <thead> and <tbody>, one row per line
};

class Table {
 public:
  explicit Table(TableOptions options = {}) : options_(std::move(options)) {}

  // The heading row; each heading is text.
  Table& header(const std::vector<std::string>& headings);
  // A row, with its class attribute when `cls` is given (even empty).
  Table& row(const std::vector<Cell>& cells, const std::optional<std::string>& cls = std::nullopt);
  std::string html() const;

 private:
  TableOptions options_;
  std::string head_;
  std::string rows_;
};

// ------------------------------------------------------------------------------------------------
// Figures (inline SVG)

// Horizontal bar charts: rows are layers (or mappers); each row holds one bar per mapper; a bar is
// one segment or a stack of them.
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

struct BarChartSpec {
  std::string id;
  std::string title;  // the accessible name
  std::string axis_label;
  double max = 0;  // the axis end; 0 = from the data
  std::function<std::string(double)> tick_text;
  bool grouped = false;  // bars carry their mapper's name
  bool stacked = false;  // bars are stacks of segments (rect class "seg" rather than "bar")
};

// <svg class="chart" id=ID ...>: the axis on top with round ticks, a band behind every other row,
// each row's label (elided in the middle) and bars, each segment with its tooltip.
std::string barChart(const BarChartSpec& spec, const std::vector<Row>& rows);

struct ScatterPoint {
  double x = 0;
  double y = 0;
  std::string cls;  // the circle's class, e.g. "pt" or "pt pareto"
  double radius = 4.5;
  std::string info;  // its tooltip, and its data-info attribute
};

struct ScatterSpec {
  std::string id;
  std::string aria_label;
  std::string x_label;
  std::string y_label;
  std::function<std::string(double)> tick_text;
  std::string line_class;  // the step line's class; no line when empty
  // Points (indices) joined by a step line (class "front"), in the order given: each step goes
  // across at the previous point's y, then to the next point's.
  std::vector<std::size_t> step_line;
};

// <svg class="scatter" id=ID ...>: both axes over the data's extent plus 5% (five grid lines and
// ticks each), the step line, then the points. `points` is not empty.
std::string scatterChart(const ScatterSpec& spec, const std::vector<ScatterPoint>& points);

// <div class="legend"> of colour keys.
std::string legend(const std::vector<std::pair<std::string, std::string>>& labels_and_colors);

// A legend of groups: each a bold title and its colour keys.
struct LegendGroup {
  std::string title;
  std::vector<std::pair<std::string, std::string>> keys;  // label, colour
};
std::string groupedLegend(const std::vector<LegendGroup>& groups);

// A headline number: <div class="kpi"> with its label, value and detail line.
std::string kpi(const std::string& label, const std::string& value, const std::string& detail);

// <span class="pill CLS">TEXT</span>
std::string pill(const std::string& cls, const std::string& text);

}  // namespace cosa::html
