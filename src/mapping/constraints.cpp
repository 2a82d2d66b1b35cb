#include "mapping/constraints.hpp"

#include <algorithm>

namespace cosa {

std::optional<bool> Constraints::keeps(int level, int ds) const {
  std::optional<bool> result;
  for (const auto& item : items) {
    if (item.kind != ConstraintKind::Bypass || item.level != level) continue;
    if (std::find(item.keep.begin(), item.keep.end(), ds) != item.keep.end()) result = true;
    if (std::find(item.bypass.begin(), item.bypass.end(), ds) != item.bypass.end()) result = false;
  }
  return result;
}

}  // namespace cosa
