#pragma once
// The cost model: Timeloop 019f107's dense model (access counts, cycles, energy) for one mapping.
// An Evaluator is built once per (architecture, workload, energy table) and then evaluates many
// mappings; it keeps scratch space between calls, so use one per thread.

#include <cstdint>
#include <string>
#include <vector>

#include "arch/architecture.hpp"
#include "mapping/mapping.hpp"
#include "model/energy.hpp"
#include "model/evaluation.hpp"
#include "model/tile_analysis.hpp"
#include "workload/workload.hpp"

namespace cosa {

class Evaluator {
 public:
  Evaluator(Architecture arch, Workload workload, EnergyTable energy);
  // Uses Timeloop's built-in energy estimates.
  Evaluator(Architecture arch, Workload workload);

  Evaluation evaluate(const Mapping& mapping);
  // Same, reusing `out`'s storage (the search inner loop: no allocation once `out` has been used).
  void evaluate(const Mapping& mapping, Evaluation& out);

  // Only the validity check: empty when valid, else the reason (Timeloop's wording).
  std::string checkValidity(const Mapping& mapping);

  // Timeloop's nest analysis walked loop by loop, what evaluate() does for mappings with residual
  // factors. For a perfect mapping it gives what evaluate()'s closed form gives, much more slowly:
  // a cross-check of the two paths.
  Evaluation evaluateByWalk(const Mapping& mapping);

  const Architecture& arch() const { return arch_; }
  const Workload& workload() const { return workload_; }
  const EnergyTable& energy() const { return energy_; }

 private:
  // Everything below is sized in the constructor so that evaluate() never allocates; flat arrays
  // indexed by hand because nested vectors cost an extra indirection in the inner loops.
  struct FlatTerm {  // coefficient * dimension, added to an axis
    int axis;
    int dim;
    std::int64_t coefficient;
  };
  // A step of 1 along a dimension moves a data space's tile by `coefficient` along `axis`.
  struct AxisMove {
    int axis;
    std::int64_t coefficient;
  };
  // An axis of at most two terms, c0 * d0 + c1 * d1 (a missing term has coefficient 0 and
  // dimension 0): what every built-in shape uses, computed without a loop over terms.
  struct AxisPair {
    int d0 = 0, d1 = 0;
    std::int64_t c0 = 0, c1 = 0;
  };
  // How a dimension feeds a data space, for the fast paths: usually one axis.
  static constexpr int kIrrelevant = -1;   // on no axis: loops over it never move the tile
  static constexpr int kSeveralAxes = -2;  // on several axes: the general path
  struct DimFeed {
    int axis;  // >= 0: the only axis it moves, by `coefficient` per step; else kIrrelevant/kSeveralAxes
    std::int64_t coefficient;
  };
  struct DataSpaceInfo {
    int num_axes = 0;
    bool read_write = false;
    bool one_term_axes = false;  // every axis is a single term (distinct children is a product)
    bool monotone = false;       // every dimension feeds at most one axis, with a positive coefficient
    bool two_term_axes = false;  // every axis has at most two terms: see AxisPair
    int terms_begin = 0, terms_end = 0;  // in terms_, ordered by axis
    int axes_begin = 0;                  // in axis_terms_end_
  };
  // What the model needs of a storage level, resolved once.
  struct LevelLimits {
    std::int64_t capacity = -1;  // words per instance (after multiple buffering); -1 = unbounded
    std::int64_t instances = 1;
    std::int64_t clusters = 1;  // physical access units: instances / cluster size
    std::int64_t fanout = 1, fanout_x = 1, fanout_y = 1;
    std::int64_t block = 1;  // words per vector access
  };
  // A temporal loop with more than one trip (loops of one trip never move a tile).
  struct Loop {
    int dim;
    std::int64_t trips;
    std::int64_t stride;  // how far one iteration moves along `dim`
  };

  // Validity check and the per-mapping state everything else reads; false when invalid (then
  // describeFailure says why, with the same checks in the same order).
  bool prepare(const Mapping& mapping);
  std::string describeFailure(const Mapping& mapping);
  void collectLoops(const Mapping& mapping);
  std::int64_t axisExtents(int ds, const std::int64_t* extents, std::int64_t* out) const;
  std::int64_t siblingsTile(int ds, const std::int64_t* extents, const std::int64_t* spatial) const;
  std::int64_t distinctChildren(int ds, const Mapping& mapping, int level);
  std::int64_t fillsPerInstance(int ds, int level);
  void analyseDataSpace(int ds, const Mapping& mapping, std::int64_t temporal_iterations, Evaluation& out);
  void computeCyclesAndEnergy(Evaluation& out) const;
  void evaluate(const Mapping& mapping, Evaluation& out, bool walk);
  // Mappings with residual factors: Timeloop's nest analysis walked exactly (imperfect_nest.hpp)
  // and its tiling step (evaluator_imperfect.cpp). prepare() has checked validity.
  void evaluateWalk(const Mapping& mapping, Evaluation& out);
  bool residualsValid(const Mapping& mapping) const;
  std::string describeResidualFailure(const Mapping& mapping) const;

  std::size_t at(int ds, int level) const { return static_cast<std::size_t>(ds * num_levels_ + level); }

  Architecture arch_;
  Workload workload_;
  EnergyTable energy_;
  std::vector<DataSpaceInfo> ds_info_;  // per data space
  std::vector<std::int64_t> ds_size_;   // per data space: words in the whole data space
  std::vector<FlatTerm> terms_;         // every data space's axis terms
  std::vector<int> axis_terms_end_;     // [data space][axis]: end of the axis's terms in terms_
  std::vector<AxisPair> axis_pairs_;    // [data space][axis], for two_term_axes data spaces
  std::vector<DimFeed> feeds_;          // [data space][dim]
  // Per data space and dimension: the moves of (ds, d) are [begin[ds][d], begin[ds][d + 1]).
  std::vector<AxisMove> axis_moves_;
  std::vector<int> axis_moves_begin_;  // [data space][dim + 1]
  std::vector<LevelLimits> limits_;    // per level

  int num_levels_ = 0;
  int num_dims_ = 0;
  int num_ds_ = 0;
  std::int64_t macs_ = 0;
  // Scratch, sized once.
  std::vector<std::int64_t> extents_;       // [level][dim]: product of factors at and below level
  std::vector<std::int64_t> instances_;     // [level]: utilized instances (spatial product above)
  std::vector<std::int64_t> fanout_used_;   // [level]: product of the level's spatial factors
  std::int64_t temporal_product_ = 1;       // product of every temporal factor
  bool imperfect_ = false;                  // the prepared mapping has residual factors
  std::vector<Loop> loops_;                 // every level's loops, innermost first
  std::vector<int> loops_above_;            // [level]: index in loops_ of the first loop above it
  std::vector<std::int64_t> axis_extents_;  // [data space][level][axis]: the tiles' extents
  std::vector<char> keep_;                  // [data space][level]
  std::vector<std::int64_t> tiles_;         // [data space][level]: tile size, where kept
  std::vector<std::int64_t> fills_raw_, distinct_, partition_, content_;
  std::vector<std::int64_t> offsets_, next_offsets_;  // distinctChildren
};

}  // namespace cosa
