#include "mappers/mapper_registry.hpp"

#include <fmt/format.h>

#include <cmath>
#include <functional>
#include <stdexcept>

#include "mappers/cosa_scheduler.hpp"
#include "mappers/exhaustive_mapper.hpp"
#include "mappers/hybrid_mapper.hpp"
#include "mappers/random_mapper.hpp"

namespace cosa {

namespace {

// Reads one mapper's settings: each get* consumes a key; finish() rejects the keys left over.
class SettingsReader {
 public:
  SettingsReader(std::string mapper, const MapperSettings& settings)
      : mapper_(std::move(mapper)), left_(settings) {}

  std::optional<std::string> take(const std::string& key) {
    known_ += (known_.empty() ? "" : ", ") + key;
    const auto it = left_.find(key);
    if (it == left_.end()) return std::nullopt;
    std::string value = it->second;
    left_.erase(it);
    return value;
  }
  void integer(const std::string& key, std::int64_t& out, std::int64_t minimum) {
    const auto text = take(key);
    if (!text) return;
    std::size_t used = 0;
    std::int64_t value = 0;
    try {
      value = std::stoll(*text, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != text->size() || text->empty() || value < minimum)
      fail(key, *text, fmt::format("an integer of at least {}", minimum));
    out = value;
  }
  void number(const std::string& key, double& out) {
    const auto text = take(key);
    if (!text) return;
    std::size_t used = 0;
    double value = -1;
    try {
      value = std::stod(*text, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != text->size() || text->empty() || !std::isfinite(value) || value < 0)
      fail(key, *text, "a non-negative number");
    out = value;
  }
  void boolean(const std::string& key, std::optional<bool>& out) {
    const auto text = take(key);
    if (!text) return;
    if (*text != "true" && *text != "false") fail(key, *text, "true or false");
    out = *text == "true";
  }
  void finish() const {
    if (left_.empty()) return;
    throw std::invalid_argument(
        fmt::format("mapper {}: unknown setting '{}' (settings: {})", mapper_, left_.begin()->first, known_));
  }
  [[noreturn]] void fail(const std::string& key, const std::string& value,
                         const std::string& expected) const {
    throw std::invalid_argument(
        fmt::format("mapper {}: setting {} = '{}' is invalid (expected {})", mapper_, key, value, expected));
  }

 private:
  std::string mapper_;
  MapperSettings left_;
  std::string known_;
};

void readCosa(SettingsReader& read, ScheduleOptions& options) {
  if (const auto objective = read.take("objective")) {
    try {
      options.objective = parseObjective(*objective);
    } catch (const std::invalid_argument&) {
      read.fail("objective", *objective, "edp, latency, energy or cosa-paper");
    }
  }
  read.number("time-limit", options.time_limit_s);
  read.number("gap", options.relative_gap);
  read.boolean("polish", options.polish);
  if (const auto backend = read.take("backend")) options.backend = *backend;
}

void readRandom(SettingsReader& read, RandomMapperOptions& options) {
  read.integer("valid", options.valid_target, 1);
  read.integer("max-samples", options.max_samples, 1);
}

void readHybrid(SettingsReader& read, HybridMapperOptions& options) {
  std::int64_t threads = options.threads;
  read.integer("search-size", options.search_size, 0);
  read.integer("victory-condition", options.victory_condition, 0);
  read.integer("timeout", options.timeout, 0);
  read.integer("threads", threads, 1);
  read.integer("max-evaluations", options.max_evaluations, 1);
  if (const auto sampling = read.take("sampling")) {
    if (*sampling != "fanout-valid" && *sampling != "timeloop")
      read.fail("sampling", *sampling, "fanout-valid or timeloop");
    options.sampler = *sampling == "timeloop" ? TilingSampler::Timeloop : TilingSampler::FanoutValid;
  }
  options.threads = static_cast<int>(threads);
}

void readExhaustive(SettingsReader& read, ExhaustiveOptions& options) {
  std::int64_t threads = options.threads;
  read.integer("max-evaluations", options.max_evaluations, 0);
  read.integer("threads", threads, 1);
  options.threads = static_cast<int>(threads);
}

// The registry: one entry per mapper, sorted by name: how to read its settings, how to make it.
struct Entry {
  std::function<void(SettingsReader&, MapperOptions&)> read;
  std::function<std::shared_ptr<const Mapper>(const MapperOptions&)> make;
};

const std::map<std::string, Entry>& registry() {
  static const std::map<std::string, Entry> all{
      {"cosa",
       {[](SettingsReader& r, MapperOptions& o) { readCosa(r, o.cosa); },
        [](const MapperOptions& o) { return std::make_shared<CosaMapper>(o.cosa); }}},
      {"exhaustive",
       {[](SettingsReader& r, MapperOptions& o) { readExhaustive(r, o.exhaustive); },
        [](const MapperOptions& o) { return std::make_shared<ExhaustiveSearchMapper>(o.exhaustive); }}},
      {"hybrid",
       {[](SettingsReader& r, MapperOptions& o) { readHybrid(r, o.hybrid); },
        [](const MapperOptions& o) { return std::make_shared<HybridSearchMapper>(o.hybrid); }}},
      {"random",
       {[](SettingsReader& r, MapperOptions& o) { readRandom(r, o.random); },
        [](const MapperOptions& o) { return std::make_shared<RandomSearchMapper>(o.random); }}}};
  return all;
}

const Entry& entryFor(const std::string& name) {
  const auto it = registry().find(name);
  if (it == registry().end()) {
    std::string known;
    for (const auto& [k, entry] : registry()) known += (known.empty() ? "" : ", ") + k;
    throw std::invalid_argument("unknown mapper '" + name + "' (expected one of: " + known + ")");
  }
  return it->second;
}

}  // namespace

std::vector<std::string> mapperNames() {
  std::vector<std::string> names;
  for (const auto& [name, entry] : registry()) names.push_back(name);
  return names;
}

MapperOptions withSettings(const std::string& name, const MapperSettings& settings, MapperOptions options) {
  SettingsReader read(name, settings);
  entryFor(name).read(read, options);
  read.finish();
  return options;
}

std::shared_ptr<const Mapper> makeMapper(const std::string& name, const MapperOptions& options) {
  return entryFor(name).make(options);
}

std::shared_ptr<const Mapper> makeMapper(const std::string& name, const MapperSettings& settings) {
  const Entry& entry = entryFor(name);
  return entry.make(withSettings(name, settings));
}

}  // namespace cosa
