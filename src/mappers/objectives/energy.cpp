// The energy goal's log-space proxy: the weighted traffic (costlier levels count more), plus a
// hundredth of log2 latency so that among equally frugal schedules the faster one wins.

#include "mappers/cosa_formulation_terms.hpp"
#include "mappers/objectives/cosa_objectives.hpp"

namespace cosa::objectives {

namespace {

class EnergyObjective final : public MipObjective {
 public:
  std::vector<solver::Term> objective(const SharedTerms& shared) const override {
    return plus({{shared.log_latency, 0.01}}, shared.traffic_weighted, 1.0);
  }
};

}  // namespace

std::unique_ptr<MipObjective> makeEnergyObjective(FormulationAccess) {
  return std::make_unique<EnergyObjective>();
}

}  // namespace cosa::objectives
