#include "app/sweep_overrides.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>

#include "io/results/sweep_results.hpp"

namespace cosa::app {

namespace {

std::int64_t wholeNumber(double value, const AttributeTarget& t, const std::string& parameter,
                         std::int64_t min) {
  const double rounded = std::round(value);
  if (std::fabs(value - rounded) > 1e-9 * std::max(1.0, std::fabs(value)) || rounded < double(min) ||
      rounded > 9e15)
    throw std::invalid_argument(fmt::format("parameter {}: {} {} = {} is not a whole number >= {}", parameter,
                                            t.level, t.attribute, parameterText(value), min));
  return static_cast<std::int64_t>(rounded);
}

int smallWhole(double value, const AttributeTarget& t, const std::string& parameter) {
  const std::int64_t whole = wholeNumber(value, t, parameter, 1);
  if (whole > std::numeric_limits<int>::max())
    throw std::invalid_argument(fmt::format("parameter {}: {} {} = {} is too large", parameter, t.level,
                                            t.attribute, parameterText(value)));
  return static_cast<int>(whole);
}

void setArithmetic(ArithmeticLevel& level, const AttributeTarget& t, double value,
                   const std::string& parameter) {
  if (t.attribute == "instances")
    level.instances = wholeNumber(value, t, parameter, 1);
  else if (t.attribute == "meshX")
    level.mesh_x = wholeNumber(value, t, parameter, 1);
  else if (t.attribute == "meshY")
    level.mesh_y = wholeNumber(value, t, parameter, 1);
  else if (t.attribute == "word-bits")
    level.word_bits = smallWhole(value, t, parameter);
  else if (t.attribute == "energy")
    level.energy_per_op_pJ = value;
}

void setStorage(StorageLevel& level, const AttributeTarget& t, double value, const std::string& parameter) {
  const std::string& a = t.attribute;
  if (a == "instances")
    level.instances = wholeNumber(value, t, parameter, 1);
  else if (a == "meshX")
    level.mesh_x = wholeNumber(value, t, parameter, 1);
  else if (a == "meshY")
    level.mesh_y = wholeNumber(value, t, parameter, 1);
  else if (a == "entries")
    level.entries = wholeNumber(value, t, parameter, 1);
  else if (a == "depth")
    level.entries = wholeNumber(value, t, parameter, 1) * level.block_size;
  else if (a == "sizeKB")
    level.entries = wholeNumber(std::floor(value * 1024 * 8 / level.word_bits), t, parameter, 1);
  else if (a == "word-bits")
    level.word_bits = smallWhole(value, t, parameter);
  else if (a == "block-size")
    level.block_size = smallWhole(value, t, parameter);
  else if (a == "cluster-size")
    level.cluster_size = smallWhole(value, t, parameter);
  else if (a == "num-ports")
    level.num_ports = smallWhole(value, t, parameter);
  else if (a == "num-banks")
    level.num_banks = smallWhole(value, t, parameter);
  else if (a == "network-word-bits")
    level.network_word_bits = smallWhole(value, t, parameter);
  else if (a == "multiple-buffering")
    level.multiple_buffering = value;
  else if (a == "bandwidth")
    level.read_bandwidth = level.write_bandwidth = value / 2;  // Timeloop halves it
  else if (a == "read_bandwidth")
    level.read_bandwidth = value;
  else if (a == "write_bandwidth")
    level.write_bandwidth = value;
  if ((a.find("bandwidth") != std::string::npos || a == "multiple-buffering") && !(value > 0))
    throw std::invalid_argument(
        fmt::format("parameter {}: {} {} = {} must be > 0", parameter, t.level, a, parameterText(value)));
}

}  // namespace

Architecture applyOverrides(const SweepDefinition& spec, const Architecture& base, const SweepPoint& point) {
  Architecture arch = base;
  for (std::size_t i = 0; i < spec.parameters.size(); ++i) {
    const SweepParameter& p = spec.parameters[i];
    for (const AttributeTarget& t : p.targets) {
      const double value = point.values[i] * t.times;
      if (t.onArithmetic(arch)) {
        setArithmetic(arch.arithmetic, t, value, p.name);
      } else {
        const int level = arch.levelIndex(t.level);
        if (level < 0) throw std::invalid_argument(fmt::format("no level '{}'", t.level));
        setStorage(arch.levels[level], t, value, p.name);
      }
    }
  }
  return arch;
}

}  // namespace cosa::app
