#pragma once
// Reads and writes Timeloop mapping YAML (`mapping:` list of temporal/spatial/bypass entries).
//
// Accepted input (Timeloop 019f107 semantics, stricter where Timeloop silently accepts nonsense):
//  - `mapping:` is a list of entries `{target, type, ...}`. `target` is a storage level name (or
//    its index, innermost = 0); the arithmetic level is not a target. `type` is `temporal`,
//    `spatial`, `bypass` or its synonym `datatype`. At most one entry per (level, kind).
//  - `factors: "R=3 S=3 P7 ..."`: `NAME=N`, `NAME N` or `NAMEN`, separated by spaces or commas.
//    A dimension left out has factor 1. `0` means the whole dimension (its bound, as Timeloop reads
//    it; all other factors of that dimension must then be 1).
//  - Residual (imperfect) factors `NAME=N,R` / `NAMEN,R` (the comma right after the digits, as in
//    Timeloop's reader): a loop of bound N whose last iteration covers R, 1 <= R <= N (Timeloop
//    accepts anything; we reject R < 1 and R > N). Per dimension, from the outermost level in
//    (temporal before spatial), prod = prod*N + R - 1 from 0; prod + 1 must be the bound. `N,N` is
//    a perfect factor. See docs/cost-model.md for how the model evaluates residuals.
//  - `permutation: "PRSQCKN"`: innermost loop first. Single-letter names may be concatenated;
//    otherwise separate them by spaces or commas. Dimensions left out are appended (outermost) in
//    the workload's dimension order, as Timeloop does. A missing permutation = dimension order.
//  - `split: N` (spatial): the first N dimensions of the padded permutation map to X, the rest
//    to Y. Missing, or N >= number of dimensions, means all X (stored as -1).
//  - `keep: [...]`, `bypass: [...]` (bypass/datatype). A data space not mentioned is kept, and a
//    level without a bypass entry keeps everything (Timeloop's default).
//  - A spatial entry with a factor > 1 at a level without fan-out (its child has as many instances)
//    is a MappingError naming that level, as Timeloop rejects it; with factors of 1 it is ignored
//    with a warning. Fan-outs exceeded elsewhere make the mapping invalid in the cost model.
//  - Keys Timeloop does not read are ignored with a warning (file:line).
//  - `skew`, `no_link_transfer`, `no_multicast_no_reduction`, `no_temporal_reuse` are Timeloop
//    features cosa does not model: an empty list is accepted, anything else is an InputError.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "arch/architecture.hpp"
#include "io/yaml/input_files.hpp"
#include "io/yaml/yaml_util.hpp"
#include "mapping/mapping.hpp"
#include "workload/workload.hpp"

namespace cosa {

// A well-formed mapping whose factors do not multiply up to the workload's bounds (Timeloop's
// "product of all factors of dimension Q is 28, which is not equal to the dimension size of the
// workload 14"). Timeloop treats this as an invalid mapping; the CLI reports it with exit code 1
// (like capacity and fan-out violations), whereas other InputErrors mean unreadable input (exit 2).
class MappingError : public InputError {
 public:
  using InputError::InputError;
};

// `root` is a whole document holding `mapping:`. Throws InputError for malformed input
// (unknown level, dimension or data space, bad factor syntax, duplicate entries) and MappingError
// when the factor products do not equal the bounds.
Mapping parseMapping(const YamlView& root, const Architecture& arch, const Workload& workload);
Mapping loadMapping(const std::string& path, const Architecture& arch, const Workload& workload);
// The `mapping` section of a set of input files (see InputFiles).
Mapping parseMapping(const InputFiles& files, const Architecture& arch, const Workload& workload);

// Timeloop mapping YAML that timeloop-model accepts unchanged. Per level, innermost first: a
// temporal entry (every dimension, `R=7` form, `R=7,3` for a residual, full permutation), a spatial entry
// where the level has a fan-out > 1 or uses a spatial factor > 1 (with `split` unless all loops are on X),
// and a bypass entry with `keep`/`bypass` lists. Throws std::invalid_argument if `mapping` does not fit the
// architecture/workload (wrong number of levels, dimensions or data spaces).
std::string mappingToYaml(const Mapping& mapping, const Architecture& arch, const Workload& workload);
// Atomic write (temporary file + rename). Throws std::runtime_error on I/O failure.
void writeMapping(const std::string& path, const Mapping& mapping, const Architecture& arch,
                  const Workload& workload);

// Pieces of Timeloop's directive syntax, shared by the mapping and constraints readers.
namespace mapping_syntax {

// A storage level given by name or by index (innermost = 0).
int parseTargetLevel(const YamlView& target, const Architecture& arch);
// One factor as written: dimension index, value (0 = "whole dimension", for the caller to
// resolve) and residual (= value when none is written).
struct FactorTerm {
  int dim = 0;
  std::int64_t value = 0;
  std::int64_t residual = 0;
  bool has_residual = false;  // `,R` was written
};
// Factor text as written, in order. Rejects unknown/duplicate dimensions and malformed text.
std::vector<FactorTerm> parseFactorTerms(const YamlView& factors, const Workload& workload);
// The same without residuals (constraints): (dimension index, value); a residual other than the
// value is rejected as unsupported there.
std::vector<std::pair<int, std::int64_t>> parseFactorText(const YamlView& factors, const Workload& workload);
// Dimension indices as written (innermost first, possibly a subset); rejects unknown/duplicates.
std::vector<int> parsePermutationText(const YamlView& permutation, const Workload& workload);
// Completes a partial permutation: missing dimensions are appended in dimension order.
std::vector<int> completePermutation(std::vector<int> permutation, int num_dims);
// A list (or single name) of data spaces; rejects unknown names and duplicates.
std::vector<int> parseDataSpaceList(const YamlView& list, const Workload& workload);

}  // namespace mapping_syntax

}  // namespace cosa
