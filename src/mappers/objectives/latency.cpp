// The latency goal's log-space proxy: log2 latency, plus a hundredth of the weighted traffic so
// that among equally fast schedules the one moving less data wins.

#include "mappers/cosa_formulation_terms.hpp"
#include "mappers/objectives/cosa_objectives.hpp"

namespace cosa::objectives {

namespace {

class LatencyObjective final : public MipObjective {
 public:
  std::vector<solver::Term> objective(const SharedTerms& shared) const override {
    return plus({{shared.log_latency, 1.0}}, shared.traffic_weighted, 0.01);
  }
};

}  // namespace

std::unique_ptr<MipObjective> makeLatencyObjective(FormulationAccess) {
  return std::make_unique<LatencyObjective>();
}

}  // namespace cosa::objectives
