// The HTML report: rendering hand-built data (numbers, escaping, one bar per layer and mapper,
// breakdown totals, nothing fetched from the network), loading output folders (errors name the
// file and field), and the reports `cosa network`, `cosa compare` and `cosa report` write.
#include "report/html_report.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "cli_support.hpp"
#include "common/error.hpp"
#include "test_support.hpp"

namespace {

namespace fs = std::filesystem;
using namespace cosa;

std::size_t countOf(const std::string& text, const std::string& needle) {
  std::size_t count = 0;
  for (std::size_t at = text.find(needle); at != std::string::npos;
       at = text.find(needle, at + needle.size()))
    ++count;
  return count;
}

// The <svg> element with this id, or "" when absent.
std::string chart(const std::string& html, const std::string& id) {
  const std::size_t start = html.find("<svg class=\"chart\" id=\"" + id + "\"");
  if (start == std::string::npos) return "";
  const std::size_t end = html.find("</svg>", start);
  return html.substr(start, end + 6 - start);
}

ReportRun makeRun(const std::string& mapper, std::int64_t cycles, std::vector<EnergyComponent> parts) {
  ReportRun run;
  run.mapper = mapper;
  run.found = true;
  run.cycles = cycles;
  for (const EnergyComponent& part : parts) run.energy_pJ += part.energy_pJ;
  run.energy_breakdown = std::move(parts);
  run.roofline_cycles = cycles;
  run.macs = 1000;
  run.utilization = 0.5;
  run.time_s = 0.25;
  run.loop_nest = "DRAM [ Weights:9 ]\n| for K in [0:4)\n";
  return run;
}

std::vector<EnergyComponent> parts(double scale) {
  return {{kArithmeticLevel, "", 1e6 * scale},
          {"Registers", "Weights", 0.5e6 * scale},
          {"DRAM", "Weights", 1e6 * scale},
          {"DRAM", "Inputs", 1.5e6 * scale},
          {"DRAM", "Outputs", 1e6 * scale}};
}

const std::string kEvilName = "<script>alert('x')</script>";

// A `cosa network` result: conv1 once, and a layer with a hostile name three times.
ReportData networkData() {
  ReportData data;
  data.kind = ReportKind::Network;
  data.source = "summary.json";
  data.architecture = "simba";
  data.objective = "edp";
  data.wall_time_s = 1.5;
  data.jobs = 2;
  data.mappers = {"cosa"};
  ReportNetwork network{"tiny", {}};
  ReportLayer conv1{"conv1", 1, "cnn-layer: R=3 S=3", {makeRun("cosa", 1234567, parts(1))}};
  conv1.runs[0].roofline_cycles = 1200000;
  conv1.runs[0].solver_status = "optimal";
  conv1.runs[0].gap = 0.004;
  ReportLayer evil{kEvilName, 3, "", {makeRun("cosa", 2000, parts(0.1))}};
  evil.runs[0].solver_status = "feasible";
  network.layers = {conv1, evil};
  data.networks.push_back(network);
  return data;
}

// A `cosa compare` result: three layers, two mappers, one run without a mapping.
ReportData comparisonData() {
  ReportData data;
  data.kind = ReportKind::Comparison;
  data.source = "results.json";
  data.architecture = "simba";
  data.mappers = {"cosa", "random"};
  ReportNetwork network{"tiny", {}};
  for (int l = 0; l < 3; ++l) {
    ReportLayer layer{"layer" + std::to_string(l), l + 1, "", {}};
    layer.runs.push_back(makeRun("cosa", 1000 * (l + 1), parts(1)));
    layer.runs.back().solver_status = "optimal";
    layer.runs.push_back(makeRun("random", 3000 * (l + 1), parts(2)));
    layer.runs.back().samples = 70;
    layer.runs.back().evaluations = 70;
    network.layers.push_back(layer);
  }
  network.layers[2].runs[1] = ReportRun{};
  network.layers[2].runs[1].mapper = "random";
  network.layers[2].runs[1].message = "no valid mapping in 70 samples";
  data.networks.push_back(network);
  return data;
}

TEST(HtmlReport, ShowsTotalsPerLayerNumbersAndLoopNests) {
  const std::string html = renderHtmlReport(networkData());
  EXPECT_NE(html.find("<h1>tiny on simba</h1>"), std::string::npos);
  EXPECT_NE(html.find("objective edp"), std::string::npos);
  EXPECT_NE(html.find("1,240,567 cycles"), std::string::npos);  // 1234567 + 3 x 2000
  EXPECT_NE(html.find("6.50 \u00b5J"), std::string::npos);      // 5 uJ + 3 x 0.5 uJ
  EXPECT_NE(html.find("1.029\u00d7"), std::string::npos);       // conv1 over its roofline bound
  EXPECT_NE(html.find("0.4%"), std::string::npos);              // conv1's gap
  EXPECT_NE(html.find("<span class=\"pill ok\">optimal</span>"), std::string::npos);
  EXPECT_NE(html.find("<span class=\"pill warn\">feasible</span>"), std::string::npos);
  EXPECT_NE(html.find("<pre class=\"loopnest\">DRAM [ Weights:9 ]\n| for K in [0:4)\n</pre>"),
            std::string::npos);
  EXPECT_NE(html.find("cnn-layer: R=3 S=3"), std::string::npos);
  EXPECT_NE(html.find("\u00d73"), std::string::npos);  // the repeated layer's count
  // Bars are weighted by occurrences, and the page says so.
  EXPECT_NE(html.find("times its number of occurrences"), std::string::npos);
  EXPECT_NE(chart(html, "chart-latency-0").find(">6.00k</text>"), std::string::npos);
}

TEST(HtmlReport, EscapesNamesFromUserFiles) {
  ReportData data = networkData();
  data.architecture = "a&b \"arch\"";
  const std::string html = renderHtmlReport(data);
  EXPECT_EQ(html.find("<script>alert"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(html.find("a&amp;b &quot;arch&quot;"), std::string::npos);
  EXPECT_EQ(countOf(html, "<script"), 2u);  // the page's own: error capture and load check
  EXPECT_EQ(countOf(html, "</script>"), 2u);
}

TEST(HtmlReport, OneBarPerLayerAndMapper) {
  const std::string network = renderHtmlReport(networkData());
  EXPECT_EQ(countOf(chart(network, "chart-latency-0"), "<rect class=\"bar\""), 2u);
  EXPECT_EQ(countOf(chart(network, "chart-energy-0"), "<rect class=\"bar\""), 2u);

  const std::string html = renderHtmlReport(comparisonData());
  for (const char* id : {"chart-latency-0", "chart-energy-0"}) {
    const std::string svg = chart(html, id);
    ASSERT_FALSE(svg.empty()) << id;
    EXPECT_EQ(countOf(svg, "<g class=\"row\">"), 3u) << id;
    EXPECT_EQ(countOf(svg, "<rect class=\"bar\""), 5u) << id;  // 3 layers x 2 mappers, one missing
    EXPECT_EQ(countOf(svg, ">cosa</text>"), 3u) << id;
    EXPECT_EQ(countOf(svg, "no mapping: no valid mapping in 70 samples"), 1u) << id;
  }
  // Per-layer breakdown: five slices per bar that has one.
  EXPECT_EQ(countOf(chart(html, "chart-breakdown-layers-0"), "<rect class=\"seg\""), 5u * 5u);
  // Whole network: one stacked bar per mapper.
  EXPECT_EQ(countOf(chart(html, "chart-breakdown-total-0"), "<g class=\"row\">"), 2u);
  EXPECT_NE(html.find("speed-up of cosa"), std::string::npos);
}

TEST(HtmlReport, BreakdownAddsUpToTheTotalEnergy) {
  const ReportData data = networkData();
  double total = 0, breakdown = 0;
  for (const ReportLayer& layer : data.networks[0].layers) {
    total += layer.count * layer.runs[0].energy_pJ;
    for (const EnergyComponent& part : layer.runs[0].energy_breakdown)
      breakdown += layer.count * part.energy_pJ;
  }
  ASSERT_NEAR(breakdown, total, 1e-9 * total);
  const std::string html = renderHtmlReport(data);
  // The whole-network bar ends with the total energy, and the table's total row says 100%.
  EXPECT_NE(chart(html, "chart-breakdown-total-0").find(">6.50 \u00b5J</text>"), std::string::npos);
  EXPECT_NE(html.find("<tr class=\"total\"><td>Total</td><td>6.5</td><td>100.0%</td></tr>"),
            std::string::npos);
  // DRAM's subtotal: 3.5 uJ for conv1 plus 3 x 0.35 uJ = 4.55 of 6.5 uJ.
  EXPECT_NE(html.find("<tr class=\"level\"><td>DRAM</td><td>4.55</td><td>70.0%</td></tr>"),
            std::string::npos);
}

TEST(HtmlReport, LoadsNothingFromTheNetwork) {
  for (const ReportData& data : {networkData(), comparisonData()}) {
    std::string html = renderHtmlReport(data);
    EXPECT_NE(html.find("Content-Security-Policy\" content=\"default-src 'none'"), std::string::npos);
    const std::string svg_namespace = "xmlns=\"http://www.w3.org/2000/svg\"";
    for (std::size_t at = html.find(svg_namespace); at != std::string::npos; at = html.find(svg_namespace))
      html.erase(at, svg_namespace.size());
    EXPECT_EQ(html.find("http://"), std::string::npos);
    EXPECT_EQ(html.find("https://"), std::string::npos);
    EXPECT_EQ(html.find(" src="), std::string::npos);
    EXPECT_EQ(html.find("@import"), std::string::npos);
    EXPECT_EQ(html.find("url("), std::string::npos);
  }
}

TEST(HtmlReport, DeclaresEveryChartItDraws) {
  for (const ReportData& data : {networkData(), comparisonData()}) {
    const std::string html = renderHtmlReport(data);
    const std::size_t charts = countOf(html, "<svg class=\"chart\"");
    EXPECT_EQ(charts, 4u);
    EXPECT_NE(html.find("data-expected-charts=\"" + std::to_string(charts) + "\""), std::string::npos);
    EXPECT_EQ(html, renderHtmlReport(data));  // deterministic
  }
}

TEST(HtmlReport, WithoutStatisticsSaysSoAndStillRenders) {
  ReportData data = networkData();
  for (ReportLayer& layer : data.networks[0].layers) layer.runs[0].energy_breakdown.clear();
  data.notes.push_back(
      "conv1 (cosa): no statistics file layers/conv1/stats.json; its energy breakdown is not shown.");
  data.complete = false;
  const std::string html = renderHtmlReport(data);
  EXPECT_NE(html.find("No statistics files were found"), std::string::npos);
  EXPECT_NE(html.find("<li>conv1 (cosa): no statistics file"), std::string::npos);
  EXPECT_NE(html.find("<b>Incomplete.</b>"), std::string::npos);
  EXPECT_EQ(countOf(html, "<svg class=\"chart\""), 2u);
  EXPECT_NE(html.find("data-expected-charts=\"2\""), std::string::npos);
}

TEST(HtmlReport, RejectsRunsThatDoNotMatchTheMappers) {
  ReportData data = comparisonData();
  data.networks[0].layers[1].runs.pop_back();
  EXPECT_THROW(renderHtmlReport(data), std::invalid_argument);
}

TEST(HtmlReportLoad, FolderWithoutResultsIsAnInputError) {
  const std::string dir = test::scratchDir("html-report-empty");
  try {
    loadReportData(dir);
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("summary.json"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("results.json"), std::string::npos) << e.what();
  }
  EXPECT_THROW(loadReportData(dir + "/missing"), InputError);
  const test::RunResult r = test::runCosa("report " + dir);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("neither summary.json"), std::string::npos) << r.err;
  fs::remove_all(dir);
}

TEST(HtmlReportLoad, BadValuesNameTheFileAndField) {
  const std::string dir = test::scratchDir("html-report-bad");
  std::ofstream(dir + "/summary.json")
      << R"({"network": "n", "per_layer": [{"layer": "a", "count": 1, "found": true, "cycles": "many"}]})";
  try {
    loadReportData(dir);
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("summary.json: per_layer[0].cycles: expected a number, got string"),
              std::string::npos)
        << e.what();
  }
  std::ofstream(dir + "/summary.json") << "{ not json";
  EXPECT_THROW(loadReportData(dir), InputError);
  // A missing per-layer folder is a note, not an error.
  std::ofstream(dir + "/summary.json") << R"({"network": "n", "per_layer": [{"layer": "a", "found": true,
      "cycles": 10, "energy_pJ": 5.0, "output": "layers/a"}]})";
  const ReportData data = loadReportData(dir);
  ASSERT_EQ(data.networks.size(), 1u);
  EXPECT_EQ(data.networks[0].layers[0].runs[0].cycles, 10);
  EXPECT_EQ(data.notes.size(), 2u);  // no stats, no loop nest
  fs::remove_all(dir);
}

fs::path writeWorkload(const std::string& name) { return cosa::test::writeSmallWorkloadDir(name); }

using cosa::test::kBypass;
using cosa::test::kSimba;

TEST(HtmlReportRun, NetworkWritesAReportWhoseBreakdownMatchesTheSummary) {
  const fs::path dir = writeWorkload("net");
  const fs::path out = dir / "out";
  const test::RunResult r = test::runCosa("network --arch " + kSimba + " --mapspace " + kBypass +
                                          " --workload " + dir.string() + " --out " + out.string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_TRUE(fs::exists(out / "report.html"));
  std::ifstream in(out / "summary.json");
  const auto summary = nlohmann::json::parse(in);

  const ReportData data = loadReportData(out.string());
  EXPECT_TRUE(data.notes.empty());
  ASSERT_EQ(data.networks.size(), 1u);
  ASSERT_EQ(data.networks[0].layers.size(), 2u);
  EXPECT_EQ(data.networks[0].layers[1].count, 2);
  double breakdown = 0;
  for (const ReportLayer& layer : data.networks[0].layers) {
    EXPECT_NE(layer.problem.find("cnn-layer: R="), std::string::npos) << layer.problem;
    const ReportRun& run = layer.runs.at(0);
    ASSERT_TRUE(run.found);
    EXPECT_NE(run.loop_nest.find("DRAM ["), std::string::npos);
    EXPECT_GT(run.macs, 0);
    double layer_sum = 0;
    for (const EnergyComponent& part : run.energy_breakdown) layer_sum += part.energy_pJ;
    EXPECT_NEAR(layer_sum, run.energy_pJ, 1e-9 * run.energy_pJ) << layer.name;
    breakdown += layer.count * layer_sum;
  }
  const double total = summary["total_energy_pJ"].get<double>();
  EXPECT_NEAR(breakdown, total, 1e-9 * total);

  // `cosa report` regenerates the same page.
  const fs::path again = dir / "again.html";
  const test::RunResult rr = test::runCosa("report " + out.string() + " --out " + again.string());
  ASSERT_EQ(rr.exit_code, 0) << rr.err;
  EXPECT_EQ(test::readText(again.string()), test::readText((out / "report.html").string()));
  fs::remove_all(dir);
}

TEST(HtmlReportRun, CompareWritesEveryMappersStatsAndAReport) {
  const fs::path dir = writeWorkload("cmp");
  const fs::path out = dir / "out";
  const test::RunResult r =
      test::runCosa("compare --arch " + kSimba + " --mapspace " + kBypass + " --workload " + dir.string() +
                    " --mappers cosa,random --out " + out.string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::ifstream in(out / "results.json");
  const auto results = nlohmann::json::parse(in);
  EXPECT_EQ(results["architecture"], "simba");
  EXPECT_TRUE(results["complete"].get<bool>());
  for (const auto& run : results["networks"][0]["results"]) {
    EXPECT_TRUE(fs::exists(out / run["stats_file"].get<std::string>())) << run.dump();
    EXPECT_TRUE(fs::exists(out / run["loopnest_file"].get<std::string>())) << run.dump();
  }
  const std::string html = test::readText((out / "report.html").string());
  EXPECT_EQ(countOf(chart(html, "chart-latency-0"), "<rect class=\"bar\""), 4u);  // 2 layers x 2 mappers
  const ReportData data = loadReportData(out.string());
  EXPECT_TRUE(data.notes.empty());
  EXPECT_EQ(data.mappers, (std::vector<std::string>{"cosa", "random"}));
  for (const ReportLayer& layer : data.networks.at(0).layers)
    for (const ReportRun& run : layer.runs) {
      EXPECT_FALSE(run.energy_breakdown.empty()) << layer.name << " " << run.mapper;
      EXPECT_FALSE(run.loop_nest.empty()) << layer.name << " " << run.mapper;
    }
  EXPECT_TRUE(data.networks[0].layers[0].runs[0].gap.has_value());
  fs::remove_all(dir);
}

}  // namespace
