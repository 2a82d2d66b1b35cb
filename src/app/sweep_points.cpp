#include "app/sweep_points.hpp"

#include "io/atomic_file.hpp"
#include "io/results/sweep_results.hpp"

namespace cosa::app {

std::vector<SweepPoint> expandPoints(const SweepDefinition& spec) {
  std::vector<std::vector<double>> combinations;
  if (spec.parameters.empty()) {
    combinations.emplace_back();
  } else if (spec.zip) {
    for (std::size_t i = 0; i < spec.parameters.front().values.size(); ++i) {
      std::vector<double> values;
      for (const SweepParameter& p : spec.parameters) values.push_back(p.values[i]);
      combinations.push_back(values);
    }
  } else {
    // An odometer: the last parameter varies fastest.
    std::vector<std::size_t> at(spec.parameters.size(), 0);
    while (true) {
      std::vector<double> values;
      for (std::size_t i = 0; i < at.size(); ++i) values.push_back(spec.parameters[i].values[at[i]]);
      combinations.push_back(values);
      std::size_t digit = at.size();
      while (digit > 0 && ++at[digit - 1] == spec.parameters[digit - 1].values.size()) at[--digit] = 0;
      if (digit == 0) break;
    }
  }
  std::vector<SweepPoint> points;
  for (std::size_t w = 0; w < spec.workloads.size(); ++w)
    for (const std::vector<double>& values : combinations) {
      SweepPoint point;
      point.index = points.size();
      point.values = values;
      point.workload = w;
      point.id = spec.workloads[w].label;
      for (std::size_t i = 0; i < values.size(); ++i)
        point.id += "-" + spec.parameters[i].name + parameterText(values[i]);
      point.id = fileSafeName(point.id);
      points.push_back(point);
    }
  return points;
}

}  // namespace cosa::app
