#pragma once
// A workload is a loop nest: named dimensions with bounds, and data spaces (tensors) whose
// coordinates are affine projections of those dimensions. Nothing here knows about CNNs:
// cnn-layer, GEMM, depthwise conv, ... are shapes described as data (see shapes.hpp).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cosa {

// The most axes a data space may have (the cost model keeps per-axis scratch of this size).
inline constexpr int kMaxDataSpaceAxes = 16;
// The largest Workload::countBound() the readers accept: 2^56, so that the cost model's 64-bit
// counts, and the few sums of them it forms, cannot overflow.
inline constexpr double kMaxWorkloadCount = 0x1p56;

// One term of a projection axis: coefficient * dimension.
struct ProjectionTerm {
  int dim = 0;                   // index into Workload::dimensions
  std::int64_t coefficient = 1;  // resolved value (e.g. the stride)
  std::string coefficient_name;  // empty when the coefficient is the literal 1
};

// One axis of a data space: a sum of terms (e.g. Wstride*P + Wdilation*R).
using ProjectionAxis = std::vector<ProjectionTerm>;

struct DataSpace {
  std::string name;
  std::vector<ProjectionAxis> axes;
  bool read_write = false;  // partial sums (outputs)
};

struct Coefficient {
  std::string name;
  std::int64_t value = 1;
};

struct Workload {
  std::string name;   // layer name, if any
  std::string shape;  // shape name, e.g. "cnn-layer"
  std::vector<std::string> dimensions;
  std::vector<std::int64_t> bounds;  // per dimension, >= 1
  std::vector<Coefficient> coefficients;
  std::vector<DataSpace> data_spaces;

  int numDims() const { return static_cast<int>(dimensions.size()); }
  int numDataSpaces() const { return static_cast<int>(data_spaces.size()); }
  int dimIndex(std::string_view dim) const;              // -1 when absent
  int dataSpaceIndex(std::string_view name) const;       // -1 when absent
  std::int64_t coefficient(std::string_view name) const;  // throws std::out_of_range when absent
  std::int64_t macs() const;                             // product of bounds
  bool isRelevant(int data_space, int dim) const;        // dim appears with a non-zero coefficient

  // Size (in words) of the data space's tile spanned by `extents` (per-dimension loop extents):
  // per axis sum(coef*(extent-1)) + 1, multiplied over axes. Sliding windows include their gaps.
  std::int64_t tileSize(int data_space, const std::int64_t* extents) const;
  std::int64_t dataSpaceSize(int data_space) const { return tileSize(data_space, bounds.data()); }

  // An upper bound (in floating point, so it cannot overflow itself) on every count the cost model
  // derives from this workload under any mapping: MACs, tile and data-space sizes, and the fills,
  // reads and updates of a data space summed over a level's instances. Per data space: the product
  // over its axes of (1 + the sum of the axis's |coefficients|), times each dimension's bound raised
  // to the number of terms it appears in (at least 1). See docs/hardening.md.
  double countBound() const;

  bool operator==(const Workload&) const = default;
};

bool operator==(const ProjectionTerm&, const ProjectionTerm&);
bool operator==(const DataSpace&, const DataSpace&);
bool operator==(const Coefficient&, const Coefficient&);

}  // namespace cosa
