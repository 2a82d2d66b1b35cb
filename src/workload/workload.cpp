#include "workload/workload.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace cosa {

bool operator==(const ProjectionTerm& a, const ProjectionTerm& b) {
  return a.dim == b.dim && a.coefficient == b.coefficient && a.coefficient_name == b.coefficient_name;
}
bool operator==(const DataSpace& a, const DataSpace& b) {
  return a.name == b.name && a.axes == b.axes && a.read_write == b.read_write;
}
bool operator==(const Coefficient& a, const Coefficient& b) { return a.name == b.name && a.value == b.value; }

int Workload::dimIndex(std::string_view dim) const {
  for (int i = 0; i < numDims(); ++i)
    if (dimensions[i] == dim) return i;
  return -1;
}

int Workload::dataSpaceIndex(std::string_view ds) const {
  for (int i = 0; i < numDataSpaces(); ++i)
    if (data_spaces[i].name == ds) return i;
  return -1;
}

std::int64_t Workload::coefficient(std::string_view coef) const {
  for (const auto& c : coefficients)
    if (c.name == coef) return c.value;
  throw std::out_of_range("no coefficient " + std::string(coef));
}

std::int64_t Workload::macs() const {
  std::int64_t total = 1;
  for (auto b : bounds) total *= b;
  return total;
}

bool Workload::isRelevant(int data_space, int dim) const {
  for (const auto& axis : data_spaces[data_space].axes)
    for (const auto& term : axis)
      if (term.dim == dim && term.coefficient != 0) return true;
  return false;
}

double Workload::countBound() const {
  // A tile's extent on an axis, 1 + sum(c_i * (e_i - 1)), is at most (1 + sum |c_i|) times the
  // product of the e_i; times the iterations left above the tile, product(bound_d / e_d), every
  // e_d cancels against a bound. The MACs are the product of the bounds, covered by any data space.
  double bound = 1;
  for (const std::int64_t b : bounds) bound *= static_cast<double>(b);
  for (const auto& space : data_spaces) {
    std::vector<int> terms(bounds.size(), 0);
    double product = 1;
    for (const auto& axis : space.axes) {
      double coefficients = 1;
      for (const auto& term : axis) {
        if (term.coefficient == 0) continue;
        coefficients += std::fabs(static_cast<double>(term.coefficient));
        ++terms[static_cast<std::size_t>(term.dim)];
      }
      product *= coefficients;
    }
    for (std::size_t d = 0; d < bounds.size(); ++d)
      product *= std::pow(static_cast<double>(bounds[d]), std::max(1, terms[d]));
    bound = std::max(bound, product);
  }
  return bound;
}

std::int64_t Workload::tileSize(int data_space, const std::int64_t* extents) const {
  std::int64_t size = 1;
  for (const auto& axis : data_spaces[data_space].axes) {
    std::int64_t extent = 1;
    for (const auto& term : axis) extent += term.coefficient * (extents[term.dim] - 1);
    size *= extent;
  }
  return size;
}

}  // namespace cosa
