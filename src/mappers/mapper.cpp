#include "mappers/mapper.hpp"

#include <cmath>
#include <stdexcept>

namespace cosa {

SearchMetric parseSearchMetric(const std::string& name) {
  if (name == "delay") return SearchMetric::Delay;
  if (name == "energy") return SearchMetric::Energy;
  if (name == "edp") return SearchMetric::Edp;
  if (name == "last-level-accesses") return SearchMetric::LastLevelAccesses;
  throw std::invalid_argument("unknown metric '" + name +
                              "' (expected delay, energy, edp or last-level-accesses)");
}

std::string toString(SearchMetric metric) {
  switch (metric) {
    case SearchMetric::Delay:
      return "delay";
    case SearchMetric::Energy:
      return "energy";
    case SearchMetric::Edp:
      return "edp";
    case SearchMetric::LastLevelAccesses:
      return "last-level-accesses";
  }
  return "delay";
}

double metricValue(SearchMetric metric, const Evaluation& e) {
  switch (metric) {
    case SearchMetric::Delay:
      return static_cast<double>(e.cycles);
    case SearchMetric::Energy:
      return e.energy_pJ;
    case SearchMetric::Edp:
      return e.edp();
    case SearchMetric::LastLevelAccesses: {
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
