#pragma once
// Mappers by name: "cosa", "random", "hybrid", "exhaustive". Each is made from settings given as
// key = value text (what a command line or a script has), checked by the mapper's factory: an unknown
// key or a bad value is a std::invalid_argument naming the mapper, the key and what it accepts.
//
// To add a mapper: write its class (a Mapper, see mapper.hpp) and its factory in one file, and list
// the factory in mapper_registry.cpp.
//
// Settings (the defaults are the options structs' own: ScheduleOptions, RandomMapperOptions,
// HybridMapperOptions, ExhaustiveOptions):
//   cosa:       objective (edp | latency | energy | cosa-paper), time-limit (s per MIP), gap,
//               polish (true | false), backend
//   random:     valid (best of this many valid mappings), max-samples
//   hybrid:     search-size, victory-condition, timeout, threads, sampling (fanout-valid | timeloop),
//               max-evaluations
//   exhaustive: max-evaluations (0 = all), threads

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "mappers/cosa_scheduler.hpp"
#include "mappers/exhaustive_mapper.hpp"
#include "mappers/hybrid_mapper.hpp"
#include "mappers/mapper.hpp"
#include "mappers/random_mapper.hpp"

namespace cosa {

using MapperSettings = std::map<std::string, std::string>;

// Every mapper's settings, typed; each defaults to its own options struct's defaults (the one place
// a default is written).
struct MapperOptions {
  ScheduleOptions cosa;
  RandomMapperOptions random;
  HybridMapperOptions hybrid;
  ExhaustiveOptions exhaustive;
};

// The named mapper with its settings from `options`. Throws std::invalid_argument for an unknown name.
std::shared_ptr<const Mapper> makeMapper(const std::string& name, const MapperOptions& options);

// `options` with the key = value settings of mapper `name` applied (checked as makeMapper checks them).
MapperOptions withSettings(const std::string& name, const MapperSettings& settings,
                           MapperOptions options = {});

// The registered names, sorted.
std::vector<std::string> mapperNames();

// Throws std::invalid_argument for an unknown name (listing the known ones) or bad settings.
std::shared_ptr<const Mapper> makeMapper(const std::string& name, const MapperSettings& settings = {});

}  // namespace cosa
