#include "model/roofline.hpp"

#include <algorithm>
#include <cmath>

namespace cosa {

std::int64_t rooflineCycles(const Architecture& arch, const Workload& workload) {
  const auto macs = static_cast<double>(workload.macs());
  double bound = std::ceil(macs / static_cast<double>(arch.arithmetic.instances));
  const StorageLevel& backing = arch.levels.back();
  double reads = 0, writes = 0;
  for (int ds = 0; ds < workload.numDataSpaces(); ++ds) {
    const auto size = static_cast<double>(workload.dataSpaceSize(ds));
    (workload.data_spaces[ds].read_write ? writes : reads) += size;
  }
  if (backing.read_bandwidth)
    bound = std::max(bound, std::ceil(reads / (*backing.read_bandwidth * backing.instances)));
  if (backing.write_bandwidth)
    bound = std::max(bound, std::ceil(writes / (*backing.write_bandwidth * backing.instances)));
  return static_cast<std::int64_t>(bound);
}

}  // namespace cosa
