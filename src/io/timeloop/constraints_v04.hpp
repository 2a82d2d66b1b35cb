#pragma once
// Timeloop v0.4 constraints (timeloopfe), turned into the v0.3 constraint list the constraints
// reader takes, the way timeloopfe turns them into Timeloop's input:
//  - constraints inside the architecture's nodes (`constraints: {spatial, temporal, dataspace}`),
//    top-level `constraints: {targets: [...]}` and `mapping: [...]` entries attached by name;
//    factors and permutations as lists (`[R=1, S=1]`, `[C, M]`) or strings; the macros
//    `factors_only`, `no_iteration_over_dataspaces`, `must_iterate_over_dataspaces`, `keep_only`,
//    `bypass_only`, and `*` for every data space;
//  - `!Parallel` branches: each bypasses the data spaces its peers keep (a data space kept by two
//    peers, or by none, is an error, as in timeloopfe);
//  - permutations get the factor-1 and bound-1 dimensions put innermost (timeloopfe's
//    permutation optimizer), and the dummy level of a fan-out gets its spatial constraints, no
//    temporal loops and no data spaces;
//  - timeloopfe's processed output: `architecture_constraints` as written.
// `maximize_dims` and the sparse features are rejected.

#include "io/yaml/yaml_util.hpp"
#include "workload/workload.hpp"

namespace cosa::v04 {

// Whether `root` holds v0.4 constraints: a v0.4 architecture, or v0.4 `constraints:` or `mapspace:`.
bool hasV04Constraints(const YamlView& root);

// The equivalent v0.3 document: `{architecture_constraints: {targets: [...]}}`. Throws InputError.
YamlView normalizeConstraints(const YamlView& root, const Workload& workload);

}  // namespace cosa::v04
