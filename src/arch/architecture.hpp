#pragma once
// An accelerator: storage levels (innermost first) above an array of arithmetic units.
// Fan-out from a level to its children follows from instance counts.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cosa {

// The most instances of any level, the arithmetic level included, that the readers accept: 2^24
// (16,777,216), far beyond the accelerators Timeloop describes, and small enough that the cost
// model's enumeration of a level's spatial children stays within memory.
inline constexpr std::int64_t kMaxInstances = std::int64_t{1} << 24;

struct StorageLevel {
  std::string name;
  std::string technology = "SRAM";      // "SRAM", "DRAM", ... as Timeloop reads it
  std::optional<std::int64_t> entries;  // words per instance; nullopt = unbounded (e.g. DRAM)
  std::int64_t instances = 1;
  int word_bits = 16;
  int block_size = 1;    // words per vector access
  int cluster_size = 1;  // instances sharing one physical access
  int num_ports = 2;
  int num_banks = 2;
  std::optional<double> read_bandwidth;   // words/cycle per instance; nullopt = unlimited
  std::optional<double> write_bandwidth;  // words/cycle per instance; nullopt = unlimited
  std::optional<int> network_word_bits;
  std::optional<std::int64_t> mesh_x;  // physical X extent of this level's instances
  std::optional<std::int64_t> mesh_y;
  double multiple_buffering = 1.0;

  bool operator==(const StorageLevel&) const = default;
};

struct ArithmeticLevel {
  std::string name = "MACs";
  std::int64_t instances = 1;
  int word_bits = 16;
  std::optional<std::int64_t> mesh_x;
  std::optional<std::int64_t> mesh_y;
  std::optional<double> energy_per_op_pJ;  // nullopt = built-in estimate

  bool operator==(const ArithmeticLevel&) const = default;
};

struct Architecture {
  std::string name;
  ArithmeticLevel arithmetic;
  std::vector<StorageLevel> levels;  // innermost first

  int numLevels() const { return static_cast<int>(levels.size()); }
  int levelIndex(std::string_view name) const;  // -1 when absent
  // Instances of the child of `level` (the arithmetic array for level 0) per instance of `level`.
  std::int64_t fanout(int level) const;
  // X extent of the fan-out from `level` to its children (the whole fan-out without a mesh).
  std::int64_t fanoutX(int level) const;
  std::int64_t fanoutY(int level) const { return fanout(level) / fanoutX(level); }
  // Words a level's instance holds for tiles: entries scaled by multiple buffering, truncated (a
  // capacity beyond int64 holds any tile and is clamped); nullopt when unbounded. The one capacity
  // rule: the tiles a level keeps fit when their words add up to at most this.
  std::optional<std::int64_t> capacityWords(int level) const;

  bool operator==(const Architecture&) const = default;
};

}  // namespace cosa
