#include "io/timeloop/loop_nest.hpp"

#include <fmt/format.h>

#include <stdexcept>

namespace cosa {

// Follows Timeloop's map.txt layout: levels outermost first, each introduced by a blank line, a
// header naming the kept data spaces with their tile sizes ("Name:size (utilized capacity) ",
// equal here), and a dash rule as long as the header up to its closing bracket. Then the level's
// temporal loops, then its spatial loops, each outermost first; loops with factor 1 are left out,
// but a level without any temporal loop gets a trivial loop over the last dimension ("for N in
// [0:1)") as Timeloop adds one. Every loop line is indented two more spaces than the previous.
std::string formatLoopNest(const Mapping& mapping, const Architecture& arch, const Workload& workload) {
  const int num_levels = arch.numLevels();
  const int num_dims = workload.numDims();
  if (static_cast<int>(mapping.levels.size()) != num_levels)
    throw std::invalid_argument("formatLoopNest: the mapping does not match the architecture");
  for (const LevelMapping& level : mapping.levels)
    if (static_cast<int>(level.temporal.size()) != num_dims ||
        static_cast<int>(level.spatial.size()) != num_dims ||
        static_cast<int>(level.keep.size()) != workload.numDataSpaces() ||
        (!level.temporal_residual.empty() && static_cast<int>(level.temporal_residual.size()) != num_dims) ||
        (!level.spatial_residual.empty() && static_cast<int>(level.spatial_residual.size()) != num_dims))
      throw std::invalid_argument("formatLoopNest: the mapping does not match the workload");

  // Per level, the extent of every dimension covered by the loops at and below it.
  std::vector<std::vector<std::int64_t>> extents(num_levels, std::vector<std::int64_t>(num_dims, 1));
  for (int l = 0; l < num_levels; ++l)
    for (int d = 0; d < num_dims; ++d)
      extents[l][d] =
          (l > 0 ? extents[l - 1][d] : 1) * mapping.levels[l].temporal[d] * mapping.levels[l].spatial[d];

  std::string out;
  std::string indent = "| ";
  // A residual other than the bound is printed after it, as Timeloop does ("[0:16,9)").
  auto addLoop = [&](int dim, std::int64_t end, std::int64_t residual, const char* suffix) {
    const std::string bound = residual == end ? fmt::format("{}", end) : fmt::format("{},{}", end, residual);
    out += fmt::format("{}for {} in [0:{}){}\n", indent, workload.dimensions[dim], bound, suffix);
    indent += "  ";
  };
  for (int l = num_levels - 1; l >= 0; --l) {
    const LevelMapping& level = mapping.levels[l];
    std::string header = arch.levels[l].name + " [ ";
    for (int ds = 0; ds < workload.numDataSpaces(); ++ds) {
      if (!level.keep[ds]) continue;
      const std::int64_t size = workload.tileSize(ds, extents[l].data());
      header += fmt::format("{}:{} ({}) ", workload.data_spaces[ds].name, size, size);
    }
    header += "] ";
    out += "\n" + header + "\n" + std::string(header.size() - 1, '-') + "\n";

    bool any_temporal = false;
    for (auto it = level.temporal_order.rbegin(); it != level.temporal_order.rend(); ++it) {
      if (level.temporal[*it] <= 1) continue;
      addLoop(*it, level.temporal[*it], level.temporalResidual(*it), "");
      any_temporal = true;
    }
    if (!any_temporal) addLoop(num_dims - 1, 1, 1, "");
    const int order_size = static_cast<int>(level.spatial_order.size());
    for (int pos = order_size - 1; pos >= 0; --pos) {
      const int dim = level.spatial_order[pos];
      if (level.spatial[dim] <= 1) continue;
      const bool on_x = level.spatial_split < 0 || pos < level.spatial_split;
      addLoop(dim, level.spatial[dim], level.spatialResidual(dim), on_x ? " (Spatial-X)" : " (Spatial-Y)");
    }
  }
  out += "\n";
  return out;
}

}  // namespace cosa
