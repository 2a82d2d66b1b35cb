#pragma once
// The CoSA mixed-integer program, generated from the architecture, workload and constraints.
//
// Encoding (why: the published one-binary-per-prime-factor encoding is symmetric — the six 2s of
// 64 are interchangeable — and CBC cannot close its gap; counting exponents removes the symmetry
// and shrinks the model ~25x with the same optimum): one integer per (dimension, prime, level,
// temporal|spatial) counting how many copies of that prime are placed there. Every size that
// matters is a product of factors, so its log2 is linear in these counts.
//
// Constraints: exact factor products; spatial fan-out per level; capacity per level for the data
// spaces it keeps (several data spaces share a level through a chosen split of its capacity);
// fixed factors from the user's constraints. Sliding-window (halo) axes are bounded from above
// (extent <= k * max_i(coef_i * n_i) over the k terms whose loops are not 1 there) in the
// Conservative model, whose every solution is valid, and from below (extent >= max_i n_i, each
// data space alone in the level) in the Relaxed model, whose infeasibility proves that no mapping
// exists (every other row is exact).
//
// Data placement: where the constraints leave keep/bypass open for a (level, data space), a binary
// decides it; capacity rows of a bypassed data space are switched off, and traffic is charged
// between consecutive levels that keep the data space (one indicator per possible pair).
//
// Loop order: per level, a choice of which data space the level's innermost loops leave
// stationary (its irrelevant dimensions go innermost), which lets the traffic terms credit reuse.

#include <optional>
#include <string>
#include <vector>

#include "arch/architecture.hpp"
#include "mappers/constrained_mapspace.hpp"
#include "mappers/objective.hpp"
#include "mapping/constraints.hpp"
#include "mapping/mapping.hpp"
#include "model/energy.hpp"
#include "solver/mip.hpp"
#include "workload/workload.hpp"

namespace cosa {

namespace objectives {  // the objectives' own terms: mappers/objectives/cosa_objectives.hpp
class FormulationAccess;
class MipObjective;
struct SharedTerms;
}  // namespace objectives

// The MIP objectives (mappers/objective.hpp): Latency, Energy, Edp and CosaPaper are goals a user asks
// for (and log-space MIP proxies of the same names); EnergyModel is an internal proxy only: energy as
// a sum of per-access energies times access counts (each count 2^x for a linear x, bounded below by
// tangents), plus a small latency term. LastLevelAccesses is no MIP objective (std::invalid_argument).
// Each objective's terms are in a file of its own, mappers/objectives/<name>.cpp.
// How buffer capacity is modelled: Conservative (every solution fits) or Relaxed (every mapping
// that fits is a solution; used to prove infeasibility and to seed a repair).
enum class CapacityModel { Conservative, Relaxed };

struct FormulationOptions {
  CapacityModel capacity = CapacityModel::Conservative;
  // Per-access energies for the EnergyModel proxy (empty: the built-in table).
  std::optional<EnergyTable> energy;
  // EnergyModel: the energy (pJ per MAC) that scales its latency term; <= 0 when unknown.
  double reference_energy_per_mac = 0;
};

class CosaFormulation {
 public:
  CosaFormulation(const Architecture& arch, const Workload& workload, const Constraints& constraints,
                  ScheduleObjective objective, const FormulationOptions& options = {});
  // Keep, fixed factors, orders and capacities as the constrained mapspace decides them.
  CosaFormulation(const ConstrainedMapSpace& space, ScheduleObjective objective,
                  const FormulationOptions& options = {});

  const solver::Model& model() const { return model_; }
  // Decodes a solver solution into a mapping (factors, loop orders, keep pattern).
  Mapping decode(const std::vector<double>& values) const;
  // Rows grouped by the requirement they express, described for people ("capacity of
  // GlobalBuffer (65536 words) for Inputs, Outputs"); used to explain infeasibility.
  struct RowGroup {
    std::string description;
    std::vector<int> rows;
  };
  const std::vector<RowGroup>& rowGroups() const { return row_groups_; }
  // Whether the constraints fix keep/bypass of data space `ds` at `level` (else the MIP decides).
  bool keepFixed(int level, int ds) const { return keep_var_[level][ds] < 0; }

 private:
  friend class objectives::FormulationAccess;  // what the objectives (objectives/) read and add to

  struct FactorVar {
    int dim;
    std::int64_t prime;
    int exponent;
    std::vector<int> temporal;   // per level: variable index
    std::vector<int> spatial;    // per level: variable index or -1 (no fan-out); the X part on a mesh
    std::vector<int> spatial_y;  // per level: the Y part on a mesh, else -1
  };
  // The capacity rows of one level: log2 of its words, and the requirement they express.
  struct LevelCapacity {
    int level;
    double log_words;
    std::string description;
  };

  // cosa_formulation.cpp: factors, fixed factors, fan-out, spatial order; decoding.
  void addFactorVariables();
  void addFixedFactorRows(const std::vector<FixedFactor>& fixed_factors);
  void addFanoutRows();
  void addSpatialOrderRows(const ConstrainedMapSpace& space);
  std::vector<solver::Term> logExtent(int dim, int level) const;  // log2 of the dim's extent at level
  // Log2 of the spatial fan-out used above `level` (every spatial factor at levels > level).
  std::vector<solver::Term> logSpatialAbove(int level) const;
  // Log2 of the temporal iterations above `level` (every temporal factor at levels > level).
  std::vector<solver::Term> logTemporalAbove(int level) const;
  // keep(l, ds) as terms plus a constant: {terms, constant}.
  std::pair<std::vector<solver::Term>, double> keepExpr(int level, int ds) const;
  bool mayKeep(int level, int ds) const { return keep_var_[level][ds] >= 0 || keep_[level][ds]; }
  bool meshed(int level) const { return arch_.fanout(level) > 1 && arch_.fanoutY(level) > 1; }
  void group(const std::string& description, int row);

  // cosa_formulation_capacity.cpp: tile sizes and capacity.
  void addCapacityRows();
  void addLevelCapacityRows(int level, const std::vector<int>& kept);
  void addCapacityRow(const LevelCapacity& capacity, const std::string& name, int ds,
                      std::vector<solver::Term> row);
  void addRelaxedCapacityRows(const LevelCapacity& capacity, const std::vector<int>& kept);
  void addSplitCapacityRows(const LevelCapacity& capacity, const std::vector<int>& kept);
  std::vector<solver::Term> logTileUpperBound(int ds, int level);  // may add helper variables
  // Log2 of a sliding window's extent on `axis` of `ds` at `level` (its terms `live`, two or more).
  int addWindowExtent(int ds, int axis, int level, const std::vector<const ProjectionTerm*>& live);
  // Binary: 1 whenever the loops of `dim` at and below `level` are not all 1 (created once).
  int activeOf(int level, int dim);

  // cosa_formulation_traffic.cpp: stationarity, reuse, traffic, latency; the objective's terms.
  void addTrafficAndObjective(ScheduleObjective objective);
  void addStationarityChoice();
  std::vector<double> trafficWeights() const;                 // per level: the relative cost of its words
  int addReuseRows(int level, int ds, int reuse_levels_end);  // returns the log2 reuse variable
  void addReuseSegments(int level, int k, int ds, int log_reuse_k, int clear, double max_reuse);
  void addTrafficRows(int level, int ds, int log_reuse, const std::vector<double>& weights,
                      objectives::SharedTerms& shared, objectives::MipObjective& objective);
  // Binary "parent feeds level" (both keep ds, no level between does).
  int addFeedsIndicator(int level, int parent, int ds, const std::vector<int>& between);
  int addTrafficRow(int level, int parent, int ds, int log_reuse, int feeds);  // -> log2 traffic
  void addBandwidthRow(int level, int parent, int ds, int log_traffic, int feeds, int log_latency);
  // Binary: 1 whenever the temporal loop of `dim` at `level` iterates (created once).
  int iteratesOf(int level, int dim);
  // Binary: 1 only if every temporal loop at `level` relevant to `ds` is 1 (created once).
  int clearOf(int level, int ds);

  const Architecture& arch_;
  const Workload& workload_;
  solver::Model model_;
  std::vector<FactorVar> factors_;
  std::vector<std::vector<bool>> keep_;     // [level][ds]: fixed keep (where keep_var_ is -1)
  std::vector<std::vector<int>> keep_var_;  // [level][ds]: binary "keeps", -1 when fixed
  CapacityModel capacity_model_;
  EnergyTable energy_;
  double reference_energy_per_mac_ = 0;
  std::vector<std::vector<int>> iterates_;  // [level][dim]: see iteratesOf, -1 until needed
  std::vector<std::vector<int>> clear_;     // [level][ds]: see clearOf, -1 until needed
  std::vector<std::vector<int>> active_;    // [level][dim]: see activeOf, -1 until needed
  // Upper bound of any log2 size in this model (for switching rows off with big-M terms).
  double big_m_ = 0;
  std::vector<std::vector<int>> stationary_;  // [level][ds]: binary, -1 for the innermost level
  std::vector<std::vector<std::vector<solver::Term>>> tile_terms_;  // [level][ds]
  std::vector<std::vector<int>> permutation_constraint_;            // [level]: dims fixed innermost
  std::vector<std::vector<int>> spatial_permutation_constraint_;    // [level]: dims fixed first
  // [level][dim]: mesh axis forced by a fixed spatial permutation and split
  std::vector<std::vector<ConstrainedMapSpace::Axis>> forced_axis_;
  std::vector<std::vector<bool>> fixed_unit_;                // [level][dim]: temporal factor fixed to 1
  std::vector<std::optional<std::int64_t>> capacity_words_;  // [level]: Architecture::capacityWords
  std::vector<RowGroup> row_groups_;
  std::vector<std::vector<int>> on_y_;  // [level][dim]: binary "this dim's spatial loop is on Y", or -1
};

}  // namespace cosa
