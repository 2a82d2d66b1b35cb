// Evaluator: mappings with residual (imperfect) factors. Timeloop 019f107's nest analysis is walked
// exactly (imperfect_nest.cpp); here its results go through Timeloop's tiling step per data space
// (one tile per storage level, partition sizes, the parent's share of accesses as fills, bypassed
// levels folded into their parents, link transfers as peer accesses, reads and updates), then the
// same cycles and energy as every mapping.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "model/evaluator.hpp"
#include "model/imperfect_nest.hpp"

namespace cosa {

namespace {

double totalAccesses(const AccessMatrix& m) {
  double sum = 0;
  for (const auto& [key, value] : m) sum += value;
  return sum;
}

double weightedAccesses(const AccessMatrix& m) {
  double sum = 0;
  for (const auto& [key, value] : m) sum += value * static_cast<double>(key.first);
  return sum;
}

// One storage level's tile of one data space, as Timeloop's tiling step carries it.
struct LevelTile {
  std::int64_t size = 0;
  std::int64_t partition = 0;
  std::int64_t partition_denominator = 0;
  AccessMatrix accesses;
  double content = 0;
  double link_transfers = 0;
  double parent_share = 0;
  double peer_accesses = 0;
  double peer_fills = 0;
  std::int64_t replication = 0;
  std::int64_t fanout = 0;
};

}  // namespace

void Evaluator::evaluateWalk(const Mapping& mapping, Evaluation& out) {
  const ImperfectNestAnalysis nest = analyseImperfectNest(arch_, workload_, mapping);
  // Computes: the walked instance's count times every compute instance the full bounds give.
  const auto computes =
      static_cast<std::int64_t>(nest.compute_accesses * static_cast<double>(nest.compute_replication));
  out.computes = computes;
  out.compute_cycles = static_cast<std::int64_t>(
      std::ceil(static_cast<double>(computes) / static_cast<double>(nest.compute_replication)));

  for (int ds = 0; ds < num_ds_; ++ds) {
    const std::vector<NestTile>& loops = nest.tiles[ds];
    std::vector<LevelTile> tiles;
    // One tile per storage level: its size from the level's outermost loop, its accesses from the
    // innermost one.
    for (std::size_t first = 0; first < loops.size();) {
      std::size_t last = first;
      while (!loops[last].storage_boundary && last + 1 < loops.size()) ++last;
      LevelTile tile;
      tile.size = loops[last].size;
      tile.accesses = loops[first].accesses;
      tile.content = totalAccesses(tile.accesses);
      tile.link_transfers = static_cast<double>(loops[first].link_transfers);
      tile.replication = loops[last].replication;
      tile.fanout = loops[first].fanout;
      if (!tiles.empty())
        tiles.back().partition_denominator =
            loops[first].master_spatial ? loops[first].size : tiles.back().size;
      tiles.push_back(std::move(tile));
      first = last + 1;
    }
    const int n = static_cast<int>(tiles.size());
    const char* keep = &keep_[at(ds, 0)];

    // Partition sizes, top down.
    std::int64_t partition = tiles[n - 1].size;
    tiles[n - 1].partition = partition;
    for (int l = n - 2; l >= 0; --l) {
      if (tiles[l].partition_denominator != 0)
        partition = static_cast<std::int64_t>(static_cast<__int128>(partition) * tiles[l].size /
                                              tiles[l].partition_denominator);
      tiles[l].partition = partition;
    }
    // Each instance's share of its parent's accesses (its fills).
    for (int l = 0; l + 1 < n; ++l) {
      const LevelTile& outer = tiles[l + 1];
      for (const auto& [key, value] : outer.accesses)
        tiles[l].parent_share += value * static_cast<double>(key.first) / static_cast<double>(outer.fanout);
    }
    // Bypassed levels: their children's accesses go to the next level up.
    for (int l = 0; l < n; ++l) {
      if (tiles[l].size == 0 || keep[l]) continue;
      int outer = l + 1;
      while (outer < n && tiles[outer].size == 0) ++outer;
      LevelTile& cur = tiles[l];
      if (outer == n) {
        cur.size = cur.partition = 0;
        cur.content = cur.parent_share = 0;
        break;
      }
      LevelTile& parent = tiles[outer];
      const double children = cur.content * static_cast<double>(parent.fanout);
      const double factor = children / weightedAccesses(parent.accesses);
      for (auto& [key, value] : parent.accesses) {
        if (value == 0) continue;
        value *= factor;
        parent.link_transfers = 0;
      }
      parent.content = totalAccesses(parent.accesses);
      cur.size = cur.partition = 0;
      cur.content = cur.parent_share = 0;
    }
    for (int l = n - 1; l >= 0; --l) {
      if (!keep[l]) {
        tiles[l] = LevelTile{};
      } else {
        tiles[l].parent_share = 0;  // the outermost level keeping the data is never filled
        break;
      }
    }
    // Link transfers: the receiving children read and fill from each other.
    for (int l = n - 1; l > 0; --l) {
      if (tiles[l].link_transfers == 0) continue;
      const double per_child = tiles[l].link_transfers / static_cast<double>(tiles[l - 1].replication);
      tiles[l - 1].peer_accesses += per_child;
      tiles[l - 1].peer_fills += per_child;
    }

    for (int l = 0; l < num_levels_; ++l) {
      DataSpaceStats& s = out.levels[l].data_spaces[ds];
      const LevelTile& tile = tiles[l];
      if (!keep[l] || tile.size == 0) {
        s = DataSpaceStats{};
        continue;
      }
      s.kept = true;
      s.partition_size = tile.partition;
      s.utilized_capacity = tile.size;
      s.utilized_instances = tile.replication;
      s.utilized_clusters = std::min(tile.replication, limits_[l].clusters);
      s.fills = static_cast<std::int64_t>(tile.parent_share + tile.peer_fills);
      if (ds_info_[ds].read_write) {
        const double accessed = tile.content + tile.peer_accesses;
        if (accessed < static_cast<double>(tile.partition)) {
          // Timeloop 019f107 aborts here (an assertion in its tiling step); there is no result.
          out.valid = false;
          out.error = fmt::format(
              "level {}: {} are accessed {} times but their partition has {} words (timeloop-model 019f107 "
              "aborts on this imperfect mapping)",
              arch_.levels[l].name, workload_.data_spaces[ds].name, accessed, tile.partition);
          out.levels.clear();
          out.cycles = out.compute_cycles = 0;
          out.energy_pJ = out.arithmetic_energy_pJ = out.utilization = 0;
          return;
        }
        s.reads = std::llround(accessed - static_cast<double>(tile.partition));
        s.updates = std::llround(tile.content);
        s.temporal_reductions = s.reads;
        s.address_generations = s.updates + s.fills;
      } else {
        s.reads = std::llround(tile.content + tile.peer_accesses);
        s.updates = 0;
        s.temporal_reductions = 0;
        s.address_generations = s.reads + s.fills;
      }
    }
  }
  computeCyclesAndEnergy(out);
}

}  // namespace cosa
