#include "io/timeloop/loop_nest.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "io/timeloop/mapping_yaml.hpp"
#include "test_support.hpp"

namespace cosa {
namespace {

TEST(LoopNest, MatchesTimeloopMapTxtOnEveryValidReferenceCase) {
  int compared = 0;
  for (const std::string& dir : test::referenceCases()) {
    if (!test::isValidCase(dir)) continue;
    SCOPED_TRACE(dir);
    const Workload workload = test::referenceWorkload(dir);
    const Architecture arch = test::referenceArch(dir);
    const Mapping mapping = loadMapping(dir + "/map.yaml", arch, workload);
    EXPECT_EQ(formatLoopNest(mapping, arch, workload), test::readText(dir + "/timeloop-model.map.txt"));
    ++compared;
  }
  EXPECT_EQ(compared, 40);
}

TEST(LoopNest, SpatialYLoopsAndTrivialLevels) {
  const Architecture arch = test::simbaArch();
  test::CnnBounds b;
  b.P = 4;
  b.C = 2;
  b.K = 2;
  const Workload workload = test::cnnLayer(b);
  Mapping m = trivialMapping(arch.numLevels(), workload.numDims(), workload.numDataSpaces());
  // GlobalBuffer fans out P2 (X) and K2 (Y) with split 1; DRAM loops over C then P.
  m.levels[4].spatial = {1, 1, 2, 1, 1, 2, 1};
  m.levels[4].spatial_order = {2, 5, 0, 1, 3, 4, 6};
  m.levels[4].spatial_split = 1;
  m.levels[5].temporal = {1, 1, 2, 1, 2, 1, 1};
  m.levels[5].temporal_order = {2, 4, 0, 1, 3, 5, 6};  // P innermost, C outside it
  for (int l = 0; l < 5; ++l) m.levels[l].keep = {l % 2 == 0, true, false};
  const std::string expected =
      "\n"
      "DRAM [ Weights:4 (4) Inputs:8 (8) Outputs:8 (8) ] \n"
      "-------------------------------------------------\n"
      "| for C in [0:2)\n"
      "|   for P in [0:2)\n"
      "\n"
      "GlobalBuffer [ Weights:2 (2) Inputs:2 (2) ] \n"
      "-------------------------------------------\n"
      "|     for N in [0:1)\n"
      "|       for K in [0:2) (Spatial-Y)\n"
      "|         for P in [0:2) (Spatial-X)\n"
      "\n"
      "InputBuffer [ Inputs:1 (1) ] \n"
      "----------------------------\n"
      "|           for N in [0:1)\n"
      "\n"
      "WeightBuffer [ Weights:1 (1) Inputs:1 (1) ] \n"
      "-------------------------------------------\n"
      "|             for N in [0:1)\n"
      "\n"
      "AccumulationBuffer [ Inputs:1 (1) ] \n"
      "-----------------------------------\n"
      "|               for N in [0:1)\n"
      "\n"
      "Registers [ Weights:1 (1) Inputs:1 (1) ] \n"
      "----------------------------------------\n"
      "|                 for N in [0:1)\n"
      "\n";
  EXPECT_EQ(formatLoopNest(m, arch, workload), expected);
}

TEST(LoopNest, RejectsMismatchedMapping) {
  const Architecture arch = test::simbaArch();
  const Workload workload = test::cnnLayer({});
  EXPECT_THROW(formatLoopNest(trivialMapping(5, 7, 3), arch, workload), std::invalid_argument);
  EXPECT_THROW(formatLoopNest(trivialMapping(6, 7, 2), arch, workload), std::invalid_argument);
}

}  // namespace
}  // namespace cosa
