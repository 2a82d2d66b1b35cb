// Cost-model throughput: Evaluator::evaluate calls per second on one core, over realistic
// 6-level Simba mappings of every unique ResNet-50 layer (items_per_second = evaluations/s).
//
//   BM_EvaluateValid    valid mappings, the full model (validity check, access counts, energy)
//   BM_RejectInvalid    near-miss invalid mappings, which the validity check rejects

#include <benchmark/benchmark.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "io/network/network_yaml.hpp"
#include "io/timeloop/arch_yaml.hpp"
#include "mapping_generator.hpp"
#include "model/evaluator.hpp"
#include "workload/network.hpp"

namespace cosa::bench {
namespace {

constexpr int kMappingsPerLayer = 64;
constexpr int kInvalidPerLayer = 16;
constexpr std::uint64_t kSeed = 20240601;

// simba_bypass.yaml's keep pattern, DRAM keeping everything.
const KeepPattern kSimbaKeep = {
    {"Weights"}, {"Outputs"},           {"Weights"},
    {"Inputs"},  {"Inputs", "Outputs"}, {"Weights", "Inputs", "Outputs"},
};

struct LayerCase {
  std::unique_ptr<Evaluator> evaluator;
  std::vector<Mapping> valid;
  std::vector<Mapping> invalid;
};

// One evaluation job: which evaluator, which mapping.
struct Job {
  Evaluator* evaluator;
  const Mapping* mapping;
};

// Built once and shared by all benchmarks (Google Benchmark calls each several times).
struct Suite {
  std::vector<LayerCase> layers;
  std::vector<Job> valid_jobs, invalid_jobs;  // layer-major, as a search evaluates them

  Suite() {
    const Architecture arch = loadArchitecture(COSA_DATA_DIR "/arch/simba.yaml");
    std::uint64_t seed = kSeed;
    for (const NetworkLayer& layer : uniqueLayers(builtinNetwork("resnet50"))) {
      LayerCase c;
      c.evaluator = std::make_unique<Evaluator>(arch, layer.workload);
      MappingGenerator generator(*c.evaluator, kSimbaKeep, seed++);
      for (int i = 0; i < kMappingsPerLayer; ++i) {
        Mapping m = generator.next();
        if (c.evaluator->checkValidity(m).empty()) c.valid.push_back(std::move(m));
      }
      for (int i = 0; i < kInvalidPerLayer; ++i) {
        Mapping m = generator.nextInvalid();
        if (!c.evaluator->checkValidity(m).empty()) c.invalid.push_back(std::move(m));
      }
      layers.push_back(std::move(c));
    }
    for (LayerCase& c : layers) {
      for (const Mapping& m : c.valid) valid_jobs.push_back({c.evaluator.get(), &m});
      for (const Mapping& m : c.invalid) invalid_jobs.push_back({c.evaluator.get(), &m});
    }
  }
};

const Suite& suite() {
  static const Suite s;
  return s;
}

void runJobs(benchmark::State& state, const std::vector<Job>& jobs, bool expect_valid) {
  if (jobs.empty()) {
    state.SkipWithError("no mappings generated");
    return;
  }
  Evaluation out;
  std::size_t next = 0;
  for (auto _ : state) {
    const Job& job = jobs[next];
    job.evaluator->evaluate(*job.mapping, out);
    benchmark::DoNotOptimize(out.cycles);
    if (out.valid != expect_valid) {
      state.SkipWithError("mapping validity changed between generation and evaluation");
      break;
    }
    if (++next == jobs.size()) next = 0;
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["mappings"] = static_cast<double>(jobs.size());
  state.counters["layers"] = static_cast<double>(suite().layers.size());
}

void BM_EvaluateValid(benchmark::State& state) { runJobs(state, suite().valid_jobs, true); }
void BM_RejectInvalid(benchmark::State& state) { runJobs(state, suite().invalid_jobs, false); }

BENCHMARK(BM_EvaluateValid);
BENCHMARK(BM_RejectInvalid);

}  // namespace
}  // namespace cosa::bench

BENCHMARK_MAIN();
