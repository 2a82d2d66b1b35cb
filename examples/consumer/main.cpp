// Schedules ResNet-50's first layer on the bundled Simba through the installed library and checks
// the result with the cost model: the smallest useful program against cosa's public headers.
#include <cstdio>

#include "arch/arch_yaml.hpp"
#include "mapping/constraints_yaml.hpp"
#include "mappers/cosa_scheduler.hpp"
#include "model/evaluator.hpp"
#include "workload/network.hpp"

int main() {
  using namespace cosa;
  const std::string data = COSA_DATA_DIR;
  const Architecture arch = loadArchitecture(data + "/arch/simba.yaml");
  const Workload layer = builtinNetwork("resnet50").layers.front().workload;
  const Constraints constraints = loadConstraints(data + "/mapspace/simba_bypass.yaml", arch, layer);
  const ScheduleResult result = scheduleLayer(arch, layer, constraints, builtinEnergyTable(arch), ScheduleOptions{});
  if (!result.found) {
    std::fprintf(stderr, "no schedule: %s\n", result.message.c_str());
    return 1;
  }
  Evaluator evaluator(arch, layer);
  const Evaluation check = evaluator.evaluate(result.mapping);
  std::printf("%s: %lld cycles, %.2f uJ (valid: %s)\n", layer.name.c_str(), static_cast<long long>(check.cycles),
              check.energy_pJ / 1e6, check.valid ? "yes" : "no");
  return check.valid ? 0 : 1;
}
