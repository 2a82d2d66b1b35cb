// The HTML kit every report is built from (report/html_kit.hpp): exact markup of a page's head, a
// table's escaping and cells, elements, legends and pills.
#include "report/html_kit.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

using namespace cosa;

TEST(HtmlKit, TableEscapesTextAndMarksNumericCells) {
  html::Table table;
  table.header({"name", "cycles <total>"});
  table.row({html::Cell::text("a&b \"c\" <d> 'e'"), html::Cell::number("1,234")});
  table.row({html::Cell::markup("<b>x</b>"), {"5", "message", 2}}, "total");
  EXPECT_EQ(table.html(),
            "<table><tr><th>name</th><th>cycles &lt;total&gt;</th></tr>"
            "<tr><td>a&amp;b &quot;c&quot; &lt;d&gt; &#39;e&#39;</td><td class=\"num\">1,234</td></tr>"
            "<tr class=\"total\"><td><b>x</b></td><td colspan=\"2\" class=\"message\">5</td></tr></table>");
}

TEST(HtmlKit, TableWithSectionsScrollAndClass) {
  html::Table table({"points", true, true});
  table.header({"id"});
  table.row({html::Cell::text("p1")}, "o\"k");
  table.row({html::Cell::text("p2")}, std::string());
  EXPECT_EQ(table.html(),
            "<div class=\"table-scroll\"><table class=\"points\"><thead><tr><th>id</th></tr></thead>\n"
            "<tbody>\n<tr class=\"o&quot;k\"><td>p1</td></tr>\n<tr class=\"\"><td>p2</td></tr>\n"
            "</tbody></table>\n</div>");
}

TEST(HtmlKit, PageHasItsTitleStyleScriptsAndChartCount) {
  html::Page page("Sweep <a> \u2014 cosa", {"body{}", "HEAD();", "LOAD();"});
  const std::string card = page.figureCard("fig-1", "Latency & energy", "per <layer>", "<svg></svg>");
  EXPECT_EQ(card,
            "<figure class=\"card\" id=\"fig-1\"><h3>Latency &amp; energy</h3><p class=\"sub\">per "
            "&lt;layer&gt;</p><svg></svg></figure>\n");
  page.countChart();
  EXPECT_EQ(page.charts(), 2);
  EXPECT_EQ(page.render("<main></main>\n"),
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
            "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            "<title>Sweep &lt;a&gt; \u2014 cosa</title>\n"
            "<script>HEAD();</script>\n<style>body{}</style>\n</head>\n"
            "<body data-expected-charts=\"2\">\n<main></main>\n"
            "<script>LOAD();</script>\n</body>\n</html>\n");
}

TEST(HtmlKit, ElementsLegendsKpisAndPills) {
  EXPECT_EQ(html::element("section", {{"class", "card"}, {"id", "x\"y"}}, "<h2>S</h2>"),
            "<section class=\"card\" id=\"x&quot;y\"><h2>S</h2></section>");
  EXPECT_EQ(html::textElement("h2", {}, "a<b"), "<h2>a&lt;b</h2>");
  EXPECT_EQ(
      html::legend({{"cosa", "#3b6fd4"}}),
      "<div class=\"legend\"><span class=\"key\"><i style=\"background:#3b6fd4\"></i>cosa</span></div>");
  EXPECT_EQ(html::groupedLegend({{"DRAM", {{"Weights", "#111111"}, {"In<puts", "#222222"}}}}),
            "<div class=\"legend\"><span class=\"group\"><b>DRAM</b><span class=\"key\"><i "
            "style=\"background:#111111\"></i>Weights</span><span class=\"key\"><i "
            "style=\"background:#222222\"></i>In&lt;puts</span></span></div>");
  EXPECT_EQ(html::kpi("Total", "1.23M", "1,234,567 cycles"),
            "<div class=\"kpi\"><div class=\"label\">Total</div><div class=\"value\">1.23M</div><div "
            "class=\"detail\">1,234,567 cycles</div></div>");
  EXPECT_EQ(html::pill("ok", "a: optimal"), "<span class=\"pill ok\">a: optimal</span>");
}

TEST(HtmlKit, NumbersReadShort) {
  EXPECT_EQ(thousands(1234567), "1,234,567");
  EXPECT_EQ(thousands(-1234.4), "-1,234");
  EXPECT_EQ(compact(1234567), "1.23M");
  EXPECT_EQ(compact(999), "999");
  EXPECT_EQ(energyText(6.5e6), "6.50 \u00b5J");
  EXPECT_EQ(percent(0.004), "0.4%");
  EXPECT_EQ(percent(0.0004), "0.04%");
  EXPECT_EQ(scientific(4.4e16), "4.40e16");
  EXPECT_EQ(tickNumber(2.5), "2.5");
  EXPECT_EQ(elideMiddle("abcdefghij", 5), "ab\u2026ij");
}

TEST(HtmlKit, BarChartDrawsOneRectPerSegmentWithItsTooltip) {
  html::BarChartSpec spec{"c", "T", "cycles", 0, [](double v) { return tickNumber(v); }, false, false};
  const std::string svg = html::barChart(
      spec, {{"layer <1>", "\u00d72", "tip", {{"", {{10, "#000000", "10 & more"}}, "10", ""}}}});
  EXPECT_EQ(svg.rfind("<svg class=\"chart\" id=\"c\" ", 0), 0u);
  EXPECT_NE(svg.find(">layer &lt;1&gt;<tspan class=\"row-note\"> \u00d72</tspan></text>"), std::string::npos);
  EXPECT_NE(svg.find("<title>10 &amp; more</title></rect>"), std::string::npos);
  EXPECT_NE(svg.find("<text class=\"value\""), std::string::npos);
}

}  // namespace
