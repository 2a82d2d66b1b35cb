#pragma once
// Timeloop v0.4 specifications, as timeloopfe (Timeloop's Python front end) reads them and as it
// writes them out (`parsed-processed-input.yaml`). See docs/timeloop-v04.md.
//
// Two architecture forms carry `version: 0.4`:
//  - the user form, `architecture: {version: 0.4, nodes: [...]}`: a tree of `!Container`,
//    `!Component`, `!Parallel`, `!Hierarchical` and `!Nothing` nodes, outermost first, with
//    `spatial: {meshX, meshY}` fan-outs, `constraints:` inside the nodes, `variables:` and
//    attribute values that are arithmetic expressions;
//  - timeloopfe's processed form (`architecture: {version: 0.4, subtree: [{local: [...]}]}`),
//    a flat list of components with their instance counts in their names (`pe_spad[1..256]`) and
//    timeloopfe's bookkeeping attributes.
// Both are flattened the way timeloopfe flattens the tree for Timeloop: a container or component
// with a spatial fan-out becomes a dummy level named `inter_<name>_spatial` (1 word of 1 bit,
// bypassing every data space, no temporal loops) that carries the fan-out and its spatial
// constraints; `!Parallel` branches become consecutive levels (each keeping its own data spaces);
// container attributes are inherited by the components after them. The result is read like the
// v0.3 tree, with Timeloop 019f107's attribute semantics.

#include <optional>
#include <string>
#include <vector>

#include "arch/architecture.hpp"
#include "io/yaml/expression.hpp"
#include "io/yaml/yaml_util.hpp"

namespace cosa::v04 {

// Whether `node` (an `architecture:`, `problem:` or similar block) declares version 0.4.
bool declaresV04(const YamlView& node);

// Rejects the sparse features cosa does not model (`sparse_optimizations`, non-empty densities)
// anywhere in a v0.4 document.
void rejectSparse(const YamlView& root);

// One leaf of the user form in timeloopfe's order (outermost first), for the constraint reader.
struct Leaf {
  enum class Kind { Storage, Compute, Container, Nothing };
  Kind kind = Kind::Storage;
  std::string name;
  YamlView node;                        // the node itself (for messages)
  std::optional<YamlView> constraints;  // its `constraints:` block
  std::int64_t fanout = 1;              // meshX x meshY of its `spatial:` block
  // The !Parallel nodes above it: (parallel node id, branch index), outermost first.
  std::vector<std::pair<int, int>> branches;
};

struct ParallelNode {
  YamlView node;
  int branch_count = 0;
  std::vector<std::pair<int, int>> branches;  // the !Parallel nodes above this one
};

// The user form's leaves and !Parallel nodes; `root` is the whole document (its architecture has
// `nodes:`). Throws InputError.
struct Tree {
  std::vector<Leaf> leaves;
  std::vector<ParallelNode> parallels;
};
Tree readTree(const YamlView& root);

// `root` is a whole document whose architecture declares version 0.4 (either form).
Architecture parseArchitecture(const YamlView& root);

}  // namespace cosa::v04
