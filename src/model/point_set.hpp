#pragma once
// The point sets of Timeloop 019f107's nest analysis (its default "multi-AAHR" point set), for the
// exact walk over imperfectly factorized loop nests (model/imperfect_nest.hpp).
//
// A point set is a list of disjoint axis-aligned boxes (each [lo, hi) per axis). The operations are
// the ones Timeloop's analysis uses, with its semantics:
//  - subtraction splinters every box exactly (left/right slices per axis, the overlap dropped);
//  - adding a point extends a box the point is adjacent to along one axis, else adds a unit box;
//  - equality is "superficial": the same number of boxes, each box found in the other set;
//  - the translation from one set to another is the difference of their size-weighted centroids,
//    rounded to integers (zero when either set is empty).

#include <array>
#include <cstdint>
#include <vector>

#include "workload/workload.hpp"

namespace cosa {

struct Box {
  std::array<std::int64_t, kMaxDataSpaceAxes> lo{};
  std::array<std::int64_t, kMaxDataSpaceAxes> hi{};  // exclusive
};

// A translation or a point; `order` 0 is Timeloop's "null" vector (no translation known).
struct Offset {
  int order = 0;
  std::array<std::int64_t, kMaxDataSpaceAxes> v{};
  bool operator==(const Offset& other) const;
};

class PointSet {
 public:
  explicit PointSet(int order = 0) : order_(order) {}
  PointSet(int order, const Box& box) : order_(order), boxes_{box} {}

  int order() const { return order_; }
  std::int64_t size() const;
  bool empty() const { return size() == 0; }

  void subtract(const PointSet& other);  // this -= other, splintering boxes
  void addPoint(const std::int64_t* point);
  void translate(const Offset& offset);
  // The translation that moves this set onto `to` (centroid difference, rounded).
  Offset translationTo(const PointSet& to) const;
  bool operator==(const PointSet& other) const;
  // A canonical form: equal sets (by operator==) give equal keys, and only they do.
  std::vector<std::int64_t> key() const;

 private:
  int order_ = 0;
  std::vector<Box> boxes_;
};

}  // namespace cosa
