#pragma once
// The cost model: Timeloop 019f107's dense model (access counts, cycles, energy) for one mapping.
// An Evaluator is built once per (architecture, workload, energy table) and then evaluates many
// mappings; it keeps scratch space between calls, so use one per thread.

#include <cstdint>
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
  // Same, reusing `out`'s storage (the search inner loop).
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

  void computeExtents(const Mapping& mapping);
  std::int64_t tileSize(int ds, const std::int64_t* extents) const;
  void axisExtents(int ds, const std::int64_t* extents, std::int64_t* out) const;
  std::int64_t distinctChildren(int ds, const Mapping& mapping, int level) const;
  std::int64_t fillsPerInstance(int ds, const Mapping& mapping, int level);
  void analyseDataSpace(int ds, const Mapping& mapping, Evaluation& out);
  void computeCyclesAndEnergy(Evaluation& out) const;

  Architecture arch_;
  Workload workload_;
  EnergyTable energy_;
  std::vector<std::vector<Axis>> axes_;  // per data space

  int num_levels_ = 0;
  int num_dims_ = 0;
  // Scratch, sized once.
  std::vector<std::int64_t> extents_;        // [level][dim]: product of factors at and below level
  std::vector<std::int64_t> instances_;      // [level]: utilized instances (spatial product above)
  std::vector<std::int64_t> size_, fills_raw_, distinct_, partition_, content_;
  std::vector<TemporalStep> steps_;
  std::vector<std::int64_t> translations_;   // [step][axis]
  std::vector<std::int64_t> cumulative_;
  std::vector<std::int64_t> siblings_;
  FillWalk walk_;
};

}  // namespace cosa
