#include "report/html_report.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <stdexcept>

#include "io/atomic_file.hpp"
#include "report/results_page.hpp"

namespace cosa {

std::string renderHtmlReport(const ReportData& data) {
  // Charts index a layer's runs by mapper.
  for (const ReportNetwork& network : data.networks)
    for (const ReportLayer& layer : network.layers)
      if (layer.runs.size() != data.mappers.size() || layer.runs.empty())
        throw std::invalid_argument(fmt::format("report: layer {} of {} has {} runs for {} mappers",
                                                layer.name, network.name, layer.runs.size(),
                                                data.mappers.size()));
  return data.kind == ReportKind::Comparison ? pages::renderComparisonPage(data)
                                             : pages::renderNetworkPage(data);
}

std::string writeHtmlReport(const std::string& dir, const std::string& out) {
  const std::string path = out.empty() ? (std::filesystem::path(dir) / "report.html").string() : out;
  writeFileAtomically(path, renderHtmlReport(loadReportData(dir)));
  return path;
}

}  // namespace cosa
