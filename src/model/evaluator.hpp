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

  const Architecture& arch() const { return arch_; }
  const Workload& workload() const { return workload_; }
  const EnergyTable& energy() const { return energy_; }

 private:
  struct AxisTerm {
    int dim;
    std::int64_t coefficient;
  };
  struct Axis {
    std::vector<AxisTerm> terms;
  };
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

  void collectLoops(const Mapping& mapping);
  std::int64_t axisExtents(int ds, const std::int64_t* extents, std::int64_t* out) const;
  std::int64_t distinctChildren(int ds, const Mapping& mapping, int level);
  std::int64_t fillsPerInstance(int ds, int level);
  void analyseDataSpace(int ds, const Mapping& mapping, std::int64_t temporal_iterations, Evaluation& out);
  void computeCyclesAndEnergy(Evaluation& out) const;

  Architecture arch_;
  Workload workload_;
  EnergyTable energy_;
  std::vector<std::vector<Axis>> axes_;       // per data space
  std::vector<std::vector<FlatTerm>> terms_;  // per data space: the same terms, flat
  std::vector<int> num_axes_;                 // per data space
  // Per data space: the moves of dimension d are [begin[d], begin[d + 1]).
  std::vector<std::vector<AxisMove>> axis_moves_;
  std::vector<std::vector<int>> axis_moves_begin_;
  std::vector<LevelLimits> limits_;  // per level

  int num_levels_ = 0;
  int num_dims_ = 0;
  // Scratch, sized once.
  std::vector<std::int64_t> extents_;       // [level][dim]: product of factors at and below level
  std::vector<std::int64_t> instances_;     // [level]: utilized instances (spatial product above)
  std::vector<std::int64_t> fanout_used_;   // [level]: product of the level's spatial factors
  std::vector<Loop> loops_;                 // every level's loops, innermost first
  std::vector<int> loops_above_;            // [level]: index in loops_ of the first loop above it
  std::vector<std::int64_t> axis_extents_;  // [data space][level][axis]: the tiles' extents
  std::vector<char> keep_;                  // [level][data space]
  std::vector<std::int64_t> tiles_;         // [data space][level]: tile size, from checkValidity
  std::vector<std::int64_t> fills_raw_, distinct_, partition_, content_;
  std::vector<std::int64_t> siblings_;
  std::vector<std::int64_t> offsets_, next_offsets_;  // distinctChildren
  FillWalk walk_;
};

}  // namespace cosa
