// The MIP files `cosa schedule --write-mip` writes (CPLEX LP, free MPS), read back by another
// solver's own readers (GLPK's): the same rows and the same optimum as the model cosa solves.
// Compiled only when cosa is built with GLPK (COSA_WITH_GLPK).
#ifdef COSA_WITH_GLPK
#include <glpk.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include "io/network/network_yaml.hpp"
#include "io/timeloop/arch_yaml.hpp"
#include "io/timeloop/constraints_yaml.hpp"
#include "mappers/cosa_formulation.hpp"
#include "solver/mip.hpp"
#include "workload/network.hpp"

namespace cosa {
namespace {

namespace fs = std::filesystem;

struct GlpkOptimum {
  int rows = 0;
  int status = 0;
  double objective = 0;
};

// Reads `path` with GLPK's reader for `format` and solves it to a 1e-6 gap.
GlpkOptimum solveWithGlpkReader(const fs::path& path, bool lp_format) {
  glp_term_out(GLP_OFF);
  glp_prob* problem = glp_create_prob();
  const int read = lp_format ? glp_read_lp(problem, nullptr, path.c_str())
                             : glp_read_mps(problem, GLP_MPS_FILE, nullptr, path.c_str());
  GlpkOptimum out;
  if (read == 0) {
    out.rows = glp_get_num_rows(problem);
    glp_smcp lp;
    glp_init_smcp(&lp);
    glp_iocp parameters;
    glp_init_iocp(&parameters);
    parameters.mip_gap = 1e-6;
    parameters.tm_lim = 120000;
    // Without cuts GLPK's branch and bound takes minutes on these models.
    parameters.fp_heur = parameters.gmi_cuts = parameters.mir_cuts = GLP_ON;
    parameters.cov_cuts = parameters.clq_cuts = GLP_ON;
    if (glp_simplex(problem, &lp) == 0 && glp_intopt(problem, &parameters) == 0) {
      out.status = glp_mip_status(problem);
      out.objective = glp_mip_obj_val(problem);
    }
  }
  glp_delete_prob(problem);
  glp_free_env();
  return out;
}

TEST(MipExportRoundTrip, AnotherSolversReadersGetTheSameModelAndOptimum) {
  const std::string data = COSA_DATA_DIR;
  const Architecture arch = loadArchitecture(data + "/arch/simba.yaml");
  const std::vector<NetworkLayer> layers = uniqueLayers(builtinNetwork("resnet50"));
  const Workload& workload = layers.at(1).workload;  // a 1x1 layer: quick to prove optimal
  const Constraints constraints = loadConstraints(data + "/mapspace/simba_bypass.yaml", arch, workload);
  const fs::path dir = fs::temp_directory_path() / ("cosa_mip_export_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  for (ScheduleObjective objective : {ScheduleObjective::Edp, ScheduleObjective::CosaPaper}) {
    const CosaFormulation formulation(arch, workload, constraints, objective);
    const solver::Model& model = formulation.model();
    solver::SolveOptions options;
    options.relative_gap = 1e-6;
    options.time_limit_s = 120;
    const solver::Solution ours = solver::makeBackend("cbc")->solve(model, options);
    ASSERT_EQ(ours.status, solver::Status::Optimal) << toString(objective);
    std::ofstream(dir / "mip.lp") << solver::toLpFormat(model);
    std::ofstream(dir / "mip.mps") << solver::toMpsFormat(model, solver::MpsFormat::Free);
    for (const bool lp_format : {true, false}) {
      const GlpkOptimum theirs = solveWithGlpkReader(dir / (lp_format ? "mip.lp" : "mip.mps"), lp_format);
      const std::string what = toString(objective) + (lp_format ? " (LP)" : " (MPS)");
      EXPECT_EQ(theirs.rows, model.numRows()) << what;
      ASSERT_EQ(theirs.status, GLP_OPT) << what;
      // Both optima are within the 1e-6 gap of the true one.
      EXPECT_NEAR(theirs.objective, ours.objective, 3e-6 * std::max(1.0, std::abs(ours.objective))) << what;
    }
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace cosa
#endif
