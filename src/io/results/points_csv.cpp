#include "io/results/points_csv.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "io/csv.hpp"

namespace cosa {

std::string pointsCsv(const SweepReportData& data, const std::vector<bool>& pareto,
                      const std::optional<std::string>& mapper) {
  if (pareto.size() != data.points.size())
    throw std::logic_error("pointsCsv: one pareto flag per point expected");
  std::string csv = mapper ? "id,workload,mapper" : "id,workload";
  for (const std::string& name : data.parameters) csv.append(",").append(csvField(name));
  csv +=
      ",status,total_cycles,total_energy_pJ,total_edp,pJ_per_mac,unique_layers,failed_layers,pareto,"
      "message\n";
  const auto number = [](const std::optional<double>& v) {
    return v ? fmt::format("{}", *v) : std::string();
  };
  for (std::size_t i = 0; i < data.points.size(); ++i) {
    const SweepReportPoint& p = data.points[i];
    csv.append(csvField(p.id)).append(",").append(csvField(p.workload));
    if (mapper) csv.append(",").append(csvField(*mapper));
    for (double v : p.values) csv.append(",").append(parameterText(v));
    csv += fmt::format(",{},{},{},{},{},{},{},{},{}\n", p.status, p.cycles ? std::to_string(*p.cycles) : "",
                       number(p.energy_pJ), number(p.edp), number(p.pj_per_mac),
                       p.unique_layers ? std::to_string(*p.unique_layers) : "",
                       p.failed_layers ? std::to_string(*p.failed_layers) : "", pareto[i] ? "yes" : "",
                       csvField(p.message));
  }
  return csv;
}

}  // namespace cosa
