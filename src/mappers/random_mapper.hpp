#pragma once
// The paper's Random baseline: draw mappings from the factor space (valid fan-out by construction),
// evaluate them, and keep the best of the first `valid_target` valid ones. A strategy of the search
// driver (search_driver.hpp) in sequence: sample i is drawn from the random stream (seed, i).

#include <atomic>
#include <cstdint>
#include <functional>
#include <vector>

#include "arch/architecture.hpp"
#include "mappers/constrained_mapspace.hpp"
#include "mappers/mapper.hpp"
#include "mappers/search_driver.hpp"
#include "mapping/constraints.hpp"
#include "model/energy.hpp"
#include "workload/workload.hpp"

namespace cosa {

struct RandomMapperOptions {
  std::int64_t valid_target = 5;  // the paper: best of 5 valid schedules; at least 1
  std::int64_t max_samples = 100000;
  std::vector<SearchMetric> metrics = {SearchMetric::Delay, SearchMetric::Energy};
  std::uint64_t seed = 0;
  int threads = 1;
  EvaluationObserver observer;  // optional; called in sample order, from the calling thread
  // Checked before every batch (every sample with one thread); once set, the search stops and returns
  // the best so far, marked interrupted.
  const std::atomic<bool>* stop = nullptr;
};

// Sample i always comes from the random stream (seed, i) and samples are taken in index order, so
// the result depends only on the seed, not on the thread count. Counts cover the samples up to the
// one that completed `valid_target` (work past it in the last parallel batch is discarded).
SearchResult randomMapper(const Architecture& arch, const Workload& workload, const Constraints& constraints,
                          const EnergyTable& energy, const RandomMapperOptions& options);
SearchResult randomMapper(const ConstrainedMapSpace& space, const EnergyTable& energy,
                          const RandomMapperOptions& options);

// The random mapper as a Mapper ("random"); the run context's seed, threads (when set) and
// on_evaluation replace the options' own.
class RandomSearchMapper : public Mapper {
 public:
  explicit RandomSearchMapper(RandomMapperOptions options = {}) : options_(std::move(options)) {}
  std::string name() const override { return "random"; }
  MapperResult run(const ConstrainedMapSpace& space, const EnergyTable& energy,
                   const RunContext& context) const override;

 private:
  RandomMapperOptions options_;
};

}  // namespace cosa
