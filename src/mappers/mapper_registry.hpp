#pragma once
// Mappers by name: "cosa", "random", "hybrid", "exhaustive". Each is made from settings given as
// key = value text (what a command line or a script has), checked by the mapper's factory: an unknown
// key or a bad value is a std::invalid_argument naming the mapper, the key and what it accepts.
//
// To add a mapper: write its class (a Mapper, see mapper.hpp) and its factory in one file, and list
// the factory in mapper_registry.cpp.
//
// Settings (defaults in brackets):
//   cosa:       objective (edp | latency | energy | cosa-paper) [edp], time-limit (s per MIP) [10],
//               gap [0.03], polish (true | false) [false for cosa-paper, else true], backend [cbc]
//   random:     valid (best of this many valid mappings) [5], max-samples [100000]
//   hybrid:     search-size [16000], victory-condition [500], timeout [0], threads [1],
//               sampling (fanout-valid | timeloop) [fanout-valid], max-evaluations [10000000]
//   exhaustive: max-evaluations (0 = all) [0], threads [1]

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "mappers/mapper.hpp"

namespace cosa {

using MapperSettings = std::map<std::string, std::string>;

// The registered names, sorted.
std::vector<std::string> mapperNames();

// Throws std::invalid_argument for an unknown name (listing the known ones) or bad settings.
std::shared_ptr<const Mapper> makeMapper(const std::string& name, const MapperSettings& settings = {});

}  // namespace cosa
