// Schedules ResNet-50's first layer on the bundled Simba through the installed library's public
// API and checks the result with the cost model: the smallest useful program against cosa.
#include <cosa/cosa.hpp>
#include <cstdio>
#include <string>

int main() {
  using namespace cosa::api;
  const std::string data = COSA_DATA_DIR;
  const Architecture arch = Architecture::load(data + "/arch/simba.yaml");
  const Problem layer = Problem::load(data + "/problems/resnet50_conv1.yaml");
  const Mapspace mapspace = Mapspace::load(data + "/mapspace/simba_bypass.yaml");
  const LayerSchedule result = schedule(arch, layer, mapspace);
  if (!result.found()) {
    std::fprintf(stderr, "no schedule: %s\n", result.message().c_str());
    return 1;
  }
  const EvaluationResult check = evaluate(arch, layer, result.mapping());
  std::printf("%s: %lld cycles, %.2f uJ (valid: %s)\n", layer.name().c_str(), check.cycles,
              check.energy_pJ / 1e6, check.valid ? "yes" : "no");
  return check.valid ? 0 : 1;
}
