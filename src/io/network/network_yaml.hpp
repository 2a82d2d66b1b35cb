#pragma once
// Network files and layer folders. Networks are read from one network YAML file
//
//   network: resnet50
//   source: where the layer list comes from (free text, optional)
//   shape: cnn-layer          # default shape for layers that name none (optional)
//   layers:
//     - {name: conv1, R: 7, S: 7, P: 112, Q: 112, C: 3, K: 64, N: 1, Wstride: 2, Hstride: 2}
//     - {name: fc, C: 2048, K: 1000, count: 1}
//
// where each layer holds what `problem:` holds in a problem file (bounds, coefficients, `shape`,
// or `instance:`) plus `name` and an optional `count` (occurrences, default 1); or from a
// CoSA-style folder with one problem YAML per layer. Built-in networks live in
// <data dir>/networks/<name>.yaml.

#include <string>
#include <vector>

#include "workload/network.hpp"

namespace cosa {

class YamlView;

// Reads a network YAML file. Throws InputError naming the file, position and field.
Network loadNetwork(const std::string& path);
// The same from an already loaded document; without `network:` the name is the stem of
// root.file().
Network parseNetwork(const YamlView& root);

// A bundled network by name (see builtinNetworkNames()). The data folder is $COSA_DATA_DIR when
// set and non-empty, else the one the library was built with. Throws InputError when unknown.
Network builtinNetwork(const std::string& name);
std::vector<std::string> builtinNetworkNames();  // sorted
// What `--network` takes: a bundled network's name, or the path of a network file in the bundled
// format (anything that names an existing file, or has a directory part or a .yaml/.yml ending).
// Throws InputError for an unknown name (listing the bundled ones) or a bad file.
Network namedNetwork(const std::string& name_or_path);
// The bundled networks of the CoSA paper's evaluation, in its order (alexnet, resnet50, resnext50,
// deepbench): what `cosa compare --network all` runs.
std::vector<std::string> paperNetworkNames();

// A CoSA-style workload folder: one problem YAML (`problem:` ...) per layer, named after its file.
// The order is layers.yaml (a list of file names without .yaml) when present, else every *.yaml
// file but layers.yaml / unique_layers.yaml in natural order. Each listed entry counts once.
Network loadWorkloadDir(const std::string& dir);

}  // namespace cosa
