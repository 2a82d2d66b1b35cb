#include "mappers/exhaustive_mapper.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <limits>
#include <numeric>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>

#include "mappers/factorization.hpp"
#include "model/evaluator.hpp"

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
std::int64_t power(std::int64_t base, int exponent) {
  std::int64_t p = 1;
  for (int i = 0; i < exponent; ++i) p *= base;
  return p;
}

// Where a prime factor can go.
struct Slot {
  int level = 0;
  bool spatial = false;
};

// One prime of one dimension and every way to split its exponent over the slots.
struct PrimeItem {
  int dim = 0;
  std::int64_t prime = 0;
  std::vector<std::vector<int>> splits;  // per option: exponent per slot
};

struct SpatialOption {
  std::vector<int> order;  // innermost first
  int split = -1;
};

// The mapspace with the constraints resolved; shared read-only by the threads.
struct Space {
  int levels = 0, dims = 0, data_spaces = 0;
  std::vector<Slot> slots;
  std::vector<PrimeItem> items;
  std::vector<std::vector<int>> temporal_prefix;            // [level]: constrained innermost loops
  std::vector<std::optional<SpatialOption>> fixed_spatial;  // [level]: constrained spatial order
  std::vector<bool> fixed_spatial_split_free;               // [level]: the order fixed, not its split
  std::vector<std::vector<bool>> keep;                      // [level][data space]
  const ConstrainedMapSpace* constrained = nullptr;         // the capacity rule (fits)
  std::vector<std::int64_t> fanout, fanout_x, fanout_y;     // [level]
  bool capacity_monotone = true;                            // rule (b) applies
  std::string infeasible;                                   // why the constraints admit nothing
};

// Every vector of `parts` non-negative exponents summing to `total`, in a fixed order.
void compositions(int total, int parts, std::vector<int>& prefix, std::vector<std::vector<int>>& out) {
  if (parts == 1) {
    prefix.push_back(total);
    out.push_back(prefix);
    prefix.pop_back();
    return;
  }
  for (int first = total; first >= 0; --first) {
    prefix.push_back(first);
    compositions(total - first, parts - 1, prefix, out);
    prefix.pop_back();
  }
}

// The enumeration's view of the constrained mapspace: slots, prime splits and fixed orders.
Space buildSpace(const ConstrainedMapSpace& constrained) {
  const Workload& workload = constrained.workload();
  Space space;
  space.constrained = &constrained;
  space.levels = constrained.numLevels();
  space.dims = constrained.numDims();
  space.data_spaces = constrained.numDataSpaces();
  space.infeasible = constrained.infeasibility();
  const int levels = space.levels, dims = space.dims;
  for (int l = 0; l < levels; ++l) {
    space.slots.push_back({l, false});
    if (constrained.fanout(l) > 1) space.slots.push_back({l, true});
    space.fanout.push_back(constrained.fanout(l));
    space.fanout_x.push_back(constrained.fanoutX(l));
    space.fanout_y.push_back(constrained.fanoutY(l));
    std::vector<bool> keep;
    for (int ds = 0; ds < space.data_spaces; ++ds) keep.push_back(constrained.keepsByDefault(l, ds));
    space.keep.push_back(std::move(keep));
  }
  for (const DataSpace& ds : workload.data_spaces)
    for (const ProjectionAxis& axis : ds.axes)
      for (const ProjectionTerm& term : axis)
        if (term.coefficient < 0) space.capacity_monotone = false;
  if (!space.infeasible.empty()) return space;

  // Fixed permutations and factors.
  space.temporal_prefix.assign(levels, {});
  space.fixed_spatial.assign(levels, std::nullopt);
  space.fixed_spatial_split_free.assign(levels, false);
  std::vector<std::vector<std::optional<std::int64_t>>> pinned(
      dims, std::vector<std::optional<std::int64_t>>(space.slots.size()));
  for (int l = 0; l < levels; ++l) {
    space.temporal_prefix[l] = constrained.fixedPermutation(l);
    const std::vector<int>& spatial_order = constrained.fixedSpatialPermutation(l);
    if (!spatial_order.empty() || constrained.fixedSplit(l)) {
      SpatialOption option{spatial_order, constrained.fixedSplit(l).value_or(-1)};
      for (int d = 0; d < dims; ++d)
        if (std::find(option.order.begin(), option.order.end(), d) == option.order.end())
          option.order.push_back(d);
      space.fixed_spatial[l] = option;
      space.fixed_spatial_split_free[l] = !constrained.fixedSplit(l).has_value();
    }
  }
  for (std::size_t s = 0; s < space.slots.size(); ++s)
    for (int d = 0; d < dims; ++d)
      pinned[d][s] = space.slots[s].spatial ? constrained.fixedSpatial(space.slots[s].level, d)
                                            : constrained.fixedTemporal(space.slots[s].level, d);

  for (int d = 0; d < dims; ++d) {
    // The fixed factors divide the bound (else the mapspace is infeasible, handled above), so each
    // prime's pinned exponents leave a non-negative rest for the free slots.
    for (const PrimePower& pp : primeFactors(workload.bounds[d])) {
      PrimeItem item{d, pp.prime, {}};
      std::vector<int> exponents(space.slots.size(), 0);
      std::vector<int> free_slots;
      int free = pp.exponent;
      for (std::size_t s = 0; s < space.slots.size(); ++s) {
        if (!pinned[d][s]) {
          free_slots.push_back(static_cast<int>(s));
          continue;
        }
        for (std::int64_t f = *pinned[d][s]; f > 0 && f % pp.prime == 0; f /= pp.prime) ++exponents[s];
        free -= exponents[s];
      }
      if (free < 0 || (free > 0 && free_slots.empty())) {
        space.infeasible =
            fmt::format("the factors of {} fixed by the constraints do not multiply to its bound {}",
                        workload.dimensions[d], workload.bounds[d]);
        continue;
      }
      std::vector<std::vector<int>> splits;
      std::vector<int> prefix;
      if (free_slots.empty())
        splits.emplace_back();
      else
        compositions(free, static_cast<int>(free_slots.size()), prefix, splits);
      for (const std::vector<int>& split : splits) {
        std::vector<int> option = exponents;
        for (std::size_t i = 0; i < free_slots.size(); ++i) option[free_slots[i]] = split[i];
        item.splits.push_back(std::move(option));
      }
      space.items.push_back(std::move(item));
    }
  }
  return space;
}

// Lexicographic over the metrics, exact: a strict total order together with the enumeration index,
// so the minimum does not depend on how the enumeration is split among threads.
bool lexLess(const std::vector<double>& a, const std::vector<double>& b) {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end());
}

// One thread's share: every thread walks the same factor tree (cheap, and it numbers the mappings
// identically everywhere) and evaluates the complete assignments `leaf % threads == thread`.
class Search {
 public:
  // Each search has its own Evaluator: it keeps scratch state between evaluations.
  Search(const Space& space, const Architecture& arch, const Workload& workload, const EnergyTable& energy,
         const ExhaustiveOptions& options, int thread, int threads)
      : space_(space),
        evaluator_(arch, workload, energy),
        options_(options),
        thread_(thread),
        threads_(threads) {
    mapping_ = trivialMapping(space.levels, space.dims, space.data_spaces);
    for (int l = 0; l < space.levels; ++l) mapping_.levels[l].keep = space.keep[l];
    extents_.resize(static_cast<std::size_t>(space.dims));
  }

  void run() {
    place(0);
    // Some mapping was numbered beyond the bound (the walk stops at the first such leaf).
    truncated = exhausted();
  }

  struct Best {
    bool found = false;
    std::vector<double> key;
    std::int64_t index = 0;
    Mapping mapping;
    Evaluation evaluation;
  };
  const Best& best() const { return best_; }
  std::int64_t evaluations = 0, valid = 0;
  std::int64_t leaves = 0, pruned_fanout = 0, pruned_capacity = 0;
  bool truncated = false;
  bool stopped = false;

 private:
  // A relaxed load every 1024 evaluations costs nothing next to the model.
  bool stopRequested() {
    if (!stopped && options_.stop != nullptr && options_.stop->load(std::memory_order_relaxed))
      stopped = true;
    return stopped;
  }

  enum class Limit { Ok, FanOut, Capacity };

  bool bounded() const { return options_.max_evaluations > 0; }
  // Bounded search: numbering has passed the bound, nothing further will be evaluated.
  bool exhausted() const { return bounded() && next_index_ > options_.max_evaluations; }

  void multiply(const PrimeItem& item, const std::vector<int>& split, bool undo) {
    for (std::size_t s = 0; s < split.size(); ++s) {
      if (split[s] == 0) continue;
      const Slot& slot = space_.slots[s];
      LevelMapping& lm = mapping_.levels[slot.level];
      std::int64_t& factor = slot.spatial ? lm.spatial[item.dim] : lm.temporal[item.dim];
      const std::int64_t p = power(item.prime, split[s]);
      factor = undo ? factor / p : factor * p;
    }
  }

  void place(std::size_t i) {
    if (i == space_.items.size()) {
      visitLeaf();
      return;
    }
    const PrimeItem& item = space_.items[i];
    for (const std::vector<int>& split : item.splits) {
      if (exhausted() || stopped) return;
      multiply(item, split, false);
      switch (limits()) {
        case Limit::Ok:
          place(i + 1);
          break;
        case Limit::FanOut:
          ++pruned_fanout;
          break;
        case Limit::Capacity:
          ++pruned_capacity;
          break;
      }
      multiply(item, split, true);
    }
  }

  // Rules (a) and (b) on the factors placed so far (unplaced ones count as 1).
  Limit limits() {
    for (int l = 0; l < space_.levels; ++l) {
      std::int64_t used = 1;
      for (std::int64_t f : mapping_.levels[l].spatial) used *= f;
      if (used > space_.fanout[l]) return Limit::FanOut;
    }
    if (!space_.capacity_monotone) return Limit::Ok;
    std::fill(extents_.begin(), extents_.end(), 1);
    const Workload& workload = evaluator_.workload();
    for (int l = 0; l < space_.levels; ++l) {
      const LevelMapping& lm = mapping_.levels[l];
      for (int d = 0; d < space_.dims; ++d) extents_[d] *= lm.temporal[d] * lm.spatial[d];
      if (!space_.constrained->capacityWords(l)) continue;
      std::int64_t used = 0;
      for (int ds = 0; ds < space_.data_spaces; ++ds)
        if (space_.keep[l][ds]) used += workload.tileSize(ds, extents_.data());
      if (!space_.constrained->fits(l, used)) return Limit::Capacity;
    }
    return Limit::Ok;
  }

  bool fitsMesh(int level, const SpatialOption& option) const {
    const std::vector<std::int64_t>& spatial = mapping_.levels[level].spatial;
    std::int64_t used = 1, used_x = 1;
    for (std::int64_t f : spatial) used *= f;
    const int split = option.split < 0 ? space_.dims : option.split;
    for (int i = 0; i < static_cast<int>(option.order.size()) && i < split; ++i)
      used_x *= spatial[option.order[i]];
    return used <= space_.fanout[level] && used_x <= space_.fanout_x[level] &&
           used / used_x <= space_.fanout_y[level];
  }

  // Spatial arrangements of a level worth evaluating (rules (a) and (d)).
  std::vector<SpatialOption> spatialOptions(int level) const {
    std::vector<SpatialOption> options;
    const std::vector<std::int64_t>& spatial = mapping_.levels[level].spatial;
    std::vector<int> non_unit, unit;
    for (int d = 0; d < space_.dims; ++d) (spatial[d] > 1 ? non_unit : unit).push_back(d);
    auto add = [&](std::vector<int> order, int split) {
      order.insert(order.end(), unit.begin(), unit.end());
      SpatialOption option{std::move(order), split};
      if (fitsMesh(level, option)) options.push_back(std::move(option));
    };
    if (space_.fixed_spatial[level] && space_.fixed_spatial_split_free[level]) {
      // The order is the user's, the split is searched (Timeloop chooses it when none is given).
      SpatialOption option = *space_.fixed_spatial[level];
      for (int split = space_.dims; split >= 0; --split) {
        option.split = split == space_.dims ? -1 : split;
        if (fitsMesh(level, option)) options.push_back(option);
        if (space_.fanout_y[level] <= 1) break;  // no mesh: everything is on X
      }
    } else if (space_.fixed_spatial[level]) {
      if (fitsMesh(level, *space_.fixed_spatial[level])) options.push_back(*space_.fixed_spatial[level]);
    } else if (non_unit.empty()) {
      add({}, -1);
    } else if (options_.collapse_orders) {
      // Each subset of the non-unit loops on X (all of them first), the rest on Y.
      const int k = static_cast<int>(non_unit.size());
      for (int mask = (1 << k) - 1; mask >= 0; --mask) {
        std::vector<int> x, y;
        for (int i = 0; i < k; ++i) (mask >> i & 1 ? x : y).push_back(non_unit[i]);
        const int split = y.empty() ? -1 : static_cast<int>(x.size());
        x.insert(x.end(), y.begin(), y.end());
        add(std::move(x), split);
      }
    } else {
      std::vector<int> order = non_unit;
      do
        for (int split = 0; split <= static_cast<int>(order.size()); ++split)
          add(order, split == static_cast<int>(order.size()) ? -1 : split);
      while (std::next_permutation(order.begin(), order.end()));
    }
    return options;
  }

  // A complete factor assignment: number its mappings and, if it is ours, evaluate them.
  void visitLeaf() {
    const std::int64_t leaf = leaves++;
    const int levels = space_.levels;
    // Per level: the loops whose order is enumerated (rule (c): non-unit, not constrained).
    free_.assign(levels, {});
    spatial_.assign(levels, {});
    std::int64_t count = 1;
    for (int l = 0; l < levels; ++l) {
      const LevelMapping& lm = mapping_.levels[l];
      const std::vector<int>& prefix = space_.temporal_prefix[l];
      if (l > 0 || !options_.collapse_orders)
        for (int d = 0; d < space_.dims; ++d)
          if (lm.temporal[d] > 1 && std::find(prefix.begin(), prefix.end(), d) == prefix.end())
            free_[l].push_back(d);
      spatial_[l] = spatialOptions(l);
      count = saturatingMul(count, saturatingMul(factorial(static_cast<int>(free_[l].size())),
                                                 static_cast<std::int64_t>(spatial_[l].size())));
    }
    const std::int64_t first = next_index_;
    next_index_ = saturatingAdd(next_index_, count);
    if (leaf % threads_ != thread_ || count == 0) return;
    if (bounded() && first >= options_.max_evaluations) return;

    std::vector<std::size_t> spatial_choice(levels, 0);
    for (std::int64_t index = first;; ++index) {
      if (bounded() && index >= options_.max_evaluations) return;
      if ((evaluations & 1023) == 0 && stopRequested()) return;
      for (int l = 0; l < levels; ++l) setOrders(l, spatial_choice[l]);
      evaluator_.evaluate(mapping_, evaluation_);
      ++evaluations;
      if (evaluation_.valid) {
        ++valid;
        consider(index);
      }
      // Odometer: temporal orders level by level, then spatial options.
      bool advanced = false;
      for (int l = 0; l < levels && !advanced; ++l)
        advanced = std::next_permutation(free_[l].begin(), free_[l].end());
      for (int l = 0; l < levels && !advanced; ++l) {
        if (++spatial_choice[l] < spatial_[l].size())
          advanced = true;
        else
          spatial_choice[l] = 0;
      }
      if (!advanced) return;
    }
  }

  // Temporal order: constrained loops innermost, then the enumerated ones, then the rest.
  void setOrders(int level, std::size_t spatial_choice) {
    LevelMapping& lm = mapping_.levels[level];
    const std::vector<int>& prefix = space_.temporal_prefix[level];
    lm.temporal_order = prefix;
    lm.temporal_order.insert(lm.temporal_order.end(), free_[level].begin(), free_[level].end());
    for (int d = 0; d < space_.dims; ++d)
      if (std::find(lm.temporal_order.begin(), lm.temporal_order.end(), d) == lm.temporal_order.end())
        lm.temporal_order.push_back(d);
    const SpatialOption& option = spatial_[level][spatial_choice];
    lm.spatial_order = option.order;
    lm.spatial_split = option.split;
  }

  void consider(std::int64_t index) {
    key_.clear();
    for (SearchMetric metric : options_.metrics) key_.push_back(metricValue(metric, evaluation_));
    // Indices grow within a thread, so strict improvement keeps the earliest of equals.
    if (best_.found && !lexLess(key_, best_.key)) return;
    best_.found = true;
    best_.key = key_;
    best_.index = index;
    best_.mapping = mapping_;
    best_.evaluation = evaluation_;
  }

  const Space& space_;
  Evaluator evaluator_;
  const ExhaustiveOptions& options_;
  const int thread_, threads_;
  Mapping mapping_;  // the factors placed so far; orders set per evaluation
  std::vector<std::int64_t> extents_;
  std::vector<std::vector<int>> free_;
  std::vector<std::vector<SpatialOption>> spatial_;
  std::int64_t next_index_ = 0;  // enumeration index of the next complete mapping
  Evaluation evaluation_;
  std::vector<double> key_;
  Best best_;
};

}  // namespace

SearchResult exhaustiveMapper(const Architecture& arch, const Workload& workload,
                              const Constraints& constraints, const EnergyTable& energy,
                              const ExhaustiveOptions& options) {
  return exhaustiveMapper(ConstrainedMapSpace(arch, workload, constraints), energy, options);
}

SearchResult exhaustiveMapper(const ConstrainedMapSpace& constrained, const EnergyTable& energy,
                              const ExhaustiveOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  const Architecture& arch = constrained.arch();
  const Workload& workload = constrained.workload();
  SearchResult result;
  if (options.metrics.empty()) throw std::invalid_argument("exhaustive mapper: no metrics to optimise");
  const Space space = buildSpace(constrained);
  if (!space.infeasible.empty()) {
    result.message = "no mapping satisfies the constraints: " + space.infeasible;
    return result;
  }

  // Data placement left open by the constraints is part of the mapspace: every keep/bypass
  // pattern of the open (level, data space) pairs is searched, all-keep first.
  const std::vector<std::pair<int, int>> open = constrained.openKeeps();
  if (open.size() > 20)
    throw std::invalid_argument(fmt::format(
        "exhaustive mapper: {} keep/bypass choices are left open (2^{} placements); fix some with bypass "
        "constraints",
        open.size(), open.size()));

  const int threads = std::max(1, options.threads);
  std::int64_t leaves = 0, pruned_fanout = 0, pruned_capacity = 0;
  bool truncated = false;
  std::optional<Mapping> best_mapping;
  Evaluation best_evaluation;
  std::vector<double> best_key;
  for (std::uint64_t pattern = 0; pattern < (std::uint64_t{1} << open.size()); ++pattern) {
    Space placed = space;
    for (std::size_t i = 0; i < open.size(); ++i)
      placed.keep[open[i].first][open[i].second] = ((pattern >> i) & 1) == 0;
    ExhaustiveOptions remaining = options;
    if (options.max_evaluations > 0) {
      remaining.max_evaluations = options.max_evaluations - result.evaluations;
      if (remaining.max_evaluations <= 0) {
        truncated = true;
        break;
      }
    }
    std::vector<Search> searches;
    searches.reserve(static_cast<std::size_t>(threads));
    for (int t = 0; t < threads; ++t)
      searches.emplace_back(placed, arch, workload, energy, remaining, t, threads);
    if (threads == 1) {
      searches.front().run();
    } else {
      std::vector<std::thread> workers;
      for (Search& search : searches) workers.emplace_back([&search] { search.run(); });
      for (std::thread& worker : workers) worker.join();
    }
    const Search* winner = nullptr;
    for (const Search& search : searches) {
      result.evaluations += search.evaluations;
      result.valid += search.valid;
      const auto& best = search.best();
      if (!best.found) continue;
      if (winner == nullptr || lexLess(best.key, winner->best().key) ||
          (best.key == winner->best().key && best.index < winner->best().index))
        winner = &search;
    }
    const Search& any = searches.front();  // the factor tree is walked identically by every thread
    leaves += any.leaves;
    pruned_fanout += any.pruned_fanout;
    pruned_capacity += any.pruned_capacity;
    truncated = truncated || any.truncated;
    for (const Search& search : searches) result.interrupted = result.interrupted || search.stopped;
    // Earlier patterns win ties, so the result does not depend on the thread count.
    if (winner != nullptr && (!best_mapping || lexLess(winner->best().key, best_key))) {
      best_mapping = winner->best().mapping;
      best_evaluation = winner->best().evaluation;
      best_key = winner->best().key;
    }
    if (result.interrupted) break;
  }
  result.samples = result.evaluations;  // every complete mapping enumerated is evaluated
  result.message = fmt::format(
      "exhaustive search: {} factor assignments, {} mappings evaluated ({} valid); pruned {} partial "
      "assignments on fan-out and {} on capacity",
      leaves, result.evaluations, result.valid, pruned_fanout, pruned_capacity);
  if (!open.empty())
    result.message += fmt::format("; {} keep/bypass placements", std::uint64_t{1} << open.size());
  if (truncated)
    result.message += fmt::format("; truncated at max_evaluations = {}", options.max_evaluations);
  if (result.interrupted) result.message += "; interrupted before the enumeration ended";
  if (best_mapping) {
    result.found = true;
    result.mapping = *best_mapping;
    result.evaluation = best_evaluation;
  } else {
    result.message = "no valid mapping in the mapspace (" + result.message + ")";
  }
  result.time_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

MapperResult ExhaustiveSearchMapper::run(const ConstrainedMapSpace& space, const EnergyTable& energy,
                                         const RunContext& context) const {
  ExhaustiveOptions options = options_;
  if (context.threads > 0) options.threads = context.threads;
  return runWithinBudget(context, [&](const std::atomic<bool>* stop) {
    if (stop != nullptr) options.stop = stop;
    return named(name(), exhaustiveMapper(space, energy, options));
  });
}

}  // namespace cosa
