#pragma once
// Timeloop's hybrid mapper (`algorithm: hybrid`), the paper's Timeloop Hybrid baseline: draw a
// random tiling (Timeloop's index factorization), then walk that tiling's pruned loop-order space
// linearly until it is exhausted or a mapping fails, then draw the next tiling.
//
// As in Timeloop 019f107:
// - Each thread searches independently; `search_size` (valid mappings) is split among the threads,
//   1 + (search_size - 1) / threads each, while `victory_condition` (consecutive valid mappings
//   without improvement) and `timeout` (consecutive invalid mappings; 0 = off) are per thread and
//   not split. The best over all threads wins.
// - Linear pruning: at every level, loops with a factor of 1 are baked in (innermost, with the
//   user's fixed permutation) and only the remaining loops are permuted; the permutations of all
//   levels form a mixed-radix counter with the innermost level varying fastest, each level's
//   permutation decoded from its digit in factoradic (lexicographic) order.
// - A mapping the model rejects (capacity) ends its tiling: the keep pattern is fixed (one
//   bypass choice), so Timeloop skips to the next index factorization.
// Differences: tilings never exceed fan-out (the factor space's FanoutValid sampler), and the X/Y split
// and spatial loop orders come with the tiling instead of being walked (they change no cost but the
// mesh check). Each thread's search is a strategy of the search driver (search_driver.hpp).

#include <atomic>
#include <cstdint>
#include <vector>

#include "arch/architecture.hpp"
#include "mappers/constrained_mapspace.hpp"
#include "mappers/factor_space.hpp"
#include "mappers/mapper.hpp"
#include "mappers/search_driver.hpp"
#include "mapping/constraints.hpp"
#include "model/energy.hpp"
#include "workload/workload.hpp"

namespace cosa {

struct HybridMapperOptions {
  std::int64_t search_size = 16000;      // valid mappings in total (split among threads); 0 = off
  std::int64_t victory_condition = 500;  // per thread; 0 = off
  std::int64_t timeout = 0;              // per thread; 0 = off (the paper's setting)
  std::vector<SearchMetric> metrics = {SearchMetric::Delay, SearchMetric::LastLevelAccesses};
  std::uint64_t seed = 0;
  int threads = 1;
  // FanoutValid (default) draws only tilings that fit the fan-outs; Timeloop draws them as Timeloop
  // does, so most fail (see factor_space.hpp): the paper's baseline, faithfully.
  TilingSampler sampler = TilingSampler::FanoutValid;
  // Safety cap on cost-model evaluations in total (split among threads like search_size).
  std::int64_t max_evaluations = 10'000'000;
  // Called for every evaluated mapping from the worker threads: serialise inside if threads > 1.
  EvaluationObserver observer;
  // Checked before every mapping; once set, every thread stops (SIGINT in `cosa compare`).
  const std::atomic<bool>* stop = nullptr;
};

// Thread t draws from the random stream (seed, t) and the threads' bests are merged in thread order
// (ties keep the lower thread), so the result depends only on the seed and the thread count.
// SearchResult::message says which condition ended how many threads.
SearchResult hybridMapper(const Architecture& arch, const Workload& workload, const Constraints& constraints,
                          const EnergyTable& energy, const HybridMapperOptions& options);
SearchResult hybridMapper(const ConstrainedMapSpace& space, const EnergyTable& energy,
                          const HybridMapperOptions& options);

// The hybrid mapper as a Mapper ("hybrid"); the run context's seed, threads (when set), stop flag and
// on_evaluation replace the options' own.
class HybridSearchMapper : public Mapper {
 public:
  explicit HybridSearchMapper(HybridMapperOptions options = {}) : options_(std::move(options)) {}
  std::string name() const override { return "hybrid"; }
  MapperResult run(const ConstrainedMapSpace& space, const EnergyTable& energy,
                   const RunContext& context) const override;

 private:
  HybridMapperOptions options_;
};

}  // namespace cosa
