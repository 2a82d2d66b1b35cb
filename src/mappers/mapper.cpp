#include "mappers/mapper.hpp"

#include <cmath>
#include <stdexcept>

namespace cosa {

double metricValue(Objective metric, const Evaluation& e) {
  switch (metric) {
    case Objective::Latency:
    case Objective::CosaPaper:
      return static_cast<double>(e.cycles);
    case Objective::Energy:
    case Objective::EnergyModel:
      return e.energy_pJ;
    case Objective::Edp:
      return e.edp();
    case Objective::LastLevelAccesses: {
      if (e.levels.empty()) return 0;
      double words = 0;
      for (const DataSpaceStats& s : e.levels.back().data_spaces)
        if (s.kept)
          words +=
              static_cast<double>(s.reads + s.updates + s.fills) * static_cast<double>(s.utilized_instances);
      return words;
    }
  }
  return 0;
}

bool betterThan(const Evaluation& a, const Evaluation& b, const std::vector<SearchMetric>& metrics) {
  if (a.valid != b.valid) return a.valid;
  for (SearchMetric metric : metrics) {
    const double x = metricValue(metric, a);
    const double y = metricValue(metric, b);
    // Relative tolerance so floating-point noise in energies does not decide.
    const double tolerance = 1e-9 * std::max(std::abs(x), std::abs(y));
    if (x < y - tolerance) return true;
    if (x > y + tolerance) return false;
  }
  return false;
}

MapperResult toMapperResult(const std::string& name, const SearchResult& r) {
  MapperResult result;
  result.mapper = name;
  result.found = r.found;
  result.message = r.message;
  result.mapping = r.mapping;
  result.evaluation = r.evaluation;
  result.samples = r.samples;
  result.evaluations = r.evaluations;
  result.time_s = r.time_s;
  result.interrupted = r.interrupted;
  return result;
}

}  // namespace cosa
