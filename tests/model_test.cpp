// Unit tests of the cost model on tiny architectures and layers, with every expected value worked
// out by hand from Timeloop 019f107's semantics (see src/model/tile_analysis.hpp and the reference
// README's "Relations that hold"). Dimensions are cnn-layer's R S P Q C K N; data spaces are
// Weights[C,K,R,S], Inputs[N,C,W=R+P,H=S+Q] and Outputs[N,K,Q,P] (read-write).
//
// Conventions used in the comments:
//  - "Lx" is storage level x, innermost first; extents at a level are the products of all factors
//    (temporal and spatial) at and below it.
//  - A level's spatial factors are the fan-out from that level to its children.
//  - Counts are per instance, as Timeloop reports them.

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "arch/architecture.hpp"
#include "io/timeloop/shapes.hpp"
#include "mapping/mapping.hpp"
#include "model/energy.hpp"
#include "model/evaluation.hpp"
#include "model/evaluator.hpp"
#include "model/tile_analysis.hpp"
#include "workload/workload.hpp"

namespace cosa {
namespace {

enum Dim { R, S, P, Q, C, K, N };
enum DataSpaceIndex { kWeights, kInputs, kOutputs };

// A cnn-layer with every bound 1 except the ones given.
Workload layer(std::initializer_list<std::pair<Dim, std::int64_t>> bounds) {
  std::vector<std::int64_t> b(7, 1);
  for (const auto& [dim, bound] : bounds) b[dim] = bound;
  return instantiate(builtinShape("cnn-layer"), b);
}

StorageLevel sram(std::string name, std::int64_t entries, std::int64_t instances) {
  StorageLevel level;
  level.name = std::move(name);
  level.entries = entries;
  level.instances = instances;
  return level;
}

StorageLevel dram() {
  StorageLevel level;
  level.name = "DRAM";
  level.technology = "DRAM";
  return level;
}

Architecture architecture(std::int64_t macs, std::vector<StorageLevel> levels) {
  Architecture arch;
  arch.name = "tiny";
  arch.arithmetic.name = "MACs";
  arch.arithmetic.instances = macs;
  arch.levels = std::move(levels);
  return arch;
}

// A flat energy table: every access costs 1 pJ, a MAC 1 pJ (the count tests do not look at it).
EnergyTable flatEnergy(const Architecture& arch) {
  EnergyTable table;
  table.levels.assign(arch.levels.size(), LevelEnergy{1, 1, 1});
  table.mac_pJ = 1;
  return table;
}

Mapping emptyMapping(int levels) { return trivialMapping(levels, 7, 3); }

// Temporal order, innermost first: the given dimensions, then the rest in natural order.
std::vector<int> order(std::initializer_list<Dim> first) {
  std::vector<int> out(first.begin(), first.end());
  for (int d = 0; d < 7; ++d) {
    bool listed = false;
    for (Dim f : first) listed = listed || f == d;
    if (!listed) out.push_back(d);
  }
  return out;
}

Evaluation evaluate(const Architecture& arch, const Workload& workload, const Mapping& mapping) {
  Evaluator evaluator(arch, workload, flatEnergy(arch));
  Evaluation result = evaluator.evaluate(mapping);
  EXPECT_TRUE(result.valid) << result.error;
  return result;
}

const DataSpaceStats& stats(const Evaluation& e, int level, int ds) {
  return e.levels.at(static_cast<std::size_t>(level)).data_spaces.at(static_cast<std::size_t>(ds));
}

// ---------------------------------------------------------------------------------------------
// 1. Multicast
// ---------------------------------------------------------------------------------------------

// L0 Buffer x4 -> 4 MACs, L1 DRAM (fan-out 4). Layer C=2 K=4 (8 MACs).
// Mapping: Buffer temporal C=2; DRAM spatial K=4. Everything kept everywhere.
TEST(ModelMulticast, IrrelevantSpatialFactorReadsParentOncePerDistinctTile) {
  const Architecture arch = architecture(4, {sram("Buffer", 64, 4), dram()});
  const Workload workload = layer({{C, 2}, {K, 4}});
  Mapping m = emptyMapping(2);
  m.levels[0].temporal[C] = 2;
  m.levels[1].spatial[K] = 4;
  const Evaluation e = evaluate(arch, workload, m);

  // compute cycles = temporal product = 2; 4 MACs in use.
  EXPECT_EQ(e.compute_cycles, 2);
  EXPECT_EQ(e.utilized_mac_instances, 4);

  // Inputs: Buffer tile = C 2 = 2 words, nothing temporal above -> fills 2 per instance, in all
  // 4 Buffers (one per K).
  EXPECT_EQ(stats(e, 0, kInputs).utilized_capacity, 2);
  EXPECT_EQ(stats(e, 0, kInputs).utilized_instances, 4);
  EXPECT_EQ(stats(e, 0, kInputs).fills, 2);
  // Buffer reads: one per MAC = 2 temporal iterations x 1 distinct child.
  EXPECT_EQ(stats(e, 0, kInputs).reads, 2);
  // DRAM: the 4 children differ only in K, irrelevant to Inputs -> 1 distinct tile, multicast:
  // reads = fills(2) x distinct(1) = 2, not 2 x 4 = 8.
  EXPECT_EQ(stats(e, 1, kInputs).reads, 2);
  EXPECT_EQ(stats(e, 1, kInputs).fills, 0);

  // Weights (relevant to K): 4 distinct tiles of 2 words -> DRAM reads = 2 x 4 = 8.
  EXPECT_EQ(stats(e, 0, kWeights).fills, 2);
  EXPECT_EQ(stats(e, 1, kWeights).reads, 8);

  // Outputs: Buffer tile = K 1 = 1 word; updates = 2 iterations; partition = DRAM's 4 outputs
  // x 1 / (tile over the 4 siblings = 4) = 1; reads = 2 - 1 = 1; fills = the one tile = 1.
  EXPECT_EQ(stats(e, 0, kOutputs).partition_size, 1);
  EXPECT_EQ(stats(e, 0, kOutputs).updates, 2);
  EXPECT_EQ(stats(e, 0, kOutputs).reads, 1);
  EXPECT_EQ(stats(e, 0, kOutputs).fills, 1);
  // DRAM: 4 distinct children x 1 word = 4 updates; partition 4 -> reads 4 - 4 = 0.
  EXPECT_EQ(stats(e, 1, kOutputs).updates, 4);
  EXPECT_EQ(stats(e, 1, kOutputs).reads, 0);
}

// ---------------------------------------------------------------------------------------------
// 2. Spatial reduction
// ---------------------------------------------------------------------------------------------

// Same architecture. Layer C=4 K=2 (8 MACs). Buffer temporal K=2; DRAM spatial C=4.
TEST(ModelSpatialReduction, SpatialCUpdatesParentOncePerDistinctOutput) {
  const Architecture arch = architecture(4, {sram("Buffer", 64, 4), dram()});
  const Workload workload = layer({{C, 4}, {K, 2}});
  Mapping m = emptyMapping(2);
  m.levels[0].temporal[K] = 2;
  m.levels[1].spatial[C] = 4;
  const Evaluation e = evaluate(arch, workload, m);

  // Buffer Outputs tile = K 2 = 2 words in each of the 4 Buffers; updates = 2 iterations x 1.
  // partition = DRAM's 2 outputs x 2 / (tile over the 4 C-siblings = 2) = 2 -> reads = 2 - 2 = 0.
  EXPECT_EQ(stats(e, 0, kOutputs).utilized_capacity, 2);
  EXPECT_EQ(stats(e, 0, kOutputs).utilized_instances, 4);
  EXPECT_EQ(stats(e, 0, kOutputs).partition_size, 2);
  EXPECT_EQ(stats(e, 0, kOutputs).updates, 2);
  EXPECT_EQ(stats(e, 0, kOutputs).reads, 0);
  EXPECT_EQ(stats(e, 0, kOutputs).fills, 2);
  // DRAM: the 4 children hold the same 2 outputs (C irrelevant) and are reduced spatially:
  // updates = Buffer fills(2) x distinct(1) = 2 (not 2 x 4 = 8), reads = 2 - partition 2 = 0.
  EXPECT_EQ(stats(e, 1, kOutputs).updates, 2);
  EXPECT_EQ(stats(e, 1, kOutputs).reads, 0);
  EXPECT_EQ(stats(e, 1, kOutputs).partition_size, 2);

  // Inputs, relevant to C: each Buffer gets 1 word; DRAM reads = 1 x 4 distinct = 4.
  EXPECT_EQ(stats(e, 0, kInputs).fills, 1);
  EXPECT_EQ(stats(e, 0, kInputs).reads, 2);  // reused across K: 2 iterations
  EXPECT_EQ(stats(e, 1, kInputs).reads, 4);
  // Weights: Buffer tile C1 x K2 = 2, DRAM reads = 2 x 4 = 8.
  EXPECT_EQ(stats(e, 1, kWeights).reads, 8);
}

// ---------------------------------------------------------------------------------------------
// 3. Partial sums above the accumulator
// ---------------------------------------------------------------------------------------------

// L0 Buffer x1 -> 1 MAC, L1 DRAM. Layer P=2 C=3 K=2 (12 MACs).
// Buffer temporal P=2; DRAM temporal K=2 (inner), C=3 (outer).
TEST(ModelPartialSums, OuterTemporalCReloadsPartialSums) {
  const Architecture arch = architecture(1, {sram("Buffer", 64, 1), dram()});
  const Workload workload = layer({{P, 2}, {C, 3}, {K, 2}});
  Mapping m = emptyMapping(2);
  m.levels[0].temporal[P] = 2;
  m.levels[1].temporal[K] = 2;
  m.levels[1].temporal[C] = 3;
  m.levels[1].temporal_order = order({K, C});
  const Evaluation e = evaluate(arch, workload, m);

  // Outputs tile at the Buffer = P 2 = 2 words. Steps above, innermost first:
  //   K (2 trips): Outputs move 1 along K, extent 1 -> disjoint, delta = 2 (id 0)
  //   C (3 trips): translation = 0 (C irrelevant) + undoing K (-1 along K) -> disjoint, delta 2 (id 1)
  // Walk: 2 (first) + K step 2; then each of the 2 later C iterations: direction change -> whole
  // tile 2, then the K step 2 again: 2 + 2 + 2 x (2 + 2) = 12 = 6 tile loads x 2 words, including
  // the first (zero) load of each output tile (2 tiles x 2 words = 4 words).
  EXPECT_EQ(stats(e, 0, kOutputs).utilized_capacity, 2);
  EXPECT_EQ(stats(e, 0, kOutputs).fills, 12);
  // updates = all 2 x 2 x 3 = 12 temporal iterations; partition = the 4 outputs (no fan-out);
  // reads = updates - partition = 12 - 4 = 8; temporal reductions = reads.
  EXPECT_EQ(stats(e, 0, kOutputs).updates, 12);
  EXPECT_EQ(stats(e, 0, kOutputs).partition_size, 4);
  EXPECT_EQ(stats(e, 0, kOutputs).reads, 8);
  EXPECT_EQ(stats(e, 0, kOutputs).temporal_reductions, 8);
  EXPECT_EQ(stats(e, 0, kOutputs).address_generations, 12 + 12);
  // DRAM: every tile leaving the Buffer is written back: updates = Buffer fills 12 x 1 child = 12;
  // reads = 12 - partition 4 = 8 (README: fills x instances / CRS spatial - NKPQ = 12 - 4); the
  // first load of each word is never read. DRAM has no fills.
  EXPECT_EQ(stats(e, 1, kOutputs).updates, 12);
  EXPECT_EQ(stats(e, 1, kOutputs).reads, 8);
  EXPECT_EQ(stats(e, 1, kOutputs).fills, 0);
  EXPECT_EQ(stats(e, 1, kOutputs).partition_size, 4);
}

// The same layer with the C loop inside K at DRAM: each output tile now stays in the Buffer for
// all of C, so nothing is reloaded.
TEST(ModelPartialSums, InnerTemporalCKeepsPartialSumsResident) {
  const Architecture arch = architecture(1, {sram("Buffer", 64, 1), dram()});
  const Workload workload = layer({{P, 2}, {C, 3}, {K, 2}});
  Mapping m = emptyMapping(2);
  m.levels[0].temporal[P] = 2;
  m.levels[1].temporal[K] = 2;
  m.levels[1].temporal[C] = 3;
  m.levels[1].temporal_order = order({C, K});
  const Evaluation e = evaluate(arch, workload, m);

  // Steps: C (3 trips): translation 0 -> delta 0 (id 0); K (2 trips): +1 along K (C undoes
  // nothing) -> disjoint, delta 2 (id 1).
  // Walk: 2 + [C: 2 x 0] + K step: direction change (last was "0") -> whole tile 2, then C 2 x 0
  // -> 2 + 2 = 4 = the 4 outputs loaded once.
  EXPECT_EQ(stats(e, 0, kOutputs).fills, 4);
  EXPECT_EQ(stats(e, 0, kOutputs).updates, 12);
  EXPECT_EQ(stats(e, 0, kOutputs).reads, 12 - 4);
  // DRAM: updates 4, reads 4 - 4 = 0.
  EXPECT_EQ(stats(e, 1, kOutputs).updates, 4);
  EXPECT_EQ(stats(e, 1, kOutputs).reads, 0);
}

// ---------------------------------------------------------------------------------------------
// 4. Bypass
// ---------------------------------------------------------------------------------------------

// L0 Reg x4 -> 4 MACs; L1 Mid x2 (fan-out 2); L2 DRAM (fan-out 2). Layer P=3 C=2 K=4 (24 MACs).
// Reg temporal P=3; Mid spatial C=2, temporal K=2; DRAM spatial K=2. Mid bypasses Inputs.
TEST(ModelBypass, InnerLevelFillsComeFromOuterLevelThroughBypassedFanout) {
  const Architecture arch = architecture(4, {sram("Reg", 16, 4), sram("Mid", 64, 2), dram()});
  const Workload workload = layer({{P, 3}, {C, 2}, {K, 4}});
  Mapping m = emptyMapping(3);
  m.levels[0].temporal[P] = 3;
  m.levels[1].spatial[C] = 2;
  m.levels[1].temporal[K] = 2;
  m.levels[1].keep[kInputs] = false;
  m.levels[2].spatial[K] = 2;
  const Evaluation e = evaluate(arch, workload, m);

  // compute cycles = 3 x 2 = 6; Reg instances = 2 (Mid spatial) x 2 (DRAM spatial) = 4.
  EXPECT_EQ(e.compute_cycles, 6);
  // Mid holds no Inputs at all.
  EXPECT_FALSE(stats(e, 1, kInputs).kept);
  EXPECT_EQ(stats(e, 1, kInputs).reads, 0);
  EXPECT_EQ(stats(e, 1, kInputs).fills, 0);
  // Reg Inputs tile: C1, W = P 3 -> 3 words. Above it: Mid's K loop (irrelevant -> delta 0), so
  // fills = 3 (from DRAM, through Mid). Reads = 6 iterations.
  EXPECT_EQ(stats(e, 0, kInputs).utilized_capacity, 3);
  EXPECT_EQ(stats(e, 0, kInputs).utilized_instances, 4);
  EXPECT_EQ(stats(e, 0, kInputs).fills, 3);
  EXPECT_EQ(stats(e, 0, kInputs).reads, 6);
  // DRAM Inputs reads = Reg fills 3 x distinct children of Mid (spatial C=2, relevant: 2)
  //                     x distinct children of DRAM (spatial K=2, irrelevant: 1) = 6
  // = every input word (C2 x W3) exactly once.
  EXPECT_EQ(stats(e, 2, kInputs).reads, 6);

  // Weights, kept at Mid: Reg tile 1 word; Mid's K step (stride 1) moves it off -> fills 1 + 1 = 2.
  EXPECT_EQ(stats(e, 0, kWeights).fills, 2);
  // Mid reads = Reg fills 2 x 2 distinct (C relevant) = 4; Mid tile C2 x K2 = 4 = its fills.
  EXPECT_EQ(stats(e, 1, kWeights).reads, 4);
  EXPECT_EQ(stats(e, 1, kWeights).fills, 4);
  // DRAM reads = 4 x 2 distinct (K relevant) = 8 = all weights.
  EXPECT_EQ(stats(e, 2, kWeights).reads, 8);
}

// The same, but Mid keeps Inputs: the DRAM count is unchanged and Mid now reads what Reg fills.
TEST(ModelBypass, KeepingTheMiddleLevelGivesTheSameDramReads) {
  const Architecture arch = architecture(4, {sram("Reg", 16, 4), sram("Mid", 64, 2), dram()});
  const Workload workload = layer({{P, 3}, {C, 2}, {K, 4}});
  Mapping m = emptyMapping(3);
  m.levels[0].temporal[P] = 3;
  m.levels[1].spatial[C] = 2;
  m.levels[1].temporal[K] = 2;
  m.levels[2].spatial[K] = 2;
  const Evaluation e = evaluate(arch, workload, m);

  // Mid reads = Reg fills 3 x 2 distinct = 6; Mid tile C2 x W3 = 6 = fills; DRAM reads 6 x 1 = 6.
  EXPECT_EQ(stats(e, 1, kInputs).reads, 6);
  EXPECT_EQ(stats(e, 1, kInputs).fills, 6);
  EXPECT_EQ(stats(e, 2, kInputs).reads, 6);
}

// A bypassed level with a temporal loop that moves the inner tile: the inner level's fills
// follow the walk over the bypassed level's loops, and the outer level reads all of them.
// L0 Reg x1; L1 Mid x1 (bypasses Inputs); L2 DRAM. Layer C=3 K=2. Reg temporal K=2;
// Mid temporal C=3; Mid keeps Weights and Outputs.
TEST(ModelBypass, BypassedLevelsLoopsRefillTheInnerLevel) {
  const Architecture arch = architecture(1, {sram("Reg", 16, 1), sram("Mid", 64, 1), dram()});
  const Workload workload = layer({{C, 3}, {K, 2}});
  Mapping m = emptyMapping(3);
  m.levels[0].temporal[K] = 2;
  m.levels[1].temporal[C] = 3;
  m.levels[1].keep[kInputs] = false;
  const Evaluation e = evaluate(arch, workload, m);

  // Reg Inputs tile = 1 word; Mid's C loop (3 trips) moves it by 1 along C (disjoint) -> fills
  // 1 + 2 x 1 = 3. Reg reads = 6 iterations.
  EXPECT_EQ(stats(e, 0, kInputs).fills, 3);
  EXPECT_EQ(stats(e, 0, kInputs).reads, 6);
  // DRAM reads = 3 x 1 x 1 = 3.
  EXPECT_EQ(stats(e, 2, kInputs).reads, 3);
  EXPECT_EQ(stats(e, 1, kInputs).reads, 0);
}

// ---------------------------------------------------------------------------------------------
// 5. Input halo
// ---------------------------------------------------------------------------------------------

// L0 Buffer x1 -> 1 MAC; L1 DRAM. 1-D convolution R=3 P=4 (12 MACs).
// Buffer temporal R=3 P=2; DRAM temporal P=2.
TEST(ModelHalo, SlidingWindowFillsOnlyTheNewColumns) {
  const Architecture arch = architecture(1, {sram("Buffer", 64, 1), dram()});
  const Workload workload = layer({{R, 3}, {P, 4}});
  Mapping m = emptyMapping(2);
  m.levels[0].temporal[R] = 3;
  m.levels[0].temporal[P] = 2;
  m.levels[1].temporal[P] = 2;
  const Evaluation e = evaluate(arch, workload, m);

  // Inputs tile width = (R-1) + (P-1) + 1 = 2 + 1 + 1 = 4 words. The DRAM P step moves it by
  // 2 along W: new words = 4 / 4 x 2 = 2. Fills = 4 + 2 = 6 = the whole input (3 + 4 - 1), i.e.
  // tile x iterations (8) minus the overlap (2).
  EXPECT_EQ(stats(e, 0, kInputs).utilized_capacity, 4);
  EXPECT_EQ(stats(e, 0, kInputs).fills, 6);
  EXPECT_EQ(stats(e, 1, kInputs).reads, 6);
  // Buffer reads = 12 MACs.
  EXPECT_EQ(stats(e, 0, kInputs).reads, 12);
}

// Same, with an irrelevant K=2 loop outside P at DRAM: when P wraps, the tile steps back by 2.
TEST(ModelHalo, BackwardStepAfterWrapReloadsWholeTile) {
  const Architecture arch = architecture(1, {sram("Buffer", 64, 1), dram()});
  const Workload workload = layer({{R, 3}, {P, 4}, {K, 2}});
  Mapping m = emptyMapping(2);
  m.levels[0].temporal[R] = 3;
  m.levels[0].temporal[P] = 2;
  m.levels[1].temporal[P] = 2;
  m.levels[1].temporal[K] = 2;
  m.levels[1].temporal_order = order({P, K});
  const Evaluation e = evaluate(arch, workload, m);

  // Steps: P (2 trips): +2 along W, delta 2 (id 0); K (2 trips): 0 + undoing P = -2 along W
  // (id 1). Plain subtraction would give 2 new words, but the direction changed (+2 -> -2), so
  // Timeloop counts the whole tile 4 and forgets the direction; the next P step then subtracts
  // again (2).
  // Fills = 4 (first) + 2 (P) + 4 (K, backward) + 2 (P) = 12, versus 10 with exact subtraction.
  EXPECT_EQ(stats(e, 0, kInputs).fills, 12);
  EXPECT_EQ(stats(e, 1, kInputs).reads, 12);
}

// Same layer with the irrelevant K loop *inside* P at DRAM. K does not move the tile, but Timeloop
// (019f107, SaveAndSubtractIfSameStride) remembers the raw translation vector, zero included: the
// following P step (+2) differs from it, so the whole tile is counted again.
TEST(ModelHalo, ZeroTranslationIsARememberedDirection) {
  const Architecture arch = architecture(1, {sram("Buffer", 64, 1), dram()});
  const Workload workload = layer({{R, 3}, {P, 4}, {K, 2}});
  Mapping m = emptyMapping(2);
  m.levels[0].temporal[R] = 3;
  m.levels[0].temporal[P] = 2;
  m.levels[1].temporal[P] = 2;
  m.levels[1].temporal[K] = 2;
  m.levels[1].temporal_order = order({K, P});
  const Evaluation e = evaluate(arch, workload, m);

  // Steps: K (2 trips): translation 0 -> delta 0 (id 0); P (2 trips): +2 along W (id 1).
  // Fills = 4 (first) + 0 (K, direction "0" remembered) + 4 (P: +2 != 0, whole tile, forget)
  //       + 0 (K: no direction remembered, subtract: same tile) = 8, not 6.
  EXPECT_EQ(stats(e, 0, kInputs).fills, 8);
  EXPECT_EQ(stats(e, 1, kInputs).reads, 8);
}

// 2-D: R=3 S=3 P=4 Q=4 (144 MACs). Buffer R3 S3 P2 Q2; DRAM P=2 (inner), Q=2 (outer).
TEST(ModelHalo, StepAlongTwoAxesReloadsWholeTile) {
  const Architecture arch = architecture(1, {sram("Buffer", 64, 1), dram()});
  const Workload workload = layer({{R, 3}, {S, 3}, {P, 4}, {Q, 4}});
  Mapping m = emptyMapping(2);
  m.levels[0].temporal[R] = 3;
  m.levels[0].temporal[S] = 3;
  m.levels[0].temporal[P] = 2;
  m.levels[0].temporal[Q] = 2;
  m.levels[1].temporal[P] = 2;
  m.levels[1].temporal[Q] = 2;
  m.levels[1].temporal_order = order({P, Q});
  const Evaluation e = evaluate(arch, workload, m);

  // Tile: W = 2 + 1 + 1 = 4, H = 4 -> 16 words.
  // Steps: P: +2 along W -> 16 / 4 x 2 = 8 new words (id 0).
  //        Q: +2 along H and -2 along W (P wraps): two axes move -> not a hyper-rectangle
  //           difference, whole tile 16 (id 1; it is also a direction change).
  // Fills = 16 + 8 + 16 + 8 = 48 (the input has 6 x 6 = 36 words; tile x iterations = 64).
  EXPECT_EQ(stats(e, 0, kInputs).utilized_capacity, 16);
  EXPECT_EQ(stats(e, 0, kInputs).fills, 48);
  EXPECT_EQ(stats(e, 1, kInputs).reads, 48);
}

// The two-axis rule on its own, with a custom workload where one dimension moves two axes:
// dims X R S (2 each); W[R,S], In[X+R, X+S], Out[X] (read-write). Buffer temporal R=2 S=2; DRAM
// temporal X=2 (the only loop above the Buffer, so no direction is remembered yet).
TEST(ModelHalo, DiagonalStepReloadsWholeTileEvenWithoutDirectionChange) {
  Workload w;
  w.name = "diagonal";
  w.dimensions = {"X", "R", "S"};
  w.bounds = {2, 2, 2};
  auto t = [](int dim) { return ProjectionTerm{dim, 1, ""}; };
  w.data_spaces.push_back({"W", {{t(1)}, {t(2)}}, false});
  w.data_spaces.push_back({"In", {{t(0), t(1)}, {t(0), t(2)}}, false});
  w.data_spaces.push_back({"Out", {{t(0)}}, true});
  const Architecture arch = architecture(1, {sram("Buffer", 64, 1), dram()});
  Mapping m = trivialMapping(2, 3, 3);
  m.levels[0].temporal = {1, 2, 2};
  m.levels[1].temporal = {2, 1, 1};
  Evaluator evaluator(arch, w, flatEnergy(arch));
  const Evaluation e = evaluator.evaluate(m);
  ASSERT_TRUE(e.valid) << e.error;

  // In tile: axis 0 = 1 + (R-1) = 2, axis 1 = 1 + (S-1) = 2 -> 4 words. The X step moves it by
  // (+1, +1): both shifts < 2, two axes -> whole tile 4 (exactly, only 3 words are new).
  // Fills = 4 + 4 = 8; DRAM reads 8.
  EXPECT_EQ(stats(e, 0, 1).utilized_capacity, 4);
  EXPECT_EQ(stats(e, 0, 1).fills, 8);
  EXPECT_EQ(stats(e, 1, 1).reads, 8);
  // W (irrelevant to X) stays: fills = 4. Out: tile 1, X step disjoint -> fills 1 + 1 = 2;
  // updates = 8 MACs; partition 2 -> reads 6.
  EXPECT_EQ(stats(e, 0, 0).fills, 4);
  EXPECT_EQ(stats(e, 0, 2).fills, 2);
  EXPECT_EQ(stats(e, 0, 2).updates, 8);
  EXPECT_EQ(stats(e, 0, 2).reads, 6);
}

// Stride 2 and a window narrower than the step: tiles of consecutive P steps are disjoint.
// R=1 P=4, Wstride=2 (4 MACs). Buffer P=2; DRAM P=2.
TEST(ModelHalo, StridedWindowIncludesGapsAndDoesNotOverlap) {
  const Architecture arch = architecture(1, {sram("Buffer", 64, 1), dram()});
  std::vector<std::int64_t> bounds = {1, 1, 4, 1, 1, 1, 1};
  const Workload workload = instantiate(builtinShape("cnn-layer"), bounds, {2, 1, 1, 1});
  Mapping m = emptyMapping(2);
  m.levels[0].temporal[P] = 2;
  m.levels[1].temporal[P] = 2;
  const Evaluation e = evaluate(arch, workload, m);

  // Tile width = Wstride x (2 - 1) + 1 = 3 (the gap word included). The DRAM P step moves it by
  // Wstride x 2 = 4 >= 3 -> disjoint, whole tile: fills = 3 + 3 = 6.
  EXPECT_EQ(stats(e, 0, kInputs).utilized_capacity, 3);
  EXPECT_EQ(stats(e, 0, kInputs).fills, 6);
}

// ---------------------------------------------------------------------------------------------
// 6. Bandwidth throttling
// ---------------------------------------------------------------------------------------------

// L0 Buffer x1 -> 1 MAC; L1 DRAM. Layer C=2 K=4 (8 MACs), everything at the Buffer:
// Buffer temporal C=2 K=4. Compute cycles = 8.
// DRAM traffic: reads = Weights 8 + Inputs 2 + Outputs 0 (4 updates - partition 4) = 10;
// writes = fills 0 + Outputs updates 4 = 4.
// Read demand = 10 / 8 = 1.25 words/cycle, write demand = 4 / 8 = 0.5 words/cycle.
Mapping throttleMapping() {
  Mapping m = emptyMapping(2);
  m.levels[0].temporal[C] = 2;
  m.levels[0].temporal[K] = 4;
  return m;
}

TEST(ModelBandwidth, ReadBoundDram) {
  StorageLevel d = dram();
  d.read_bandwidth = 0.5;
  const Architecture arch = architecture(1, {sram("Buffer", 64, 1), d});
  const Evaluation e = evaluate(arch, layer({{C, 2}, {K, 4}}), throttleMapping());

  EXPECT_EQ(stats(e, 1, kWeights).reads, 8);
  EXPECT_EQ(stats(e, 1, kInputs).reads, 2);
  EXPECT_EQ(stats(e, 1, kOutputs).reads, 0);
  EXPECT_EQ(stats(e, 1, kOutputs).updates, 4);
  EXPECT_EQ(e.compute_cycles, 8);
  // throttle = 0.5 / 1.25 = 0.4; cycles = ceil(8 / 0.4) = 20.
  EXPECT_DOUBLE_EQ(e.levels[1].bandwidth_throttling, 0.4);
  EXPECT_EQ(e.levels[1].cycles, 20);
  EXPECT_EQ(e.levels[0].cycles, 8);
  EXPECT_DOUBLE_EQ(e.levels[0].bandwidth_throttling, 1.0);
  EXPECT_EQ(e.cycles, 20);
  // utilization = 8 MACs / (1 MAC x 20 cycles) = 0.4.
  EXPECT_DOUBLE_EQ(e.utilization, 0.4);
  // Reported bandwidth after throttling: Weights 8 / 8 x 0.4 = 0.4 words/cycle; Outputs writes
  // 4 / 8 x 0.4 = 0.2.
  EXPECT_DOUBLE_EQ(stats(e, 1, kWeights).read_bandwidth, 0.4);
  EXPECT_DOUBLE_EQ(stats(e, 1, kOutputs).write_bandwidth, 0.2);
}

TEST(ModelBandwidth, WriteBoundDramRoundsCyclesUp) {
  StorageLevel d = dram();
  d.read_bandwidth = 1.0;
  d.write_bandwidth = 0.15;
  const Architecture arch = architecture(1, {sram("Buffer", 64, 1), d});
  const Evaluation e = evaluate(arch, layer({{C, 2}, {K, 4}}), throttleMapping());

  // read: 1.0 / 1.25 = 0.8; write: 0.15 / 0.5 = 0.3; throttle = min = 0.3.
  // cycles = ceil(8 / 0.3) = ceil(26.67) = 27.
  EXPECT_DOUBLE_EQ(e.levels[1].bandwidth_throttling, 0.15 / 0.5);
  EXPECT_EQ(e.levels[1].cycles, 27);
  EXPECT_EQ(e.cycles, 27);
  EXPECT_DOUBLE_EQ(e.utilization, 8.0 / 27.0);
}

TEST(ModelBandwidth, DemandWithinLimitsIsNotThrottled) {
  StorageLevel d = dram();
  d.read_bandwidth = 1.25;  // exactly the demand: not exceeded
  d.write_bandwidth = 0.5;
  const Architecture arch = architecture(1, {sram("Buffer", 64, 1), d});
  const Evaluation e = evaluate(arch, layer({{C, 2}, {K, 4}}), throttleMapping());

  EXPECT_DOUBLE_EQ(e.levels[1].bandwidth_throttling, 1.0);
  EXPECT_EQ(e.cycles, 8);
  EXPECT_DOUBLE_EQ(e.utilization, 1.0);
}

// ---------------------------------------------------------------------------------------------
// 7. Validity
// ---------------------------------------------------------------------------------------------

TEST(ModelValidity, CapacityOverflow) {
  // Buffer of 4 words; layer C=2 K=4 all at the Buffer: Weights 8 + Inputs 2 + Outputs 4 = 14.
  const Architecture arch = architecture(1, {sram("Buffer", 4, 1), dram()});
  Evaluator evaluator(arch, layer({{C, 2}, {K, 4}}), flatEnergy(arch));
  const Evaluation e = evaluator.evaluate(throttleMapping());
  EXPECT_FALSE(e.valid);
  EXPECT_EQ(e.error, "couldn't map level Buffer: mapped tile size 14 exceeds buffer capacity 4");
  EXPECT_TRUE(e.levels.empty());
  EXPECT_EQ(e.cycles, 0);
  EXPECT_EQ(e.energy_pJ, 0.0);

  // Bypassing Weights there leaves 2 + 4 = 6 words: still too many; bypassing Outputs too: 2 fits.
  Mapping m = throttleMapping();
  m.levels[0].keep[kWeights] = false;
  EXPECT_EQ(evaluator.checkValidity(m),
            "couldn't map level Buffer: mapped tile size 6 exceeds buffer capacity 4");
  m.levels[0].keep[kOutputs] = false;
  EXPECT_EQ(evaluator.checkValidity(m), "");
}

TEST(ModelValidity, CapacityCountsMultipleBuffering) {
  // 4 entries x multiple buffering 1.5 = 6 words of capacity: the 6-word Inputs+Outputs tile fits.
  StorageLevel buffer = sram("Buffer", 4, 1);
  buffer.multiple_buffering = 1.5;
  const Architecture arch = architecture(1, {buffer, dram()});
  Evaluator evaluator(arch, layer({{C, 2}, {K, 4}}), flatEnergy(arch));
  Mapping m = throttleMapping();
  m.levels[0].keep[kWeights] = false;
  EXPECT_EQ(evaluator.checkValidity(m), "");
}

TEST(ModelValidity, PerLevelFanout) {
  // Reg x4 -> 4 MACs, Mid x2 (fan-out 2 to Regs), DRAM (fan-out 2 to Mids). Layer K=4.
  const Architecture arch = architecture(4, {sram("Reg", 16, 4), sram("Mid", 64, 2), dram()});
  Evaluator evaluator(arch, layer({{K, 4}}), flatEnergy(arch));

  // Mid spatial K=4 with DRAM unused: 4 Regs in total fit the 4 instances (Timeloop's cumulative
  // check passes), but one Mid reaches only 2 Regs.
  Mapping m = emptyMapping(3);
  m.levels[1].spatial[K] = 4;
  EXPECT_EQ(evaluator.checkValidity(m),
            "couldn't map level Mid: spatial factors use a fan-out of 4, but each instance has 2 children");

  // 2 x 2 is fine.
  m.levels[1].spatial[K] = 2;
  m.levels[2].spatial[K] = 2;
  EXPECT_EQ(evaluator.checkValidity(m), "");

  // Cumulative overflow, Timeloop's wording: with layer K=8, Mid 4 x DRAM 2 = 8 MACs needed,
  // the arithmetic level (checked first) has 4.
  Evaluator bigger(arch, layer({{K, 8}}), flatEnergy(arch));
  Mapping over = emptyMapping(3);
  over.levels[1].spatial[K] = 4;
  over.levels[2].spatial[K] = 2;
  EXPECT_EQ(bigger.checkValidity(over),
            "couldn't map level MACs: mapped max Arithmetic instances 8 exceeds hardware instances 4");

  // DRAM spatial 4 (fan-out 2): Mid instances needed = 4 > 2; the arithmetic level (4 MACs) and
  // Reg (4 instances) are fine, so Timeloop names Mid.
  Evaluator four(arch, layer({{K, 4}}), flatEnergy(arch));
  Mapping wide = emptyMapping(3);
  wide.levels[2].spatial[K] = 4;
  EXPECT_EQ(four.checkValidity(wide),
            "couldn't map level Mid: mapped instances 4 exceeds available hardware instances 2");
}

TEST(ModelValidity, FactorProductMismatch) {
  const Architecture arch = architecture(1, {sram("Buffer", 64, 1), dram()});
  Evaluator evaluator(arch, layer({{K, 4}}), flatEnergy(arch));
  Mapping m = emptyMapping(2);
  m.levels[0].temporal[K] = 2;  // 2 x 1 = 2, bound 4
  EXPECT_EQ(evaluator.checkValidity(m),
            "product of all factors of dimension K is 2, which is not equal to the dimension size of the "
            "workload 4.");
  m.levels[1].temporal[K] = 4;  // 2 x 4 = 8
  EXPECT_EQ(evaluator.checkValidity(m),
            "product of all factors of dimension K is 8, which is not equal to the dimension size of the "
            "workload 4.");
  m.levels[1].temporal[K] = 2;
  EXPECT_EQ(evaluator.checkValidity(m), "");
}

// ---------------------------------------------------------------------------------------------
// 7b. Extreme sizes (found by fuzzing, docs/hardening.md): each used to overflow a 64-bit integer
// or a conversion to one, which is undefined behaviour.
// ---------------------------------------------------------------------------------------------

TEST(ModelLimits, HugeCapacityTimesMultipleBufferingHoldsAnyTile) {
  StorageLevel buffer = sram("Buffer", std::int64_t{1} << 62, 1);
  buffer.multiple_buffering = 4;  // 2^64 words: beyond int64, so unbounded
  const Architecture arch = architecture(1, {buffer, dram()});
  Evaluator evaluator(arch, layer({{C, 2}, {K, 4}}), flatEnergy(arch));
  EXPECT_EQ(evaluator.checkValidity(throttleMapping()), "");
}

TEST(ModelLimits, AlmostNoBandwidthSaturatesCycles) {
  StorageLevel d = dram();
  d.read_bandwidth = 1e-300;
  const Architecture arch = architecture(1, {sram("Buffer", 64, 1), d});
  const Evaluation e = evaluate(arch, layer({{C, 2}, {K, 4}}), throttleMapping());
  EXPECT_EQ(e.levels[1].cycles, std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(e.cycles, std::numeric_limits<std::int64_t>::max());
}

TEST(ModelLimits, PartitionOfAHugeDataSpace) {
  // Outputs of 2^25 x 2^25 (P x K) split over two Buffers along P: the partition is
  // 2^50 x 2^49 / 2^50, whose intermediate product needs 99 bits.
  const Architecture arch = architecture(2, {sram("Buffer", std::int64_t{1} << 60, 2), dram()});
  Mapping m = emptyMapping(2);
  m.levels[0].temporal[P] = 1 << 24;
  m.levels[0].temporal[K] = 1 << 25;
  m.levels[1].spatial[P] = 2;
  const Evaluation e = evaluate(arch, layer({{P, 1 << 25}, {K, 1 << 25}}), m);
  EXPECT_EQ(stats(e, 0, kOutputs).partition_size, std::int64_t{1} << 49);
}

TEST(ModelLimits, RejectsWorkloadsBeyondTheCountLimit) {
  const Architecture arch = architecture(1, {sram("Buffer", 64, 1), dram()});
  EXPECT_THROW(Evaluator(arch, layer({{P, std::int64_t{1} << 40}, {K, std::int64_t{1} << 40}})),
               std::invalid_argument);
}

// ---------------------------------------------------------------------------------------------
// 8. Energy
// ---------------------------------------------------------------------------------------------

// The multicast setup of test 1 (Buffer x4, 4 MACs, layer C=2 K=4, Buffer temporal C=2, DRAM
// spatial K=4), with the Buffer reading blocks of 2 words in clusters of 2 instances.
// Per-instance counts at the Buffer (from test 1):
//   Weights: reads 2, fills 2; Inputs: reads 2, fills 2; Outputs: reads 1, updates 2, fills 1.
// DRAM: Weights reads 8; Inputs reads 2; Outputs updates 4, reads 0.
TEST(ModelEnergy, BlockAccessesAndClusterSharing) {
  StorageLevel buffer = sram("Buffer", 64, 4);
  buffer.block_size = 2;
  buffer.cluster_size = 2;
  const Architecture arch = architecture(4, {buffer, dram()});
  EnergyTable table;
  table.levels = {LevelEnergy{/*read*/ 1, /*fill*/ 10, /*update*/ 100},
                  LevelEnergy{/*read*/ 10, /*fill*/ 30, /*update*/ 20}};
  table.mac_pJ = 0.5;
  Mapping m = emptyMapping(2);
  m.levels[0].temporal[C] = 2;
  m.levels[1].spatial[K] = 4;
  Evaluator evaluator(arch, layer({{C, 2}, {K, 4}}), table);
  const Evaluation e = evaluator.evaluate(m);
  ASSERT_TRUE(e.valid) << e.error;

  // Buffer: 4 instances in use, 4 / cluster 2 = 2 clusters -> each cluster access is shared by
  // 4 / 2 = 2 instances.
  EXPECT_EQ(stats(e, 0, kOutputs).utilized_instances, 4);
  EXPECT_EQ(stats(e, 0, kOutputs).utilized_clusters, 2);
  // Outputs: ceil(1/2) reads x 1 + ceil(2/2) updates x 100 + ceil(1/2) fills x 10 = 111 per
  // cluster access set; per instance 111 / 2 = 55.5; total 55.5 x 4 = 222;
  // per scalar access 55.5 / (1 + 2 + 1) = 13.875.
  EXPECT_DOUBLE_EQ(stats(e, 0, kOutputs).energy_per_instance_pJ, 55.5);
  EXPECT_DOUBLE_EQ(stats(e, 0, kOutputs).energy_total_pJ, 222);
  EXPECT_DOUBLE_EQ(stats(e, 0, kOutputs).energy_per_access_pJ, 13.875);
  // Inputs and Weights: ceil(2/2) x 1 + ceil(2/2) x 10 = 11 -> 5.5 per instance, 22 total each.
  EXPECT_DOUBLE_EQ(stats(e, 0, kInputs).energy_per_instance_pJ, 5.5);
  EXPECT_DOUBLE_EQ(stats(e, 0, kInputs).energy_total_pJ, 22);
  EXPECT_DOUBLE_EQ(stats(e, 0, kWeights).energy_total_pJ, 22);
  // Buffer level = 222 + 22 + 22 = 266.
  EXPECT_DOUBLE_EQ(e.levels[0].energy_total_pJ, 266);
  // DRAM (block 1, cluster 1): Weights 8 x 10 = 80; Inputs 2 x 10 = 20; Outputs 4 updates x 20
  // = 80 -> 180.
  EXPECT_DOUBLE_EQ(stats(e, 1, kWeights).energy_total_pJ, 80);
  EXPECT_DOUBLE_EQ(stats(e, 1, kInputs).energy_total_pJ, 20);
  EXPECT_DOUBLE_EQ(stats(e, 1, kOutputs).energy_total_pJ, 80);
  EXPECT_DOUBLE_EQ(e.levels[1].energy_total_pJ, 180);
  // MACs: 8 x 0.5 = 4. Total = 266 + 180 + 4 = 450; per MAC 450 / 8 = 56.25.
  EXPECT_DOUBLE_EQ(e.arithmetic_energy_pJ, 4);
  EXPECT_DOUBLE_EQ(e.energy_pJ, 450);
  EXPECT_DOUBLE_EQ(e.energyPerMac(), 56.25);
  // EDP = 450 x 2 cycles.
  EXPECT_DOUBLE_EQ(e.edp(), 900);
}

// Fewer instances in use than the cluster holds: Buffer x4 in one cluster of 4, block 4.
// Layer C=3 K=2: Buffer temporal C=3, DRAM spatial K=2 -> 2 of the 4 instances in use.
TEST(ModelEnergy, PartlyUsedClusterSharesAmongUsedInstancesOnly) {
  StorageLevel buffer = sram("Buffer", 64, 4);
  buffer.block_size = 4;
  buffer.cluster_size = 4;
  const Architecture arch = architecture(4, {buffer, dram()});
  EnergyTable table;
  table.levels = {LevelEnergy{1, 10, 100}, LevelEnergy{0, 0, 0}};
  table.mac_pJ = 0;
  Mapping m = emptyMapping(2);
  m.levels[0].temporal[C] = 3;
  m.levels[1].spatial[K] = 2;
  Evaluator evaluator(arch, layer({{C, 3}, {K, 2}}), table);
  const Evaluation e = evaluator.evaluate(m);
  ASSERT_TRUE(e.valid) << e.error;

  // utilized instances 2, clusters = min(2, 4 / 4 = 1) = 1 -> sharing 2 / 1 = 2.
  EXPECT_EQ(stats(e, 0, kWeights).utilized_instances, 2);
  EXPECT_EQ(stats(e, 0, kWeights).utilized_clusters, 1);
  // Weights: tile C3 = 3 words; reads 3, fills 3 -> ceil(3/4) x 1 + ceil(3/4) x 10 = 11;
  // per instance 11 / 2 = 5.5; total 11.
  EXPECT_EQ(stats(e, 0, kWeights).reads, 3);
  EXPECT_EQ(stats(e, 0, kWeights).fills, 3);
  EXPECT_DOUBLE_EQ(stats(e, 0, kWeights).energy_per_instance_pJ, 5.5);
  EXPECT_DOUBLE_EQ(stats(e, 0, kWeights).energy_total_pJ, 11);
  // Outputs: tile 1; updates 3; partition = 2 x 1 / 2 = 1; reads 2; fills 1 ->
  // 1 x 1 + 1 x 100 + 1 x 10 = 111 -> 55.5 per instance, 111 total.
  EXPECT_EQ(stats(e, 0, kOutputs).updates, 3);
  EXPECT_EQ(stats(e, 0, kOutputs).reads, 2);
  EXPECT_EQ(stats(e, 0, kOutputs).fills, 1);
  EXPECT_DOUBLE_EQ(stats(e, 0, kOutputs).energy_total_pJ, 111);
  // Level: Weights 11 + Inputs 11 (same counts as Weights) + Outputs 111 = 133.
  EXPECT_DOUBLE_EQ(e.levels[0].energy_total_pJ, 133);
  EXPECT_DOUBLE_EQ(e.energy_pJ, 133);
}

// ---------------------------------------------------------------------------------------------
// 9. FillWalk and subtractedDelta
// ---------------------------------------------------------------------------------------------

std::int64_t delta(std::vector<std::int64_t> extents, std::vector<std::int64_t> translation,
                   std::int64_t size) {
  return subtractedDelta(extents, translation, size);
}

TEST(FillWalkSubtractedDelta, OneAxis) {
  EXPECT_EQ(delta({4}, {0}, 4), 0);   // same tile
  EXPECT_EQ(delta({4}, {1}, 4), 1);   // 4 / 4 x 1
  EXPECT_EQ(delta({4}, {-3}, 4), 3);  // backwards: |-3| = 3 new words
  EXPECT_EQ(delta({4}, {4}, 4), 4);   // disjoint
  EXPECT_EQ(delta({4}, {9}, 4), 4);
}

TEST(FillWalkSubtractedDelta, SeveralAxes) {
  // 2 x 3 tile (6 words) moved by 1 along the second axis: a 2 x 1 slab = 6 / 3 x 1 = 2.
  EXPECT_EQ(delta({2, 3}, {0, 1}, 6), 2);
  // Moved by 1 along the first: a 1 x 3 slab = 6 / 2 x 1 = 3.
  EXPECT_EQ(delta({2, 3}, {1, 0}, 6), 3);
  // Along both axes: the difference is not a hyper-rectangle -> the whole tile.
  EXPECT_EQ(delta({2, 3}, {1, 1}, 6), 6);
  EXPECT_EQ(delta({4, 4}, {-2, 2}, 16), 16);
  // Disjoint along one axis (even if partial along the other): the whole tile.
  EXPECT_EQ(delta({2, 3}, {1, -5}, 6), 6);
  // Axes of extent 1 that do not move do not matter: 1 x 4 x 1 moved by 2 along the middle.
  EXPECT_EQ(delta({1, 4, 1}, {0, 2, 0}, 4), 2);
}

TEST(FillWalk, NoStepsFillsTheTileOnce) {
  FillWalk walk;
  EXPECT_EQ(walk.fills(5, {}), 5);
}

TEST(FillWalk, OneLoop) {
  FillWalk walk;
  // Tile 5, 3 trips of +2 new words each: 5 + 2 + 2 = 9.
  const std::array<TemporalStep, 1> steps = {TemporalStep{3, 0, 2}};
  EXPECT_EQ(walk.fills(5, steps), 9);
  // A loop that does not move the tile (delta 0): only the first tile.
  const std::array<TemporalStep, 1> still = {TemporalStep{7, 0, 0}};
  EXPECT_EQ(walk.fills(5, still), 5);
}

TEST(FillWalk, DirectionChangeReloadsWholeTile) {
  FillWalk walk;
  // Tile 4. Inner: 2 trips, +2 (id 0). Outer: 3 trips, delta 3 (id 1).
  // Sequence: 4 | inner +2 | outer: direction 0 -> 1, whole 4, forget | inner +2 (no direction
  // remembered: subtract) | outer: 4 | inner +2  ->  4 + 2 + 4 + 2 + 4 + 2 = 18.
  const std::array<TemporalStep, 2> steps = {TemporalStep{2, 0, 2}, TemporalStep{3, 1, 3}};
  EXPECT_EQ(walk.fills(4, steps), 18);
}

TEST(FillWalk, SameTranslationKeepsSubtracting) {
  FillWalk walk;
  // Tile 4. Inner: 2 trips, +1 (id 0). Outer: 3 trips, same translation (id 0), +1.
  // Sequence: 4 | +1 | outer +1 (same direction) | +1 | outer +1 | +1  ->  4 + 5 x 1 = 9.
  const std::array<TemporalStep, 2> steps = {TemporalStep{2, 0, 1}, TemporalStep{3, 0, 1}};
  EXPECT_EQ(walk.fills(4, steps), 9);
}

TEST(FillWalk, ThreeLoopsAlternatingDirections) {
  FillWalk walk;
  // Tile T = 4. s0: 2 trips, +1 (id 0); s1: 2 trips, delta 2 (id 1); s2: 2 trips, +1 (id 0).
  // Iteration order (innermost fastest) and what each step costs:
  //   first tile                                  4   (direction: none)
  //   s0 step, no direction -> subtract           1   (direction 0)
  //   s1 step, 0 -> 1 change -> whole tile        4   (none)
  //   s0 step -> subtract                         1   (0)
  //   s2 step, id 0 = remembered 0 -> subtract    1   (0)
  //   s0 step, same direction -> subtract         1   (0)
  //   s1 step, change -> whole tile               4   (none)
  //   s0 step -> subtract                         1   (0)
  // Total = 4 + 1 + 4 + 1 + 1 + 1 + 4 + 1 = 17 (= 3T + 5).
  const std::array<TemporalStep, 3> steps = {TemporalStep{2, 0, 1}, TemporalStep{2, 1, 2},
                                             TemporalStep{2, 0, 1}};
  EXPECT_EQ(walk.fills(4, steps), 17);
}

TEST(FillWalk, LaterTripsRepeatTheSecondIterationsDelta) {
  FillWalk walk;
  // Tile 4. Inner: 3 trips, +1 (id 0). Outer: 4 trips, delta 2 (id 1).
  // One outer iteration after the first = whole tile 4 (direction change) + 2 inner steps of 1.
  // Fills = 4 + 2 x 1 + 3 x (4 + 2 x 1) = 6 + 18 = 24.
  const std::array<TemporalStep, 2> steps = {TemporalStep{3, 0, 1}, TemporalStep{4, 1, 2}};
  EXPECT_EQ(walk.fills(4, steps), 24);
  // The walk object is reusable: a second call starts afresh.
  const std::array<TemporalStep, 1> one = {TemporalStep{2, 0, 1}};
  EXPECT_EQ(walk.fills(3, one), 4);
}

}  // namespace
}  // namespace cosa
