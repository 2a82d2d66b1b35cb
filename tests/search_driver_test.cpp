// The search loop: a strategy's proposals evaluated and counted as Timeloop's mapper threads count
// them (construction failures are samples, not evaluations), the end conditions in Timeloop's order,
// a sequence recorded in order whatever the thread count, and exact ranking's ties to the lowest
// ordinal whichever thread found it.
#include "mappers/search_driver.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <vector>

#include "mappers/factor_space.hpp"
#include "model/energy.hpp"
#include "io/timeloop/shapes.hpp"

namespace cosa {
namespace {

// Registers (4 words, 4 instances), a buffer fanning out to them, DRAM.
Architecture tinyArch() {
  Architecture arch;
  arch.name = "tiny";
  arch.arithmetic.instances = 4;
  auto level = [](std::string name, std::optional<std::int64_t> entries, std::int64_t instances) {
    StorageLevel s;
    s.name = std::move(name);
    s.entries = entries;
    s.instances = instances;
    return s;
  };
  arch.levels.push_back(level("Registers", 4, 4));
  arch.levels.push_back(level("Buffer", 64, 1));
  arch.levels.push_back(level("DRAM", std::nullopt, 1));
  return arch;
}

struct Layer {
  Architecture arch = tinyArch();
  Workload workload = instantiate(builtinShape("gemm"), {4, 2, 2});
  ConstrainedMapSpace space{arch, workload, Constraints{}};
  EnergyTable energy = builtinEnergyTable(arch);
  FactorSpace factors{space};

  // Every factor at `level` (temporal): valid at DRAM, over the registers' capacity at level 0.
  Mapping everythingAt(int level) const {
    Mapping m = factors.unplaced(0);
    m.levels[level].temporal = workload.bounds;
    return m;
  }
};

// Proposes entries first, first + stride, ... of a list (nullopt: a construction failure); the
// ordinal is the entry's index.
class ListStrategy : public SearchStrategy {
 public:
  ListStrategy(const std::vector<std::optional<Mapping>>& list, std::vector<std::size_t> order)
      : list_(&list), order_(std::move(order)) {}
  Proposal next(Mapping& mapping) override {
    if (next_ == order_.size()) return Proposal::Exhausted;
    last_ = order_[next_++];
    if (!(*list_)[last_]) return Proposal::ConstructionFailure;
    mapping = *(*list_)[last_];
    return Proposal::Ready;
  }
  void report(SearchStatus status, const Evaluation&) override { reports.push_back(status); }
  Ordinal ordinal() const override { return {0, static_cast<std::int64_t>(last_)}; }
  std::vector<SearchStatus> reports;

 private:
  const std::vector<std::optional<Mapping>>* list_;
  std::vector<std::size_t> order_;
  std::size_t next_ = 0, last_ = 0;
};

std::vector<std::size_t> strided(std::size_t size, std::size_t first, std::size_t stride) {
  std::vector<std::size_t> order;
  for (std::size_t i = first; i < size; i += stride) order.push_back(i);
  return order;
}

TEST(SearchDriver, CountsConstructionFailuresAsSamplesAndEndsOnTheInvalidRun) {
  const Layer layer;
  const std::vector<std::optional<Mapping>> list{layer.everythingAt(2), std::nullopt, std::nullopt,
                                                 layer.everythingAt(0), layer.everythingAt(2)};
  SearchSettings settings;
  settings.metrics = {SearchMetric::Delay};
  settings.limits.invalid_run = 3;  // two failed draws and one rejected mapping in a row
  ListStrategy strategy(list, strided(list.size(), 0, 1));
  const SearchOutcome outcome = SearchDriver(layer.space, layer.energy, settings).run({&strategy});
  EXPECT_EQ(outcome.ends, std::vector<SearchEnd>{SearchEnd::InvalidRun});
  EXPECT_EQ(outcome.result.samples, 4);
  EXPECT_EQ(outcome.result.evaluations, 2);
  EXPECT_EQ(outcome.result.valid, 1);
  EXPECT_TRUE(outcome.result.found);
  EXPECT_EQ(outcome.result.mapping, *list[0]);
  EXPECT_EQ(strategy.reports,
            (std::vector<SearchStatus>{SearchStatus::Success, SearchStatus::MappingConstructionFailure,
                                       SearchStatus::MappingConstructionFailure, SearchStatus::EvalFailure}));
}

TEST(SearchDriver, VictoryAfterThatManyValidMappingsWithoutImprovement) {
  const Layer layer;
  const std::vector<std::optional<Mapping>> list(10, layer.everythingAt(2));
  SearchSettings settings;
  settings.metrics = {SearchMetric::Delay};
  settings.limits.victory = 4;
  ListStrategy strategy(list, strided(list.size(), 0, 1));
  const SearchOutcome outcome = SearchDriver(layer.space, layer.energy, settings).run({&strategy});
  EXPECT_EQ(outcome.ends, std::vector<SearchEnd>{SearchEnd::Victory});
  EXPECT_EQ(outcome.result.valid, 1 + 4);  // the first improves, the next four tie
  std::atomic<bool> stop{true};
  settings.stop = &stop;
  ListStrategy stopped(list, strided(list.size(), 0, 1));
  const SearchOutcome interrupted = SearchDriver(layer.space, layer.energy, settings).run({&stopped});
  EXPECT_EQ(interrupted.ends, std::vector<SearchEnd>{SearchEnd::Interrupted});
  EXPECT_TRUE(interrupted.result.interrupted);
  EXPECT_EQ(interrupted.result.samples, 0);
}

TEST(SearchDriver, ASequenceIsRecordedInOrderWhateverTheThreadCount) {
  const Layer layer;
  // Drawn mappings, some over capacity, some failed draws.
  std::vector<std::optional<Mapping>> list;
  Rng rng = makeRng(4, 0);
  for (int i = 0; i < 300; ++i) {
    Mapping m;
    layer.factors.sample(rng, m);
    list.push_back(i % 7 == 3 ? std::nullopt : std::optional<Mapping>(m));
  }
  std::vector<std::vector<std::int64_t>> counts;
  std::vector<Mapping> bests;
  for (int threads : {1, 3}) {
    std::vector<ListStrategy> strategies;
    for (int t = 0; t < threads; ++t) strategies.emplace_back(list, strided(list.size(), t, threads));
    SearchSettings settings;
    settings.metrics = {SearchMetric::Delay, SearchMetric::Energy};
    settings.schedule = SearchSchedule::InSequence;
    settings.limits.valid = 40;
    std::vector<Mapping> observed;
    settings.observer = [&](const Mapping& m, const Evaluation&) { observed.push_back(m); };
    const SearchOutcome outcome =
        SearchDriver(layer.space, layer.energy, settings).run(strategyPointers(strategies));
    ASSERT_TRUE(outcome.result.found);
    EXPECT_EQ(outcome.ends, std::vector<SearchEnd>{SearchEnd::Valid});
    EXPECT_EQ(outcome.result.valid, 40);
    // Observed in list order, up to the proposal that completed the 40 valid mappings.
    std::vector<Mapping> expected;
    for (std::int64_t i = 0; i < outcome.result.samples; ++i)
      if (list[static_cast<std::size_t>(i)]) expected.push_back(*list[static_cast<std::size_t>(i)]);
    EXPECT_EQ(observed, expected);
    counts.push_back({outcome.result.samples, outcome.result.evaluations, outcome.result.valid});
    bests.push_back(outcome.result.mapping);
  }
  EXPECT_EQ(counts[0], counts[1]);
  EXPECT_EQ(bests[0], bests[1]);
  EXPECT_LT(counts[0][0], 300);
}

TEST(SearchDriver, ExactRankingGivesTiesToTheLowestOrdinalOnAnyThread) {
  const Layer layer;
  // Seven mappings that evaluate exactly alike: they differ only in the order of the registers'
  // loops, which are all 1.
  std::vector<std::optional<Mapping>> list;
  for (int i = 0; i < 7; ++i) {
    Mapping m = layer.everythingAt(2);
    m.levels[0].temporal_order = i % 2 == 0 ? std::vector<int>{0, 1, 2} : std::vector<int>{2, 1, 0};
    if (i == 0) m.levels[0].temporal_order = {1, 0, 2};
    list.push_back(m);
  }
  // Entry 0 goes to the last thread, merged last.
  const std::vector<std::vector<std::size_t>> shares{{4, 5, 6}, {2, 3}, {0, 1}};
  for (const Ranking ranking : {Ranking::Exact, Ranking::FirstBetter}) {
    std::vector<ListStrategy> strategies;
    for (const auto& share : shares) strategies.emplace_back(list, share);
    SearchSettings settings;
    settings.metrics = {SearchMetric::Energy};
    settings.ranking = ranking;
    const SearchOutcome outcome =
        SearchDriver(layer.space, layer.energy, settings).run(strategyPointers(strategies));
    EXPECT_EQ(outcome.result.valid, 7);
    EXPECT_EQ(outcome.ends, std::vector<SearchEnd>(3, SearchEnd::Exhausted));
    // Exact: the lowest ordinal; FirstBetter: the first thread's first.
    EXPECT_EQ(outcome.result.mapping, *list[ranking == Ranking::Exact ? 0 : 4]);
  }
}

}  // namespace
}  // namespace cosa
