// The energy-model proxy (internal; the scheduler solves it for the energy and EDP goals): energy
// in pJ per MAC as a sum of per-access energies times access counts, each count 2^x for a linear x,
// bounded below by tangents; plus a small latency term. Its reuse credit follows runs of loops
// that leave a data space alone up to the nearest level that surely keeps it.

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>

#include "mappers/cosa_formulation_terms.hpp"
#include "mappers/objectives/cosa_objectives.hpp"

namespace cosa::objectives {

namespace {

using solver::Term;
using solver::VarType;

class EnergyModelObjective final : public MipObjective {
 public:
  explicit EnergyModelObjective(FormulationAccess formulation) : f_(formulation) {}

  int reuseLevelsEnd(int level, int ds) const override {
    const int levels = f_.arch().numLevels();
    int end = level + 1;
    while (end < levels && !f_.keptForSure(end, ds)) ++end;
    return std::min(levels, end + 1);
  }

  // Operands go between the arithmetic units and the innermost level that keeps the data space
  // (once per MAC; read and updated for partial sums).
  void addDataSpaceTerms(int ds) override {
    solver::Model& model = f_.model();
    const std::string& ds_name = f_.workload().data_spaces[ds].name;
    const bool rw = f_.workload().data_spaces[ds].read_write;
    std::vector<Term> kept_below;  // keep(m) for open m below
    double fixed_below = 0;
    for (int l = 0; l < f_.arch().numLevels() && fixed_below == 0; ++l) {
      if (!f_.mayKeep(l, ds)) continue;
      const LevelEnergy& e = f_.energy().levels[l];
      const double cost = perWord(l, e.read_pJ) + (rw ? perWord(l, e.update_pJ) : 0.0);
      if (kept_below.empty() && f_.keepFixed(l, ds)) break;  // always the innermost keeper: constant
      // innermost = keep(l) and no keep below.
      const int innermost =
          model.addVariable(fmt::format("innermost_{}_{}", ds_name, l), 0, 1, VarType::Binary);
      auto [terms, c] = f_.keepExpr(l, ds);
      model.addLessEqual(fmt::format("innermost_{}_{}", ds_name, l), plus({{innermost, 1}}, terms, -1.0), c);
      std::vector<Term> at_least = plus({{innermost, 1}}, terms, -1.0);
      for (const Term& below : kept_below) {
        model.addLessEqual(fmt::format("innermost_{}_{}_{}", ds_name, l, below.var),
                           {{innermost, 1}, {below.var, 1}}, 1);
        at_least.push_back({below.var, 1});
      }
      model.addGreaterEqual(fmt::format("innermost_{}_{}", ds_name, l), at_least, c);
      energy_sum_.push_back({innermost, cost});
      if (f_.keepFixed(l, ds))
        fixed_below = 1;
      else
        kept_below.push_back({f_.keepVariable(l, ds), 1});
    }
  }

  // Fills of every instance of `level` (no multicast discount), and for partial sums the reads
  // that send them up.
  void addFillTerms(int level, int ds, int log_reuse) override {
    const std::vector<Term> fills =
        plus(plus(plus({{log_reuse, -1}}, f_.logTile(level, ds)), f_.logSpatialAbove(level)),
             f_.logTemporalAbove(level));
    const LevelEnergy& e = f_.energy().levels[level];
    const bool rw = f_.workload().data_spaces[ds].read_write;
    const double cost = perWord(level, e.fill_pJ) + (rw ? perWord(level, e.read_pJ) : 0.0);
    const std::string name = fmt::format("fill_{}_{}", f_.workload().data_spaces[ds].name, level);
    energy_sum_.push_back({addEnergyTerm(name, fills, cost, f_.keepVariable(level, ds)), 1});
  }

  // Reads of every parent instance in use (multicast counted once), updates for partial sums.
  void addReadTerms(int level, int parent, int ds, int log_traffic, int feeds) override {
    const LevelEnergy& e = f_.energy().levels[parent];
    const bool rw = f_.workload().data_spaces[ds].read_write;
    const double cost = perWord(parent, e.read_pJ) + (rw ? perWord(parent, e.update_pJ) : 0.0);
    const std::string name = fmt::format("read_{}_{}_{}", f_.workload().data_spaces[ds].name, level, parent);
    energy_sum_.push_back(
        {addEnergyTerm(name, plus({{log_traffic, 1}}, f_.logSpatialAbove(parent)), cost, feeds), 1});
  }

  // Latency at a tenth of its EDP weight: energy first, yet no flat plateau of equal-energy
  // schedules for the solver to wade through.
  std::vector<Term> objective(const SharedTerms& shared) const override {
    const double reference = f_.referenceEnergyPerMac() > 0 ? f_.referenceEnergyPerMac() : 1.0;
    return plus({{shared.log_latency, 0.1 * reference * std::numbers::ln2}}, energy_sum_, 1.0);
  }

 private:
  // Per-word access energies: a vector access serves block-size words, shared within a cluster.
  double perWord(int level, double vector_pJ) const {
    const StorageLevel& spec = f_.arch().levels[level];
    return vector_pJ / std::max(1, spec.block_size) / std::max(1, spec.cluster_size);
  }

  // A variable E >= cost_pJ * 2^x / MACs with x >= `log_count`, x switched off (free to be 0) when
  // `on` is a binary at 0; returns E.
  int addEnergyTerm(const std::string& name, const std::vector<Term>& log_count, double cost_pJ, int on) {
    solver::Model& model = f_.model();
    const double big_m = f_.bigM();
    const double log_macs = std::log2(static_cast<double>(f_.workload().macs()));
    const int x = model.addVariable("log_" + name, 0, kLogUpper, VarType::Continuous);
    std::vector<Term> row = plus({{x, 1}}, log_count, -1.0);
    double rhs = 0;
    if (on >= 0) {
      row.push_back({on, -big_m});
      rhs -= big_m;
    }
    model.addGreaterEqual("log_" + name, row, rhs);
    // Energy in pJ per MAC: cost * 2^(x - log2 MACs), bounded below by its tangents one unit of x
    // apart (within 5% of the curve); counts far below the MAC count are negligible.
    const int e = model.addVariable("energy_" + name, 0, solver::kInfinity, VarType::Continuous);
    const double hi = std::ceil(log_macs) + 6;
    for (double x0 = std::max(0.0, hi - 16); x0 <= hi; x0 += 1) {
      const double value = cost_pJ * std::exp2(x0 - log_macs);
      model.addGreaterEqual(fmt::format("energy_{}_{}", name, x0), {{e, 1}, {x, -value * std::numbers::ln2}},
                            value * (1 - std::numbers::ln2 * x0));
    }
    return e;
  }

  FormulationAccess f_;
  std::vector<Term> energy_sum_;  // pJ per MAC
};

}  // namespace

std::unique_ptr<MipObjective> makeEnergyModelObjective(FormulationAccess formulation) {
  return std::make_unique<EnergyModelObjective>(formulation);
}

}  // namespace cosa::objectives
