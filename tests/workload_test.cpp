#include "workload/workload.hpp"

#include <gtest/gtest.h>

namespace cosa {
namespace {

Workload conv1d() {
  Workload w;
  w.dimensions = {"R", "P"};
  w.bounds = {3, 8};
  w.coefficients = {{"stride", 2}};
  w.data_spaces = {{"Weights", {{{0, 1, ""}}}, false},
                   {"Inputs", {{{1, 2, "stride"}, {0, 1, ""}}}, false},
                   {"Outputs", {{{1, 1, ""}}}, true}};
  return w;
}

TEST(Workload, TileSizeIncludesSlidingWindowGaps) {
  const Workload w = conv1d();
  const std::int64_t extents[] = {3, 8};
  EXPECT_EQ(w.tileSize(0, extents), 3);
  EXPECT_EQ(w.tileSize(1, extents), 2 * 7 + 2 + 1);
  EXPECT_EQ(w.tileSize(2, extents), 8);
  const std::int64_t one_by_four[] = {1, 4};
  EXPECT_EQ(w.tileSize(1, one_by_four), 7);  // stride 2 leaves gaps inside the window
  EXPECT_EQ(w.macs(), 24);
  EXPECT_TRUE(w.isRelevant(1, 0));
  EXPECT_FALSE(w.isRelevant(0, 1));
}

}  // namespace
}  // namespace cosa
