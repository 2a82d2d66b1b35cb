#include "io/timeloop/arch_writer.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

namespace cosa {

namespace {

// Shortest text that reads back as the same double.
std::string number(double value) { return fmt::format("{}", value); }

void writeMesh(YAML::Emitter& out, const std::optional<std::int64_t>& mesh_x,
               const std::optional<std::int64_t>& mesh_y) {
  if (mesh_x) out << YAML::Key << "meshX" << YAML::Value << *mesh_x;
  if (mesh_y) out << YAML::Key << "meshY" << YAML::Value << *mesh_y;
}

void writeStorage(YAML::Emitter& out, const StorageLevel& level) {
  out << YAML::BeginMap;
  out << YAML::Key << "name" << YAML::Value << level.name;
  out << YAML::Key << "technology" << YAML::Value << level.technology;
  if (level.entries) out << YAML::Key << "entries" << YAML::Value << *level.entries;
  out << YAML::Key << "instances" << YAML::Value << level.instances;
  writeMesh(out, level.mesh_x, level.mesh_y);
  out << YAML::Key << "word-bits" << YAML::Value << level.word_bits;
  out << YAML::Key << "block-size" << YAML::Value << level.block_size;
  out << YAML::Key << "cluster-size" << YAML::Value << level.cluster_size;
  out << YAML::Key << "num-ports" << YAML::Value << level.num_ports;
  out << YAML::Key << "num-banks" << YAML::Value << level.num_banks;
  if (level.read_bandwidth)
    out << YAML::Key << "read_bandwidth" << YAML::Value << number(*level.read_bandwidth);
  if (level.write_bandwidth)
    out << YAML::Key << "write_bandwidth" << YAML::Value << number(*level.write_bandwidth);
  if (level.network_word_bits)
    out << YAML::Key << "network-word-bits" << YAML::Value << *level.network_word_bits;
  if (level.multiple_buffering != 1.0)
    out << YAML::Key << "multiple-buffering" << YAML::Value << number(level.multiple_buffering);
  out << YAML::EndMap;
}

}  // namespace

std::string architectureYaml(const Architecture& arch) {
  YAML::Emitter out;
  out << YAML::BeginMap << YAML::Key << "arch" << YAML::Value << YAML::BeginMap;
  if (!arch.name.empty()) out << YAML::Key << "name" << YAML::Value << arch.name;
  out << YAML::Key << "arithmetic" << YAML::Value << YAML::BeginMap;
  // The reader names an unnamed arithmetic level __ARITH__; writing that name back is harmless.
  out << YAML::Key << "name" << YAML::Value << arch.arithmetic.name;
  out << YAML::Key << "instances" << YAML::Value << arch.arithmetic.instances;
  writeMesh(out, arch.arithmetic.mesh_x, arch.arithmetic.mesh_y);
  out << YAML::Key << "word-bits" << YAML::Value << arch.arithmetic.word_bits;
  if (arch.arithmetic.energy_per_op_pJ)
    out << YAML::Key << "energy" << YAML::Value << number(*arch.arithmetic.energy_per_op_pJ);
  out << YAML::EndMap;
  out << YAML::Key << "storage" << YAML::Value << YAML::BeginSeq;
  for (const StorageLevel& level : arch.levels) writeStorage(out, level);
  out << YAML::EndSeq << YAML::EndMap << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

}  // namespace cosa
