#pragma once
// The sweep spec file (YAML; docs/sweeps.md, docs/schema/sweep-spec.schema.json), read and checked
// into value types: the base architecture, the mapspace, the workloads, the parameters and how they
// combine, and the scheduler section.
//
// Why the scheduler section is read as written (SweepSchedulerFields) and not into app::RunSettings:
// io/ may include neither app/ (where RunSettings lives) nor mappers/ (which alone know the mapper,
// objective and backend names and hold every setting's default). So each setting here is optional
// ("not given"), with no default of its own, and a name is kept as text with where the spec writes
// it (SpecText); app/sweep_spec.hpp turns the fields into RunSettings, starting from its defaults, and
// reports a bad name at the spec's line:column. Putting the whole spec type in io/ with RunSettings
// inside would make io/ include app/; putting the reading in app/ would parse YAML outside io/.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "arch/architecture.hpp"
#include "common/error.hpp"

namespace cosa {

// One attribute a parameter sets: value x times, on the level named `level` (a storage level or
// the arithmetic level, also reachable as `arithmetic`).
struct AttributeTarget {
  std::string level;
  std::string attribute;  // instances, meshX, meshY, entries, depth, sizeKB, word-bits, ...
  double times = 1;

  // Whether `level` names the arithmetic level of `arch` (by its name or as `arithmetic`).
  bool onArithmetic(const Architecture& arch) const;
};

struct SweepParameter {
  std::string name;
  std::vector<double> values;
  std::vector<AttributeTarget> targets;
};

enum class WorkloadKind { Network, Folder, Onnx };

struct SweepWorkload {
  WorkloadKind kind = WorkloadKind::Network;
  std::string source;      // a bundled network's name, or an absolute path
  std::int64_t batch = 1;  // ONNX only
  std::string label;       // in ids and the CSV: the network name or the file's stem
};

// What the spec sweeps, and over what.
struct SweepDefinition {
  std::string file;  // the spec, absolute
  std::string name;
  std::string architecture;  // absolute path
  std::string mapspace;      // absolute path; empty = none
  std::vector<SweepWorkload> workloads;
  std::vector<SweepParameter> parameters;
  bool zip = false;  // parameters vary together (equal lengths) instead of as a product
};

// A name the spec gives whose meaning is checked above io/ (a mapper, an objective, a backend, a
// sampling): the text and where it is written.
struct SpecText {
  std::string text;
  SourceLocation where;
  std::string field;  // the dotted path, e.g. scheduler.mapper

  // InputError naming where, the field and `reason`.
  [[noreturn]] void fail(const std::string& reason) const;
};

// The spec's `scheduler:` section as written: every field optional, none with a default (the
// defaults are the mappers' option structs'). Numbers are checked here (finite, in range); names are
// not. The search mappers' fields have the names and meanings of the CLI's flags.
struct SweepSchedulerFields {
  std::optional<SpecText> mapper;     // mapper: cosa | random | hybrid | exhaustive
  std::optional<SpecText> objective;  // cosa's objective
  std::optional<SpecText> backend;    // cosa's MIP backend
  std::optional<double> time_limit_s;
  std::optional<double> gap;
  std::optional<std::int64_t> seed;  // 0 .. INT_MAX
  std::optional<bool> polish;
  std::optional<std::int64_t> random_valid;       // random-valid (>= 1)
  std::optional<std::int64_t> search_size;        // search-size (>= 0)
  std::optional<std::int64_t> victory_condition;  // victory-condition (>= 0)
  std::optional<SpecText> hybrid_sampling;        // hybrid-sampling
  std::optional<std::int64_t> hybrid_threads;     // hybrid-threads (>= 1)
  std::optional<std::int64_t> max_evaluations;    // max-evaluations: exhaustive's budget (>= 0)
};

struct SweepSpecFile {
  SweepDefinition sweep;
  SweepSchedulerFields scheduler;
  SourceLocation where;  // the spec's top level, for errors about the whole spec
};

// Reads and checks a spec (InputError naming file, line:column, field and reason). Levels and
// attributes are checked against the base architecture, which is loaded here; the number of points
// is bounded here. Point ids, and the scheduler's names, are checked by app/sweep_spec.
SweepSpecFile readSweepSpec(const std::string& path);

}  // namespace cosa
