// The published CoSA objective: 10 x compute - 0.1 x utilisation (the log tile sizes of the data
// spaces each level keeps for sure) + 1 x traffic, unweighted.

#include "mappers/cosa_formulation_terms.hpp"
#include "mappers/objectives/cosa_objectives.hpp"

namespace cosa::objectives {

namespace {

class CosaPaperObjective final : public MipObjective {
 public:
  explicit CosaPaperObjective(FormulationAccess formulation) : formulation_(formulation) {}

  std::vector<solver::Term> objective(const SharedTerms& shared) const override {
    const Workload& workload = formulation_.workload();
    std::vector<solver::Term> terms = plus({}, shared.log_compute, 10.0);
    for (int l = 0; l < formulation_.arch().numLevels(); ++l)
      for (int ds = 0; ds < workload.numDataSpaces(); ++ds)
        if (formulation_.keptForSure(l, ds))
          for (int d = 0; d < workload.numDims(); ++d)
            if (workload.isRelevant(ds, d)) terms = plus(terms, formulation_.logExtent(d, l), -0.1);
    return plus(terms, shared.traffic, 1.0);
  }

 private:
  FormulationAccess formulation_;
};

}  // namespace

std::unique_ptr<MipObjective> makeCosaPaperObjective(FormulationAccess formulation) {
  return std::make_unique<CosaPaperObjective>(formulation);
}

}  // namespace cosa::objectives
