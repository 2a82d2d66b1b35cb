#pragma once
// The objectives of the CoSA MIP (internal to mappers/): one file each in mappers/objectives/ and
// one entry each in the table of objectives/objective_table.cpp. Adding an objective means a new
// file defining its factory, and that factory's entry in the table.
//
// The shared formulation (cosa_formulation*.cpp) writes what every objective uses: the factor
// variables, capacity, fan-out, stationarity and the traffic between levels. An objective adds
// rows of its own through the hooks below, which the formulation calls while it writes the
// traffic (in its order, so that a MIP is built the same way every time), and then says what to
// minimise.

#include <memory>
#include <utility>
#include <vector>

#include "mappers/cosa_formulation.hpp"
#include "mappers/objective.hpp"
#include "solver/mip.hpp"

namespace cosa::objectives {

// What the shared formulation has built for every objective to weigh.
struct SharedTerms {
  int log_latency = -1;                        // log2 latency: at least compute, and each bandwidth bound
  std::vector<solver::Term> log_compute;       // log2 of the temporal iterations
  std::vector<solver::Term> traffic;           // log2 traffic per (level, parent), unweighted
  std::vector<solver::Term> traffic_weighted;  // the same, weighted by the parent's per-word cost
};

// What an objective may read of the formulation being built, and the model it may add to.
class FormulationAccess {
 public:
  explicit FormulationAccess(CosaFormulation& formulation) : f_(formulation) {}

  solver::Model& model() const { return f_.model_; }
  const Architecture& arch() const { return f_.arch_; }
  const Workload& workload() const { return f_.workload_; }
  // The per-access energies (FormulationOptions::energy, else the built-in table).
  const EnergyTable& energy() const { return f_.energy_; }
  double referenceEnergyPerMac() const { return f_.reference_energy_per_mac_; }
  // Upper bound of any log2 size in the model, for switching rows off.
  double bigM() const { return f_.big_m_; }

  bool mayKeep(int level, int ds) const { return f_.mayKeep(level, ds); }
  bool keepFixed(int level, int ds) const { return f_.keepFixed(level, ds); }
  // Kept for sure: fixed by the constraints, and fixed to keep.
  bool keptForSure(int level, int ds) const { return f_.keepFixed(level, ds) && f_.keep_[level][ds]; }
  // The binary "level keeps ds", -1 when fixed.
  int keepVariable(int level, int ds) const { return f_.keep_var_[level][ds]; }
  std::pair<std::vector<solver::Term>, double> keepExpr(int level, int ds) const {
    return f_.keepExpr(level, ds);
  }

  // Log2 of ds's tile at `level` (an upper bound in the Conservative model).
  const std::vector<solver::Term>& logTile(int level, int ds) const { return f_.tile_terms_[level][ds]; }
  std::vector<solver::Term> logExtent(int dim, int level) const { return f_.logExtent(dim, level); }
  std::vector<solver::Term> logSpatialAbove(int level) const { return f_.logSpatialAbove(level); }
  std::vector<solver::Term> logTemporalAbove(int level) const { return f_.logTemporalAbove(level); }

 private:
  CosaFormulation& f_;
};

// One objective of the MIP. The hooks add nothing unless an objective overrides them.
class MipObjective {
 public:
  virtual ~MipObjective() = default;

  // Reuse of ds's tile at `level` is credited to the loops of levels level + 1 up to (not
  // including) the level returned. The log-space proxies credit the next level only: small, fast
  // MIPs.
  virtual int reuseLevelsEnd(int level, int /*ds*/) const { return level + 2; }
  // Before the traffic rows of data space `ds`.
  virtual void addDataSpaceTerms(int /*ds*/) {}
  // After the reuse row of ds's tile at `level`; `log_reuse` is its variable.
  virtual void addFillTerms(int /*level*/, int /*ds*/, int /*log_reuse*/) {}
  // After the row of ds's traffic from `parent` into `level`; `log_traffic` is its variable and
  // `feeds` the binary "parent feeds level" (-1 when that is certain).
  virtual void addReadTerms(int /*level*/, int /*parent*/, int /*ds*/, int /*log_traffic*/, int /*feeds*/) {}
  // What to minimise.
  virtual std::vector<solver::Term> objective(const SharedTerms& shared) const = 0;
};

using MakeObjective = std::unique_ptr<MipObjective> (*)(FormulationAccess formulation);

// The objective's entry in the table (objective_table.cpp); std::invalid_argument for an objective
// that is no MIP objective (last-level-accesses).
std::unique_ptr<MipObjective> makeObjective(ScheduleObjective objective, FormulationAccess formulation);

}  // namespace cosa::objectives
