#pragma once
// Timeloop v0.4 problems (timeloopfe): `problem: {version: 0.4, instance: {...}, shape: {name,
// dimensions, coefficients, data_spaces: [{name, projection, read_write}]}}`. They are turned into
// the v0.3 form the problem reader takes: `data_spaces` -> `data-spaces`, `read_write` ->
// `read-write`; instance values may be expressions over `variables:`; instance keys that are
// neither dimensions nor coefficients (timeloopfe's examples carry H, W, Hpad, Wpad, which no
// Timeloop version reads) are dropped; non-empty `densities` (sparse) are rejected.

#include "io/yaml/expression.hpp"
#include "io/yaml/yaml_util.hpp"

namespace cosa::v04 {

// Whether the node under `problem:` is in the v0.4 form (version 0.4, or a shape with
// `data_spaces`).
bool isV04Problem(const YamlView& problem);

// The v0.3 form of the v0.4 node under `problem:`. Throws InputError.
YamlView normalizeProblem(const YamlView& problem, const Variables& variables);

}  // namespace cosa::v04
