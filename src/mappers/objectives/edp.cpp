// The EDP goal's log-space proxy: log2 latency plus the weighted traffic, at equal weights (the
// log of a product is the sum of the logs).

#include "mappers/cosa_formulation_terms.hpp"
#include "mappers/objectives/cosa_objectives.hpp"

namespace cosa::objectives {

namespace {

class EdpObjective final : public MipObjective {
 public:
  std::vector<solver::Term> objective(const SharedTerms& shared) const override {
    return plus({{shared.log_latency, 1.0}}, shared.traffic_weighted, 1.0);
  }
};

}  // namespace

std::unique_ptr<MipObjective> makeEdpObjective(FormulationAccess) { return std::make_unique<EdpObjective>(); }

}  // namespace cosa::objectives
