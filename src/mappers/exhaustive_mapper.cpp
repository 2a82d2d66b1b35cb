#include "mappers/exhaustive_mapper.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>

#include "mappers/factor_space.hpp"
#include "mappers/search_driver.hpp"

// Soundness of the pruning rules (see the header for the rules themselves).
//
// (a) Fan-out. Factors are only ever multiplied in as the search goes deeper, so a level's spatial
//     product never decreases below a node; once it exceeds the level's fan-out every completion
//     fails the model's fan-out check. At a complete assignment, an X/Y arrangement whose X or Y
//     product exceeds the mesh fails the model's mesh check whatever the temporal orders are.
// (b) Capacity. A level's tile for a data space spans the factors placed at and below it; an axis
//     extent is 1 + sum(coefficient * (extent - 1)), non-decreasing in every dimension extent when
//     all coefficients are >= 0 (the rule is switched off otherwise). Factors not placed yet count
//     as 1, so the kept tiles at a node are lower bounds on every completion's tiles and an
//     overflow at the node is an overflow of the model's capacity check in every completion.
// (c) Unit loops. The model drops temporal loops of one trip before walking the nest (a loop of one
//     iteration never moves a tile), so where they sit in an order changes nothing; only the
//     relative order of the loops with factor > 1 is enumerated, unit loops are put outermost.
// (d) Order collapse, each proved from what the model reads:
//     - Innermost level's temporal order: the tile analysis walks, for a level l, only the temporal
//       loops of the levels above l, and there is no storage level below level 0 (its loops feed
//       the arithmetic units, whose accesses are the product of all temporal factors). So level 0's
//       temporal order is never read: one order is enumerated.
//     - Spatial order: spatial loops are a set of children, and multicast/reduction (distinct child
//       tiles), partitions, instances and the fan-out check read only the spatial factors; the order
//       and split are read only to form the X and Y products of the mesh check (network energy is 0
//       in this model). So per level only the assignment of the non-unit spatial loops to X or Y is
//       enumerated (just "all on X" when the level has no mesh, where Y holds one child).
//     Without collapse_orders, every order of the non-unit spatial loops and every split is
//     enumerated, and every level's temporal order is.
// Anything else (e.g. orders of loops that move tiles the same way) is not collapsed: Timeloop's
// extrapolated walk and reset-on-direction-change make such equivalences hard to prove in general.

namespace cosa {

namespace {

constexpr std::int64_t kSaturated = std::numeric_limits<std::int64_t>::max();

// Mapping counts can exceed 64 bits on big layers; saturate rather than wrap.
std::int64_t saturatingMul(std::int64_t a, std::int64_t b) {
  if (a == 0 || b == 0) return 0;
  return a > kSaturated / b ? kSaturated : a * b;
}
std::int64_t saturatingAdd(std::int64_t a, std::int64_t b) { return a > kSaturated - b ? kSaturated : a + b; }
std::int64_t factorial(int n) {
  std::int64_t f = 1;
  for (int i = 2; i <= n; ++i) f = saturatingMul(f, i);
  return f;
}

// What every thread's strategy enumerates, shared read-only.
struct Enumeration {
  const FactorSpace* space = nullptr;
  std::vector<std::vector<std::vector<int>>> splits;  // [prime item][option]: exponent per slot
  std::uint64_t keep_patterns = 1;
  bool capacity_monotone = true;  // rule (b) applies
};

// Counts of the factor tree's walk, the same in every thread (each walks the whole tree).
struct WalkStats {
  std::int64_t leaves = 0, pruned_fanout = 0, pruned_capacity = 0;
  bool truncated = false;  // some mapping was numbered beyond max_evaluations
};

// One thread's share of the enumeration: every keep pattern (all-keep first), and in each the factor
// tree, walked depth first one prime item at a time; thread t evaluates the mappings of the complete
// assignments (leaves) `leaf % threads == t`. Every thread walks the whole tree (cheap, and it
// numbers the mappings identically everywhere), so ties can go to the first enumerated.
class ExhaustiveStrategy : public SearchStrategy {
 public:
  ExhaustiveStrategy(const Enumeration& enumeration, const ExhaustiveOptions& options, int thread,
                     int threads)
      : enumeration_(enumeration),
        space_(*enumeration.space),
        options_(options),
        thread_(thread),
        threads_(threads),
        choice_(enumeration.splits.size() + 1, 0),
        extents_(static_cast<std::size_t>(space_.numDims())) {}

  Proposal next(Mapping& mapping) override {
    while (true) {
      if (leaf_open_) {
        if (bounded() && index_ >= limit_) {
          leaf_open_ = false;
          continue;
        }
        for (int l = 0; l < space_.numLevels(); ++l) setOrders(l, spatial_choice_[l]);
        mapping = mapping_;
        last_ = {static_cast<std::int64_t>(pattern_), index_++};
        leaf_open_ = advanceOrders();
        return Proposal::Ready;
      }
      if (!in_pattern_ && !startPattern()) return Proposal::Exhausted;
      if (nextLeaf())
        numberLeaf();
      else
        finishPattern();
    }
  }
  // The enumeration does not depend on what the model says.
  void report(SearchStatus, const Evaluation&) override {}
  Ordinal ordinal() const override { return last_; }
  const WalkStats& stats() const { return stats_; }

 private:
  enum class Limit { Ok, FanOut, Capacity };

  bool bounded() const { return options_.max_evaluations > 0; }
  // Bounded search: numbering has passed this pattern's bound, nothing further will be evaluated.
  bool exhausted() const { return bounded() && next_index_ > limit_; }

  // The next keep pattern with the evaluation budget the earlier ones left; false when none is left.
  bool startPattern() {
    if (pattern_ >= enumeration_.keep_patterns) return false;
    if (bounded()) {
      limit_ = options_.max_evaluations - evaluated_before_;
      if (limit_ <= 0) {
        stats_.truncated = true;
        pattern_ = enumeration_.keep_patterns;
        return false;
      }
    }
    mapping_ = space_.unplaced(pattern_);
    depth_ = 0;
    choice_[0] = 0;
    at_leaf_ = false;
    next_index_ = 0;
    leaves_ = 0;
    in_pattern_ = true;
    return true;
  }

  void finishPattern() {
    stats_.leaves += leaves_;
    stats_.truncated = stats_.truncated || exhausted();
    // What every thread together evaluated in this pattern: every index below the bound.
    if (bounded()) evaluated_before_ += std::min(next_index_, limit_);
    in_pattern_ = false;
    ++pattern_;
  }

  // Moves to the next complete factor assignment that passes rules (a) and (b); false at the end of
  // the tree. Prunes a partial assignment as soon as a prime item's split breaks a rule.
  bool nextLeaf() {
    const std::vector<PrimeItem>& items = space_.primeItems();
    if (at_leaf_) {
      at_leaf_ = false;
      if (!retreat()) return false;
    }
    while (true) {
      if (depth_ == items.size()) {
        at_leaf_ = true;
        return true;
      }
      const std::vector<std::vector<int>>& options = enumeration_.splits[depth_];
      std::size_t& option = choice_[depth_];
      if (option == options.size() || exhausted()) {
        if (!retreat()) return false;
        continue;
      }
      space_.placeSplit(mapping_, items[depth_], options[option]);
      const Limit limit = limits();
      if (limit == Limit::Ok) {
        choice_[++depth_] = 0;
        continue;
      }
      ++(limit == Limit::FanOut ? stats_.pruned_fanout : stats_.pruned_capacity);
      space_.removeSplit(mapping_, items[depth_], options[option]);
      ++option;
    }
  }

  // Back to the parent prime item, on to its next split; false at the root.
  bool retreat() {
    if (depth_ == 0) return false;
    --depth_;
    space_.removeSplit(mapping_, space_.primeItems()[depth_], enumeration_.splits[depth_][choice_[depth_]]);
    ++choice_[depth_];
    return true;
  }

  // Rules (a) and (b) on the factors placed so far (unplaced ones count as 1).
  Limit limits() {
    const int levels = space_.numLevels(), dims = space_.numDims();
    for (int l = 0; l < levels; ++l) {
      std::int64_t used = 1;
      for (std::int64_t f : mapping_.levels[l].spatial) used *= f;
      if (used > space_.constrained().fanout(l)) return Limit::FanOut;
    }
    if (!enumeration_.capacity_monotone) return Limit::Ok;
    std::fill(extents_.begin(), extents_.end(), 1);
    const ConstrainedMapSpace& constrained = space_.constrained();
    const Workload& workload = constrained.workload();
    for (int l = 0; l < levels; ++l) {
      const LevelMapping& lm = mapping_.levels[l];
      for (int d = 0; d < dims; ++d) extents_[d] *= lm.temporal[d] * lm.spatial[d];
      if (!constrained.capacityWords(l)) continue;
      std::int64_t used = 0;
      for (int ds = 0; ds < space_.numDataSpaces(); ++ds)
        if (lm.keep[ds]) used += workload.tileSize(ds, extents_.data());
      if (!constrained.fits(l, used)) return Limit::Capacity;
    }
    return Limit::Ok;
  }

  // A complete factor assignment: numbers its mappings and, if it is ours, opens it for evaluation.
  void numberLeaf() {
    const std::int64_t leaf = leaves_++;
    const int levels = space_.numLevels();
    // Per level: the loops whose order is enumerated (rule (c): non-unit, not constrained).
    free_.assign(levels, {});
    spatial_.assign(levels, {});
    std::int64_t count = 1;
    for (int l = 0; l < levels; ++l) {
      const LevelMapping& lm = mapping_.levels[l];
      const std::vector<int>& prefix = space_.fixedPermutation(l);
      if (l > 0 || !options_.collapse_orders)
        for (int d = 0; d < space_.numDims(); ++d)
          if (lm.temporal[d] > 1 && std::find(prefix.begin(), prefix.end(), d) == prefix.end())
            free_[l].push_back(d);
      spatial_[l] = space_.spatialArrangements(l, lm, options_.collapse_orders);
      count = saturatingMul(count, saturatingMul(factorial(static_cast<int>(free_[l].size())),
                                                 static_cast<std::int64_t>(spatial_[l].size())));
    }
    const std::int64_t first = next_index_;
    next_index_ = saturatingAdd(next_index_, count);
    if (leaf % threads_ != thread_ || count == 0) return;
    if (bounded() && first >= limit_) return;
    leaf_open_ = true;
    index_ = first;
    spatial_choice_.assign(static_cast<std::size_t>(levels), 0);
  }

  // Odometer over the open leaf's mappings: temporal orders level by level, then spatial
  // arrangements. False when every mapping of the leaf has been proposed.
  bool advanceOrders() {
    const int levels = space_.numLevels();
    for (int l = 0; l < levels; ++l)
      if (std::next_permutation(free_[l].begin(), free_[l].end())) return true;
    for (int l = 0; l < levels; ++l) {
      if (++spatial_choice_[l] < spatial_[l].size()) return true;
      spatial_choice_[l] = 0;
    }
    return false;
  }

  // Temporal order: constrained loops innermost, then the enumerated ones, then the rest.
  void setOrders(int level, std::size_t spatial_choice) {
    LevelMapping& lm = mapping_.levels[level];
    lm.temporal_order = space_.fixedPermutation(level);
    lm.temporal_order.insert(lm.temporal_order.end(), free_[level].begin(), free_[level].end());
    for (int d = 0; d < space_.numDims(); ++d)
      if (std::find(lm.temporal_order.begin(), lm.temporal_order.end(), d) == lm.temporal_order.end())
        lm.temporal_order.push_back(d);
    const SpatialArrangement& arrangement = spatial_[level][spatial_choice];
    lm.spatial_order = arrangement.order;
    lm.spatial_split = arrangement.split;
  }

  const Enumeration& enumeration_;
  const FactorSpace& space_;
  const ExhaustiveOptions& options_;
  const int thread_, threads_;
  WalkStats stats_;
  // Keep patterns.
  std::uint64_t pattern_ = 0;  // the current one (or the next to start)
  bool in_pattern_ = false;
  std::int64_t limit_ = 0;             // this pattern's share of max_evaluations
  std::int64_t evaluated_before_ = 0;  // mappings evaluated (by all threads) in earlier patterns
  // The factor tree.
  Mapping mapping_;                  // the factors placed so far; orders set per proposal
  std::size_t depth_ = 0;            // prime items placed
  std::vector<std::size_t> choice_;  // [item]: its split placed (below depth_) or to try next
  bool at_leaf_ = false;
  std::vector<std::int64_t> extents_;
  std::int64_t leaves_ = 0;      // complete assignments of this pattern so far
  std::int64_t next_index_ = 0;  // enumeration index of this pattern's next mapping
  // The open leaf.
  bool leaf_open_ = false;
  std::int64_t index_ = 0;
  std::vector<std::vector<int>> free_;                    // [level]: loops whose order is enumerated
  std::vector<std::vector<SpatialArrangement>> spatial_;  // [level]
  std::vector<std::size_t> spatial_choice_;               // [level]
  Ordinal last_;
};

bool capacityMonotone(const Workload& workload) {
  for (const DataSpace& ds : workload.data_spaces)
    for (const ProjectionAxis& axis : ds.axes)
      for (const ProjectionTerm& term : axis)
        if (term.coefficient < 0) return false;
  return true;
}

std::string exhaustiveMessage(const SearchResult& result, const WalkStats& walk, std::size_t open_keeps,
                              const ExhaustiveOptions& options) {
  std::string message = fmt::format(
      "exhaustive search: {} factor assignments, {} mappings evaluated ({} valid); pruned {} partial "
      "assignments on fan-out and {} on capacity",
      walk.leaves, result.evaluations, result.valid, walk.pruned_fanout, walk.pruned_capacity);
  if (open_keeps > 0) message += fmt::format("; {} keep/bypass placements", std::uint64_t{1} << open_keeps);
  if (walk.truncated) message += fmt::format("; truncated at max_evaluations = {}", options.max_evaluations);
  if (result.interrupted) message += "; interrupted before the enumeration ended";
  return result.found ? message : "no valid mapping in the mapspace (" + message + ")";
}

}  // namespace

SearchResult exhaustiveMapper(const Architecture& arch, const Workload& workload,
                              const Constraints& constraints, const EnergyTable& energy,
                              const ExhaustiveOptions& options) {
  return exhaustiveMapper(ConstrainedMapSpace(arch, workload, constraints), energy, options);
}

SearchResult exhaustiveMapper(const ConstrainedMapSpace& constrained, const EnergyTable& energy,
                              const ExhaustiveOptions& options) {
  if (options.metrics.empty()) throw std::invalid_argument("exhaustive mapper: no metrics to optimise");
  if (!constrained.infeasibility().empty()) {
    SearchResult result;
    result.message = "no mapping satisfies the constraints: " + constrained.infeasibility();
    return result;
  }
  const FactorSpace space(constrained);
  // Data placement left open by the constraints is part of the mapspace: every keep/bypass
  // pattern of the open (level, data space) pairs is searched, all-keep first.
  const std::size_t open = space.openKeeps().size();
  if (open > 20)
    throw std::invalid_argument(fmt::format(
        "exhaustive mapper: {} keep/bypass choices are left open (2^{} placements); fix some with bypass "
        "constraints",
        open, open));
  Enumeration enumeration{&space, {}, std::uint64_t{1} << open, capacityMonotone(constrained.workload())};
  for (const PrimeItem& item : space.primeItems()) enumeration.splits.push_back(space.splits(item));

  const int threads = std::max(1, options.threads);
  std::vector<ExhaustiveStrategy> strategies;
  strategies.reserve(static_cast<std::size_t>(threads));
  for (int t = 0; t < threads; ++t) strategies.emplace_back(enumeration, options, t, threads);
  SearchSettings settings;
  settings.metrics = options.metrics;
  settings.ranking = Ranking::Exact;  // ties to the first enumerated, whatever the thread count
  settings.stop = options.stop;
  settings.observer = options.observer;
  SearchOutcome outcome = SearchDriver(constrained, energy, settings).run(strategyPointers(strategies));
  outcome.result.message = exhaustiveMessage(outcome.result, strategies.front().stats(), open, options);
  return outcome.result;
}

MapperResult ExhaustiveSearchMapper::run(const ConstrainedMapSpace& space, const EnergyTable& energy,
                                         const RunContext& context) const {
  ExhaustiveOptions options = options_;
  if (context.threads > 0) options.threads = context.threads;
  if (context.on_evaluation) options.observer = context.on_evaluation;
  return runWithinBudget(context, [&](const std::atomic<bool>* stop) {
    if (stop != nullptr) options.stop = stop;
    return named(name(), exhaustiveMapper(space, energy, options));
  });
}

}  // namespace cosa
