#include "arch/architecture.hpp"

#include <limits>

namespace cosa {

int Architecture::levelIndex(std::string_view level_name) const {
  for (int i = 0; i < numLevels(); ++i)
    if (levels[i].name == level_name) return i;
  return -1;
}

std::int64_t Architecture::fanout(int level) const {
  const std::int64_t child = level == 0 ? arithmetic.instances : levels[level - 1].instances;
  const std::int64_t self = levels[level].instances;
  return self > 0 ? child / self : 0;
}

std::int64_t Architecture::fanoutX(int level) const {
  const auto child_mesh_x = level == 0 ? arithmetic.mesh_x : levels[level - 1].mesh_x;
  const auto self_mesh_x = levels[level].mesh_x;
  if (!child_mesh_x) return fanout(level);
  const std::int64_t parent_x = self_mesh_x.value_or(1);
  return parent_x > 0 && *child_mesh_x % parent_x == 0 ? *child_mesh_x / parent_x : fanout(level);
}

std::optional<std::int64_t> Architecture::capacityWords(int level) const {
  const StorageLevel& spec = levels[level];
  if (!spec.entries) return std::nullopt;
  const double capacity = static_cast<double>(*spec.entries) * spec.multiple_buffering;
  return capacity < 0x1p63 ? static_cast<std::int64_t>(capacity) : std::numeric_limits<std::int64_t>::max();
}

}  // namespace cosa
