#pragma once
// YAML merge keys, which yaml-cpp leaves as ordinary keys: `<<: *anchor` (YAML 1.1: the anchored
// mapping's entries, or those of a list of mappings, for keys the mapping does not set itself) and
// timeloopfe's recursive `<<<: *anchor` (the same, but nested mappings present on both sides are
// merged key by key instead of being replaced).

#include <yaml-cpp/yaml.h>

#include <string>

namespace cosa {

// Resolves every merge key under `root`, in place. Explicit keys win over merged ones; with
// several sources (`<<: [*a, *b]`) the first that sets a key wins. Throws InputError (naming
// `file` and the position) when a merge key's value is not a mapping or a list of mappings, or
// when aliases expand beyond a sane size.
void resolveMergeKeys(YAML::Node root, const std::string& file);

}  // namespace cosa
