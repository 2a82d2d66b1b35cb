#pragma once
// Problem shapes as data: dimensions, coefficients with defaults and data spaces whose axes are
// sums of (dimension x coefficient) terms, in Timeloop's shape format. The built-in shapes are
// YAML text parsed by the same code as inline shapes written by users.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "io/yaml/yaml_util.hpp"
#include "workload/workload.hpp"

namespace cosa {

struct ShapeTerm {
  int dim = 0;              // index into WorkloadShape::dimensions
  std::string coefficient;  // name of a WorkloadShape coefficient; empty = the literal 1
};

struct ShapeDataSpace {
  std::string name;
  std::vector<std::vector<ShapeTerm>> axes;  // each axis is a sum of terms
  bool read_write = false;
};

struct ShapeCoefficient {
  std::string name;
  std::int64_t default_value = 1;
};

struct WorkloadShape {
  std::string name;
  std::vector<std::string> dimensions;
  std::vector<ShapeCoefficient> coefficients;
  std::vector<ShapeDataSpace> data_spaces;

  int dimIndex(std::string_view dim) const;           // -1 when absent
  int coefficientIndex(std::string_view coef) const;  // -1 when absent
};

// `shape` is the map under `shape:` ({name, dimensions, coefficients?, data-spaces}).
WorkloadShape parseShape(const YamlView& shape);

// Built-in shapes: cnn-layer, grouped-cnn-layer, depthwise-cnn-layer, gemm, gemm-ABZ,
// batched-gemm. Lookup ignores case ("CNN-Layer" finds cnn-layer).
const WorkloadShape* findBuiltinShape(std::string_view name);  // nullptr when unknown
const WorkloadShape& builtinShape(std::string_view name);      // throws std::out_of_range
std::vector<std::string> builtinShapeNames();

// A workload of `shape` with `bounds` per dimension and `coefficients` per shape coefficient
// (both in the shape's order; an empty `coefficients` means the shape's defaults).
Workload instantiate(const WorkloadShape& shape, const std::vector<std::int64_t>& bounds,
                     const std::vector<std::int64_t>& coefficients = {});

}  // namespace cosa
