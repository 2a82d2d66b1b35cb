#include "io/sweep/sweep_spec.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <set>

#include "io/atomic_file.hpp"
#include "io/network/network_yaml.hpp"
#include "io/timeloop/arch_yaml.hpp"
#include "io/yaml/yaml_util.hpp"

namespace cosa {

namespace fs = std::filesystem;

namespace {

// Attributes a parameter may set, per kind of level (Timeloop's spellings).
const std::vector<std::string> kStorageAttributes = {
    "instances",         "meshX",           "meshY",
    "entries",           "depth",           "sizeKB",
    "word-bits",         "block-size",      "cluster-size",
    "num-ports",         "num-banks",       "bandwidth",
    "read_bandwidth",    "write_bandwidth", "network-word-bits",
    "multiple-buffering"};
const std::vector<std::string> kArithmeticAttributes = {"instances", "meshX", "meshY", "word-bits", "energy"};
constexpr const char* kArithmeticAlias = "arithmetic";
constexpr std::size_t kMaxPoints = 1000000;

bool contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

std::string joined(const std::vector<std::string>& items) {
  return fmt::format("{}", fmt::join(items, ", "));
}

std::string absolutePath(const fs::path& base_dir, const std::string& path) {
  return fs::absolute(base_dir / path).lexically_normal().string();
}

std::vector<double> readValues(const YamlView& node) {
  node.expectMap();
  const bool has_values = node.has("values"), has_range = node.has("range");
  if (has_values == has_range) node.fail("give either values (a list) or range ({from, to, step | factor})");
  std::vector<double> values;
  if (has_values) {
    const YamlView list = node.get("values");
    list.expectSequence();
    for (const YamlView& v : list.elements()) {
      const double value = v.asDouble();
      if (!std::isfinite(value)) v.fail("a parameter value must be a finite number");
      values.push_back(value);
    }
    if (values.empty()) list.fail("no values");
  } else {
    const YamlView range = node.get("range");
    range.expectMap();
    range.checkKeys({"from", "to", "step", "factor"});
    const double from = range.get("from").asDouble(), to = range.get("to").asDouble();
    const auto step = range.optDouble("step"), factor = range.optDouble("factor");
    if (step.has_value() == factor.has_value())
      range.fail("give either step (arithmetic) or factor (geometric)");
    if (!std::isfinite(from) || !std::isfinite(to) || to < from) range.fail("need finite from <= to");
    if (step && !(*step > 0)) range.get("step").fail("step must be > 0");
    if (factor && !(*factor > 1)) range.get("factor").fail("factor must be > 1");
    if (factor && !(from > 0)) range.get("from").fail("a geometric range needs from > 0");
    // Up to `to` inclusive, allowing for rounding in the last step.
    const double slack = 1e-9 * std::max(1.0, std::fabs(to));
    for (std::size_t n = 0;; ++n) {
      const double value = step ? from + static_cast<double>(n) * *step : from * std::pow(*factor, double(n));
      if (value > to + slack) break;
      values.push_back(value);
      if (values.size() > kMaxPoints) range.fail("the range has too many values");
    }
  }
  return values;
}

AttributeTarget readTarget(const YamlView& node, const Architecture& base) {
  node.expectMap();
  node.checkKeys({"level", "attribute", "times"});
  AttributeTarget target;
  target.level = node.get("level").asString();
  target.attribute = node.get("attribute").asString();
  if (auto times = node.optDouble("times")) {
    if (!std::isfinite(*times) || *times <= 0) node.get("times").fail("times must be a finite number > 0");
    target.times = *times;
  }
  const bool arithmetic = target.onArithmetic(base);
  if (!arithmetic && base.levelIndex(target.level) < 0) {
    std::vector<std::string> names;
    for (const StorageLevel& level : base.levels) names.push_back(level.name);
    names.push_back(base.arithmetic.name + " (or arithmetic)");
    node.get("level").fail(
        fmt::format("no level '{}' in the architecture (levels: {})", target.level, joined(names)));
  }
  const auto& allowed = arithmetic ? kArithmeticAttributes : kStorageAttributes;
  if (!contains(allowed, target.attribute))
    node.get("attribute")
        .fail(fmt::format("'{}' is not an attribute a sweep can set on {} level (attributes: {})",
                          target.attribute, arithmetic ? "the arithmetic" : "a storage", joined(allowed)));
  return target;
}

SweepParameter readParameter(const YamlView& node, const Architecture& base) {
  node.expectMap();
  node.checkKeys({"name", "values", "range", "set"});
  SweepParameter parameter;
  const YamlView name = node.get("name");
  parameter.name = name.asString();
  const bool word =
      !parameter.name.empty() && std::all_of(parameter.name.begin(), parameter.name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
      });
  if (!word) name.fail("a parameter name is letters, digits and '_' (it becomes part of folder names)");
  parameter.values = readValues(node);
  const YamlView set = node.get("set");
  set.expectSequence();
  for (const YamlView& target : set.elements()) parameter.targets.push_back(readTarget(target, base));
  if (parameter.targets.empty()) set.fail("a parameter must set at least one attribute");
  return parameter;
}

SweepWorkload readWorkload(const YamlView& node, const fs::path& spec_dir) {
  std::error_code ec;  // input paths: an unreadable one is reported, not thrown
  node.expectMap();
  node.checkKeys({"network", "workload", "onnx", "batch"});
  const int given = int(node.has("network")) + int(node.has("workload")) + int(node.has("onnx"));
  if (given != 1)
    node.fail("give exactly one of network (a bundled name), workload (a folder) or onnx (a file)");
  SweepWorkload w;
  if (node.has("batch") && !node.has("onnx")) node.get("batch").fail("batch applies to onnx workloads only");
  if (auto network = node.find("network")) {
    w.kind = WorkloadKind::Network;
    w.source = network->asString();
    if (!contains(builtinNetworkNames(), w.source))
      network->fail(
          fmt::format("unknown network '{}' (bundled: {})", w.source, joined(builtinNetworkNames())));
    w.label = w.source;
  } else if (auto folder = node.find("workload")) {
    w.kind = WorkloadKind::Folder;
    w.source = absolutePath(spec_dir, folder->asString());
    if (!fs::is_directory(w.source, ec)) folder->fail(fmt::format("no folder {}", w.source));
    w.label = fs::path(w.source).filename().string();
  } else {
    const YamlView onnx = node.get("onnx");
    w.kind = WorkloadKind::Onnx;
    w.source = absolutePath(spec_dir, onnx.asString());
    if (!fs::is_regular_file(w.source, ec)) onnx.fail(fmt::format("no file {}", w.source));
    w.label = fs::path(w.source).stem().string();
    if (auto batch = node.optInt("batch")) {
      if (*batch < 1) node.get("batch").fail("batch must be >= 1");
      w.batch = *batch;
    }
  }
  w.label = fileSafeName(w.label);
  return w;
}

SweepSchedulerFields readScheduler(const YamlView& node) {
  node.expectMap();
  node.checkKeys({"mapper", "objective", "backend", "time-limit", "gap", "seed", "polish", "random-valid",
                  "search-size", "victory-condition", "hybrid-sampling", "hybrid-threads",
                  "max-evaluations"});
  SweepSchedulerFields fields;
  const auto text = [&](const char* key, std::optional<SpecText>& into) {
    if (auto value = node.find(key)) into = SpecText{value->asString(), value->location(), value->path()};
  };
  const auto nonNegative = [&](const char* key, std::optional<double>& into) {
    if (auto value = node.optDouble(key)) {
      if (!std::isfinite(*value) || *value < 0) node.get(key).fail("must be a finite number >= 0");
      into = *value;
    }
  };
  const auto whole = [&](const char* key, std::int64_t minimum, std::optional<std::int64_t>& into,
                         std::int64_t maximum = std::numeric_limits<std::int64_t>::max()) {
    if (auto value = node.optInt(key)) {
      if (*value < minimum) node.get(key).fail(fmt::format("must be an integer >= {}", minimum));
      if (*value > maximum) node.get(key).fail(fmt::format("must be an integer <= {}", maximum));
      into = *value;
    }
  };
  text("mapper", fields.mapper);
  text("objective", fields.objective);
  text("backend", fields.backend);
  nonNegative("time-limit", fields.time_limit_s);
  nonNegative("gap", fields.gap);
  if (auto seed = node.optInt("seed")) {
    if (*seed < 0 || *seed > std::numeric_limits<int>::max()) node.get("seed").fail("seed out of range");
    fields.seed = *seed;
  }
  if (auto polish = node.find("polish")) fields.polish = polish->asBool();
  whole("random-valid", 1, fields.random_valid);
  whole("search-size", 0, fields.search_size);
  whole("victory-condition", 0, fields.victory_condition);
  text("hybrid-sampling", fields.hybrid_sampling);
  whole("hybrid-threads", 1, fields.hybrid_threads, std::numeric_limits<int>::max());
  whole("max-evaluations", 0, fields.max_evaluations);
  return fields;
}

}  // namespace

bool AttributeTarget::onArithmetic(const Architecture& arch) const {
  return level == kArithmeticAlias || level == arch.arithmetic.name;
}

void SpecText::fail(const std::string& reason) const { throw InputError(where, field, reason); }

SweepSpecFile readSweepSpec(const std::string& path) {
  const YamlView root = YamlView::loadFile(path);
  root.expectMap();
  root.checkKeys({"name", "architecture", "mapspace", "workloads", "parameters", "combine", "scheduler"});
  SweepSpecFile file;
  file.where = root.location();
  SweepDefinition& spec = file.sweep;
  std::error_code ec;  // input paths: an unreadable one is reported, not thrown
  spec.file = fs::absolute(path).lexically_normal().string();
  const fs::path spec_dir = fs::path(spec.file).parent_path();
  spec.name = root.optString("name").value_or(fs::path(path).stem().string());
  const YamlView arch_node = root.get("architecture");
  spec.architecture = absolutePath(spec_dir, arch_node.asString());
  if (!fs::is_regular_file(spec.architecture, ec))
    arch_node.fail(fmt::format("no file {}", spec.architecture));
  const Architecture base = loadArchitecture(spec.architecture);
  if (auto mapspace = root.find("mapspace")) {
    spec.mapspace = absolutePath(spec_dir, mapspace->asString());
    if (!fs::is_regular_file(spec.mapspace, ec)) mapspace->fail(fmt::format("no file {}", spec.mapspace));
  }
  const YamlView workloads = root.get("workloads");
  workloads.expectSequence();
  std::set<std::string> labels;
  for (const YamlView& node : workloads.elements()) {
    spec.workloads.push_back(readWorkload(node, spec_dir));
    if (!labels.insert(spec.workloads.back().label).second)
      node.fail(fmt::format("a second workload named '{}' (ids would clash)", spec.workloads.back().label));
  }
  if (spec.workloads.empty()) workloads.fail("no workloads");
  std::set<std::string> names;
  if (auto parameters = root.find("parameters")) {
    parameters->expectSequence();
    for (const YamlView& node : parameters->elements()) {
      spec.parameters.push_back(readParameter(node, base));
      if (!names.insert(spec.parameters.back().name).second)
        node.get("name").fail(fmt::format("a second parameter named '{}'", spec.parameters.back().name));
    }
  }
  if (auto combine = root.find("combine")) {
    const std::string how = combine->asString();
    if (how != "product" && how != "zip") combine->fail("combine is product or zip");
    spec.zip = how == "zip";
    if (spec.zip)
      for (const SweepParameter& p : spec.parameters)
        if (p.values.size() != spec.parameters.front().values.size())
          combine->fail(fmt::format("zip needs parameters with equally many values ({} has {}, {} has {})",
                                    spec.parameters.front().name, spec.parameters.front().values.size(),
                                    p.name, p.values.size()));
  }
  if (auto scheduler = root.find("scheduler")) file.scheduler = readScheduler(*scheduler);
  std::size_t combinations =
      spec.parameters.empty() ? 1 : (spec.zip ? spec.parameters.front().values.size() : 1);
  if (!spec.zip)
    for (const SweepParameter& p : spec.parameters) {
      combinations *= p.values.size();
      if (combinations * spec.workloads.size() > kMaxPoints)
        root.fail(fmt::format("more than {} points", kMaxPoints));
    }
  return file;
}

}  // namespace cosa
