#include "model/point_set.hpp"

#include <algorithm>
#include <cmath>

namespace cosa {

namespace {

std::int64_t boxSize(const Box& box, int order) {
  std::int64_t size = 1;
  for (int a = 0; a < order; ++a) size *= box.hi[a] - box.lo[a];
  return size;
}

bool sameBox(const Box& a, const Box& b, int order) {
  for (int r = 0; r < order; ++r)
    if (a.lo[r] != b.lo[r] || a.hi[r] != b.hi[r]) return false;
  return true;
}

// The slices of `a` outside `b`, axis by axis (the part inside `b` is dropped).
void splinter(const Box& a, const Box& b, int order, std::vector<Box>& out) {
  for (int r = 0; r < order; ++r)
    if (a.hi[r] <= b.lo[r] || b.hi[r] <= a.lo[r]) {
      out.push_back(a);  // disjoint
      return;
    }
  Box middle = a;
  for (int r = 0; r < order; ++r) {
    if (middle.lo[r] < b.lo[r]) {
      Box left = middle;
      left.hi[r] = b.lo[r];
      out.push_back(left);
      middle.lo[r] = b.lo[r];
    }
    if (b.hi[r] < middle.hi[r]) {
      Box right = middle;
      right.lo[r] = b.hi[r];
      out.push_back(right);
      middle.hi[r] = b.hi[r];
    }
  }
}

// Extends `box` by the point when it is adjacent along exactly one axis and aligned with a box of
// extent one along every other axis (the only merge Timeloop's point sets make).
bool mergeIfAdjacent(Box& box, const std::int64_t* p, int order) {
  bool match = false;
  int axis = 0;
  for (int r = 0; r < order; ++r) {
    if (p[r] == box.lo[r] - 1 || p[r] == box.hi[r]) {
      if (match) return false;
      match = true;
      axis = r;
    } else if (!(p[r] == box.lo[r] && box.lo[r] + 1 == box.hi[r])) {
      return false;
    }
  }
  if (!match) return false;
  if (p[axis] == box.lo[axis] - 1)
    --box.lo[axis];
  else
    ++box.hi[axis];
  return true;
}

}  // namespace

bool Offset::operator==(const Offset& other) const {
  if (order != other.order) return false;
  for (int r = 0; r < order; ++r)
    if (v[r] != other.v[r]) return false;
  return true;
}

std::int64_t PointSet::size() const {
  std::int64_t size = 0;
  for (const Box& box : boxes_) size += boxSize(box, order_);
  return size;
}

void PointSet::subtract(const PointSet& other) {
  std::vector<Box> next;
  for (const Box& b : other.boxes_) {
    next.clear();
    for (const Box& a : boxes_) splinter(a, b, order_, next);
    boxes_.swap(next);
  }
}

void PointSet::addPoint(const std::int64_t* point) {
  for (const Box& box : boxes_) {
    bool inside = true;
    for (int r = 0; r < order_ && inside; ++r) inside = point[r] >= box.lo[r] && point[r] < box.hi[r];
    if (inside) return;
  }
  for (Box& box : boxes_)
    if (mergeIfAdjacent(box, point, order_)) return;
  Box unit;
  for (int r = 0; r < order_; ++r) {
    unit.lo[r] = point[r];
    unit.hi[r] = point[r] + 1;
  }
  boxes_.push_back(unit);
}

void PointSet::translate(const Offset& offset) {
  for (Box& box : boxes_)
    for (int r = 0; r < order_; ++r) {
      box.lo[r] += offset.v[r];
      box.hi[r] += offset.v[r];
    }
}

Offset PointSet::translationTo(const PointSet& to) const {
  auto centroid = [this](const PointSet& set, std::array<double, kMaxDataSpaceAxes>& c) {
    c.fill(0.0);
    std::int64_t total = 0;
    for (const Box& box : set.boxes_) {
      const std::int64_t size = boxSize(box, order_);
      for (int r = 0; r < order_; ++r)
        c[r] += (static_cast<double>(box.lo[r]) + static_cast<double>(box.hi[r] - 1 - box.lo[r]) / 2) *
                static_cast<double>(size);
      total += size;
    }
    if (total != 0)
      for (int r = 0; r < order_; ++r) c[r] /= static_cast<double>(total);
    return total;
  };
  std::array<double, kMaxDataSpaceAxes> a{}, b{};
  const std::int64_t size_a = centroid(*this, a);
  const std::int64_t size_b = centroid(to, b);
  Offset out;
  out.order = order_;
  if (size_a > 0 && size_b > 0)
    for (int r = 0; r < order_; ++r) out.v[r] = static_cast<std::int64_t>(std::round(b[r] - a[r]));
  return out;
}

bool PointSet::operator==(const PointSet& other) const {
  if (boxes_.size() != other.boxes_.size()) return false;
  for (const Box& a : boxes_) {
    bool found = false;
    for (const Box& b : other.boxes_)
      if (sameBox(a, b, order_)) {
        found = true;
        break;
      }
    if (!found) return false;
  }
  return true;
}

std::vector<std::int64_t> PointSet::key() const {
  // The boxes of a set are disjoint (so distinct): equality is equality of the sorted box lists.
  std::vector<std::vector<std::int64_t>> boxes;
  boxes.reserve(boxes_.size());
  for (const Box& box : boxes_) {
    std::vector<std::int64_t>& b = boxes.emplace_back();
    for (int r = 0; r < order_; ++r) {
      b.push_back(box.lo[r]);
      b.push_back(box.hi[r]);
    }
  }
  std::sort(boxes.begin(), boxes.end());
  std::vector<std::int64_t> out{static_cast<std::int64_t>(boxes.size())};
  for (const auto& b : boxes) out.insert(out.end(), b.begin(), b.end());
  return out;
}

}  // namespace cosa
