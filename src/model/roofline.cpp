#include "model/roofline.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

namespace cosa {

namespace {

// Distinct values of one projection axis (sum of coef * index) over the whole problem: the words
// of that axis the layer really touches. Strided windows skip words, which no mapping reads.
std::int64_t touchedAlongAxis(const Workload& workload, const ProjectionAxis& axis) {
  std::vector<std::int64_t> values{0};
  for (const ProjectionTerm& term : axis) {
    const std::int64_t n = workload.bounds[term.dim];
    if (term.coefficient == 0 || n <= 1) continue;
    std::vector<std::int64_t> next;
    next.reserve(values.size() * static_cast<std::size_t>(n));
    for (std::int64_t v : values)
      for (std::int64_t i = 0; i < n; ++i) next.push_back(v + term.coefficient * i);
    std::sort(next.begin(), next.end());
    next.erase(std::unique(next.begin(), next.end()), next.end());
    values.swap(next);
  }
  return static_cast<std::int64_t>(values.size());
}

}  // namespace

std::int64_t touchedWords(const Workload& workload, int data_space) {
  std::int64_t words = 1;
  for (const ProjectionAxis& axis : workload.data_spaces[data_space].axes)
    words *= touchedAlongAxis(workload, axis);
  return words;
}

std::int64_t rooflineCycles(const Architecture& arch, const Workload& workload) {
  const auto macs = static_cast<double>(workload.macs());
  double bound = std::ceil(macs / static_cast<double>(arch.arithmetic.instances));
  const StorageLevel& backing = arch.levels.back();
  double reads = 0, writes = 0;
  for (int ds = 0; ds < workload.numDataSpaces(); ++ds) {
    const auto words = static_cast<double>(touchedWords(workload, ds));
    (workload.data_spaces[ds].read_write ? writes : reads) += words;
  }
  if (backing.read_bandwidth)
    bound = std::max(bound, std::ceil(reads / (*backing.read_bandwidth * backing.instances)));
  if (backing.write_bandwidth)
    bound = std::max(bound, std::ceil(writes / (*backing.write_bandwidth * backing.instances)));
  return static_cast<std::int64_t>(bound);
}

}  // namespace cosa
