#pragma once
// Exhaustive search of the whole mapspace on the exact cost model, with sound pruning only: the
// best mapping it returns is the best of the mapspace (up to max_evaluations, when bounded).
//
// The mapspace: every split of every dimension's prime exponents over (level, temporal|spatial)
// slots (spatial only where the level fans out), every loop order per level and, at mesh levels,
// every X/Y assignment of the spatial loops, and every keep/bypass placement the Constraints leave
// open (as the CoSA scheduler decides them); fixed keeps, factors and permutations come from the
// Constraints. The mapspace is the factor space's (factor_space.hpp); the enumeration is a strategy
// of the search driver (search_driver.hpp), one per thread.
//
// Pruning (each rule only drops mappings that are invalid or that evaluate exactly like one that is
// enumerated; the arguments are in exhaustive_mapper.cpp):
//  (a) fan-out: a partial factor assignment whose spatial product at a level exceeds its fan-out
//      is abandoned; X/Y assignments that do not fit the mesh are never evaluated.
//  (b) capacity: a partial assignment whose kept tiles (a lower bound on the final tiles) overflow
//      a level is abandoned.
//  (c) loop orders: only the relative order of loops with more than one trip is enumerated.
//  (d) order collapse (collapse_orders): the innermost level's temporal order and the order of
//      spatial loops beyond their X/Y assignment are not enumerated.

#include <atomic>
#include <cstdint>
#include <vector>

#include "arch/architecture.hpp"
#include "mappers/constrained_mapspace.hpp"
#include "mappers/mapper.hpp"
#include "mappers/search_driver.hpp"
#include "mapping/constraints.hpp"
#include "model/energy.hpp"
#include "workload/workload.hpp"

namespace cosa {

struct ExhaustiveOptions {
  std::vector<SearchMetric> metrics{SearchMetric::Delay, SearchMetric::Energy};
  std::int64_t max_evaluations = 0;  // 0 = unlimited; else the first N mappings in enumeration order
  int threads = 1;                   // the result does not depend on it
  bool collapse_orders = true;       // rule (d); off only to measure or test it
  // Polled before every mapping; once set, the search stops and returns the best so far, marked
  // interrupted (SIGINT in `cosa compare`).
  const std::atomic<bool>* stop = nullptr;
  // Called for every evaluated mapping, from the worker threads: serialise inside if threads > 1.
  EvaluationObserver observer;
};

// Deterministic: the enumeration order is fixed and ties go to the mapping enumerated first.
SearchResult exhaustiveMapper(const Architecture& arch, const Workload& workload,
                              const Constraints& constraints, const EnergyTable& energy,
                              const ExhaustiveOptions& options = {});
SearchResult exhaustiveMapper(const ConstrainedMapSpace& space, const EnergyTable& energy,
                              const ExhaustiveOptions& options = {});

// The exhaustive mapper as a Mapper ("exhaustive"); the run context's threads (when set), stop flag
// and on_evaluation replace the options' own (the result does not depend on the seed).
class ExhaustiveSearchMapper : public Mapper {
 public:
  explicit ExhaustiveSearchMapper(ExhaustiveOptions options = {}) : options_(std::move(options)) {}
  std::string name() const override { return "exhaustive"; }
  MapperResult run(const ConstrainedMapSpace& space, const EnergyTable& energy,
                   const RunContext& context) const override;

 private:
  ExhaustiveOptions options_;
};

}  // namespace cosa
