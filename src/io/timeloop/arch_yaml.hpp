#pragma once
// Reads Timeloop architecture YAML: the legacy flat form (`arch:`/`architecture:` with
// `arithmetic` and a `storage` list, innermost first) and the Accelergy v0.2/v0.3 tree form
// (`architecture: {version, subtree, local}` with `name[0..N]` replication).

#include <string>

#include "arch/architecture.hpp"
#include "io/yaml/input_files.hpp"
#include "io/yaml/yaml_util.hpp"

namespace cosa {

// `root` is a whole document (holding `arch:` or `architecture:`). Throws InputError. Attributes,
// keys and component classes cosa does not use are ignored with a warning to `root`'s Warnings.
Architecture parseArchitecture(const YamlView& root);
Architecture loadArchitecture(const std::string& path);
// An architecture written as YAML text (e.g. a sweep point's, read back with every check);
// `name` stands for the file in messages. Unlike loadArchitecture, an unnamed one stays unnamed.
Architecture parseArchitectureText(const std::string& text, const std::string& name);
// The `arch` (else `architecture`) section of a set of input files (see InputFiles). An unnamed
// architecture is named after the file holding it.
Architecture parseArchitecture(const InputFiles& files);
Architecture loadArchitecture(const InputFiles& files);

}  // namespace cosa
