#include "app/sweep.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>

#include "app/network_run.hpp"
#include "common/error.hpp"
#include "io/atomic_file.hpp"
#include "io/csv.hpp"
#include "io/json_file.hpp"
#include "io/network/network_yaml.hpp"
#include "io/onnx/onnx_import.hpp"
#include "io/results/schedule_report.hpp"
#include "io/timeloop/arch_writer.hpp"
#include "io/timeloop/arch_yaml.hpp"
#include "io/yaml/yaml_util.hpp"
#include "mappers/cosa_formulation.hpp"
#include "workload/network.hpp"

namespace cosa::app {

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

// ---- reading the spec --------------------------------------------------------------------------

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
  const bool arithmetic = target.level == kArithmeticAlias || target.level == base.arithmetic.name;
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

void readScheduler(const YamlView& node, SweepSpec& spec) {
  node.expectMap();
  node.checkKeys({"objective", "backend", "time-limit", "gap", "seed", "polish"});
  ScheduleOptions& o = spec.options;
  if (auto objective = node.find("objective")) {
    spec.objective_name = objective->asString();
    try {
      o.objective = parseObjective(spec.objective_name);
    } catch (const std::invalid_argument& e) {
      objective->fail(e.what());
    }
  }
  if (auto backend = node.find("backend")) {
    try {
      o.backend = solver::makeBackend(backend->asString())->name();
    } catch (const std::invalid_argument& e) {
      backend->fail(e.what());
    }
  }
  const auto nonNegative = [&](const char* key, double& into) {
    if (auto value = node.optDouble(key)) {
      if (!std::isfinite(*value) || *value < 0) node.get(key).fail("must be a finite number >= 0");
      into = *value;
    }
  };
  nonNegative("time-limit", o.time_limit_s);
  nonNegative("gap", o.relative_gap);
  if (auto seed = node.optInt("seed")) {
    if (*seed < 0 || *seed > std::numeric_limits<int>::max()) node.get("seed").fail("seed out of range");
    o.seed = static_cast<int>(*seed);
  }
  if (auto polish = node.find("polish")) o.polish = polish->asBool();
}

// ---- overrides ---------------------------------------------------------------------------------

std::int64_t wholeNumber(double value, const AttributeTarget& t, const std::string& parameter,
                         std::int64_t min) {
  const double rounded = std::round(value);
  if (std::fabs(value - rounded) > 1e-9 * std::max(1.0, std::fabs(value)) || rounded < double(min) ||
      rounded > 9e15)
    throw std::invalid_argument(fmt::format("parameter {}: {} {} = {} is not a whole number >= {}", parameter,
                                            t.level, t.attribute, parameterText(value), min));
  return static_cast<std::int64_t>(rounded);
}

int smallWhole(double value, const AttributeTarget& t, const std::string& parameter) {
  const std::int64_t whole = wholeNumber(value, t, parameter, 1);
  if (whole > std::numeric_limits<int>::max())
    throw std::invalid_argument(fmt::format("parameter {}: {} {} = {} is too large", parameter, t.level,
                                            t.attribute, parameterText(value)));
  return static_cast<int>(whole);
}

void setArithmetic(ArithmeticLevel& level, const AttributeTarget& t, double value,
                   const std::string& parameter) {
  if (t.attribute == "instances")
    level.instances = wholeNumber(value, t, parameter, 1);
  else if (t.attribute == "meshX")
    level.mesh_x = wholeNumber(value, t, parameter, 1);
  else if (t.attribute == "meshY")
    level.mesh_y = wholeNumber(value, t, parameter, 1);
  else if (t.attribute == "word-bits")
    level.word_bits = smallWhole(value, t, parameter);
  else if (t.attribute == "energy")
    level.energy_per_op_pJ = value;
}

void setStorage(StorageLevel& level, const AttributeTarget& t, double value, const std::string& parameter) {
  const std::string& a = t.attribute;
  if (a == "instances")
    level.instances = wholeNumber(value, t, parameter, 1);
  else if (a == "meshX")
    level.mesh_x = wholeNumber(value, t, parameter, 1);
  else if (a == "meshY")
    level.mesh_y = wholeNumber(value, t, parameter, 1);
  else if (a == "entries")
    level.entries = wholeNumber(value, t, parameter, 1);
  else if (a == "depth")
    level.entries = wholeNumber(value, t, parameter, 1) * level.block_size;
  else if (a == "sizeKB")
    level.entries = wholeNumber(std::floor(value * 1024 * 8 / level.word_bits), t, parameter, 1);
  else if (a == "word-bits")
    level.word_bits = smallWhole(value, t, parameter);
  else if (a == "block-size")
    level.block_size = smallWhole(value, t, parameter);
  else if (a == "cluster-size")
    level.cluster_size = smallWhole(value, t, parameter);
  else if (a == "num-ports")
    level.num_ports = smallWhole(value, t, parameter);
  else if (a == "num-banks")
    level.num_banks = smallWhole(value, t, parameter);
  else if (a == "network-word-bits")
    level.network_word_bits = smallWhole(value, t, parameter);
  else if (a == "multiple-buffering")
    level.multiple_buffering = value;
  else if (a == "bandwidth")
    level.read_bandwidth = level.write_bandwidth = value / 2;  // Timeloop halves it
  else if (a == "read_bandwidth")
    level.read_bandwidth = value;
  else if (a == "write_bandwidth")
    level.write_bandwidth = value;
  if ((a.find("bandwidth") != std::string::npos || a == "multiple-buffering") && !(value > 0))
    throw std::invalid_argument(
        fmt::format("parameter {}: {} {} = {} must be > 0", parameter, t.level, a, parameterText(value)));
}

// ---- the plan (DIR/sweep.json) and point files --------------------------------------------------

nlohmann::json parametersJson(const SweepSpec& spec, const SweepPoint& point) {
  nlohmann::json out = nlohmann::json::object();
  for (std::size_t i = 0; i < spec.parameters.size(); ++i) out[spec.parameters[i].name] = point.values[i];
  return out;
}

nlohmann::json planJson(const SweepSpec& spec, const std::vector<SweepPoint>& points) {
  nlohmann::json parameters = nlohmann::json::array();
  for (const SweepParameter& p : spec.parameters) {
    nlohmann::json targets = nlohmann::json::array();
    for (const AttributeTarget& t : p.targets)
      targets.push_back({{"level", t.level}, {"attribute", t.attribute}, {"times", t.times}});
    parameters.push_back({{"name", p.name}, {"values", p.values}, {"set", targets}});
  }
  nlohmann::json workloads = nlohmann::json::array();
  for (const SweepWorkload& w : spec.workloads) workloads.push_back(w.label);
  nlohmann::json list = nlohmann::json::array();
  for (const SweepPoint& point : points)
    list.push_back({{"id", point.id},
                    {"index", point.index},
                    {"workload", spec.workloads[point.workload].label},
                    {"parameters", parametersJson(spec, point)}});
  return {{"name", spec.name},
          {"spec", spec.file},
          {"architecture", spec.architecture},
          {"mapspace", spec.mapspace},
          {"objective", spec.objective_name},
          {"backend", spec.options.backend},
          {"settings", scheduleSettingsJson(spec.options)},
          {"combine", spec.zip ? "zip" : "product"},
          {"parameters", parameters},
          {"workloads", workloads},
          {"points", list}};
}

// Writes the plan, or checks that the one already there is the same sweep (its spec may have moved).
void writeOrCheckPlan(const SweepSpec& spec, const std::vector<SweepPoint>& points, const fs::path& dir) {
  const nlohmann::json plan = planJson(spec, points);
  const fs::path path = dir / "sweep.json";
  if (fs::exists(path)) {
    nlohmann::json existing = readJsonFile(path.string());
    nlohmann::json ours = plan;
    existing.erase("spec");
    ours.erase("spec");
    if (existing != ours)
      throw std::runtime_error(fmt::format(
          "{} describes a different sweep (other points, parameters or settings); use another --out folder",
          path.string()));
    return;
  }
  writeFileAtomically(path.string(), plan.dump(2) + "\n");
}

fs::path pointDir(const fs::path& out, const SweepPoint& point) { return out / "points" / point.id; }

Network loadWorkload(const SweepWorkload& w, std::optional<OnnxProvenance>& onnx) {
  switch (w.kind) {
    case WorkloadKind::Network:
      return builtinNetwork(w.source);
    case WorkloadKind::Folder:
      return loadWorkloadDir(w.source);
    case WorkloadKind::Onnx: {
      OnnxImportOptions options;
      options.batch_size = w.batch;
      OnnxImport imported = importOnnx(w.source, options);
      if (imported.network.layers.empty())
        throw InputError({w.source, 0, 0}, "graph", "no Conv, Gemm or MatMul layer could be imported");
      onnx = onnxProvenance(w.source, w.batch, {}, imported);
      return std::move(imported.network);
    }
  }
  throw std::logic_error("unknown workload kind");
}

struct LoadedWorkload {
  Network network;
  std::optional<OnnxProvenance> onnx;
};

struct PointOutcome {
  bool finished = false;  // false: stopped before it finished (no point.json)
  std::string status;
};

nlohmann::json pointJsonBase(const SweepSpec& spec, const SweepPoint& point) {
  return {{"id", point.id},
          {"index", point.index},
          {"workload", spec.workloads[point.workload].label},
          {"parameters", parametersJson(spec, point)},
          {"architecture", "arch.yaml"}};
}

double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

PointOutcome runPoint(const SweepSpec& spec, const Architecture& base, const SweepPoint& point,
                      const LoadedWorkload& workload, const fs::path& out, int jobs,
                      const std::atomic<bool>* stop,
                      const std::function<void(std::size_t, std::size_t)>& layer_progress) {
  const auto start = std::chrono::steady_clock::now();
  const fs::path dir = pointDir(out, point);
  fs::create_directories(dir);
  const std::string arch_path = (dir / "arch.yaml").string();
  nlohmann::json result = pointJsonBase(spec, point);

  // The point's architecture is what its file says: written, then read back with every check the
  // readers make (instances that do not divide, meshes, sizes).
  std::optional<Architecture> arch;
  try {
    const std::string yaml = architectureYaml(applyOverrides(spec, base, point));
    writeFileAtomically(arch_path, yaml);
    // Named relative to the sweep folder, so that messages (and points.csv) do not depend on where it is.
    arch =
        parseArchitecture(YamlView::loadString(yaml, (fs::path("points") / point.id / "arch.yaml").string()));
  } catch (const std::invalid_argument& e) {
    result["message"] = e.what();
  } catch (const InputError& e) {
    result["message"] = e.what();
  }
  if (!arch) {
    result["status"] = "invalid";
    result["wall_time_s"] = secondsSince(start);
    writeFileAtomically((dir / "point.json").string(), result.dump(2) + "\n");
    return {true, "invalid"};
  }

  NetworkRunSpec run;
  run.arch = *arch;
  run.arch_label = arch_path;
  run.mapspace = spec.mapspace;
  run.network = workload.network;
  run.onnx = workload.onnx;
  run.settings.mappers.cosa = spec.options;
  run.settings.seed = static_cast<std::uint64_t>(spec.options.seed);
  run.settings.jobs = jobs;
  run.out_dir = dir.string();
  NetworkRunResult network;
  try {
    network = runNetwork(run, stop, [&](const LayerProgress& p) { layer_progress(p.finished, p.total); });
  } catch (const InputError& e) {  // e.g. constraints that do not fit this point's architecture
    result["status"] = "invalid";
    result["message"] = e.what();
    result["wall_time_s"] = secondsSince(start);
    writeFileAtomically((dir / "point.json").string(), result.dump(2) + "\n");
    return {true, "invalid"};
  }
  if (network.interrupted) return {false, ""};
  writeNetworkSummary(run, network);

  double schedule_time = 0;
  for (const LayerResult& r : network.results) schedule_time += r.time_s;
  const std::string status = network.failed == 0 ? "ok" : "failed";
  result.update({{"status", status},
                 {"layers", run.network.layers.size()},
                 {"unique_layers", network.layers.size()},
                 {"failed_layers", network.failed},
                 {"solve_time_s", network.solve_time_s},
                 {"schedule_time_s", schedule_time},
                 {"jobs", std::max(jobs, 1)}});
  if (network.failed == 0) {
    result.update(
        {{"total_cycles", network.total_cycles},
         {"total_energy_pJ", network.total_energy_pJ},
         {"total_edp", network.totalEdp()},
         {"pJ_per_mac", network.total_macs > 0 ? network.total_energy_pJ / network.total_macs : 0.0}});
  } else {
    for (std::size_t i = 0; i < network.layers.size(); ++i)
      if (!network.results[i].found) {
        result["message"] =
            fmt::format("{} of {} unique layers have no valid mapping; first: {}: {}", network.failed,
                        network.layers.size(), network.layers[i].name, network.results[i].message);
        break;
      }
  }
  result["wall_time_s"] = secondsSince(start);
  writeFileAtomically((dir / "point.json").string(), result.dump(2) + "\n");
  return {true, status};
}

// ---- merging ------------------------------------------------------------------------------------

template <typename T>
std::optional<T> optionalField(const nlohmann::json& j, const char* key) {
  if (!j.contains(key) || j[key].is_null()) return std::nullopt;
  return j[key].get<T>();
}

std::string shellQuoted(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace

SweepSpec loadSweepSpec(const std::string& path) {
  const YamlView root = YamlView::loadFile(path);
  root.expectMap();
  root.checkKeys({"name", "architecture", "mapspace", "workloads", "parameters", "combine", "scheduler"});
  SweepSpec spec;
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
  if (auto scheduler = root.find("scheduler")) readScheduler(*scheduler, spec);
  // Expanding here reports clashing ids and oversized sweeps at the spec.
  std::size_t combinations =
      spec.parameters.empty() ? 1 : (spec.zip ? spec.parameters.front().values.size() : 1);
  if (!spec.zip)
    for (const SweepParameter& p : spec.parameters) {
      combinations *= p.values.size();
      if (combinations * spec.workloads.size() > kMaxPoints)
        root.fail(fmt::format("more than {} points", kMaxPoints));
    }
  std::set<std::string> ids;
  for (const SweepPoint& point : expandPoints(spec))
    if (!ids.insert(point.id).second)
      root.fail(fmt::format("two points get the id '{}' (parameter values that print alike)", point.id));
  return spec;
}

std::vector<SweepPoint> expandPoints(const SweepSpec& spec) {
  std::vector<std::vector<double>> combinations;
  if (spec.parameters.empty()) {
    combinations.emplace_back();
  } else if (spec.zip) {
    for (std::size_t i = 0; i < spec.parameters.front().values.size(); ++i) {
      std::vector<double> values;
      for (const SweepParameter& p : spec.parameters) values.push_back(p.values[i]);
      combinations.push_back(values);
    }
  } else {
    // An odometer: the last parameter varies fastest.
    std::vector<std::size_t> at(spec.parameters.size(), 0);
    while (true) {
      std::vector<double> values;
      for (std::size_t i = 0; i < at.size(); ++i) values.push_back(spec.parameters[i].values[at[i]]);
      combinations.push_back(values);
      std::size_t digit = at.size();
      while (digit > 0 && ++at[digit - 1] == spec.parameters[digit - 1].values.size()) at[--digit] = 0;
      if (digit == 0) break;
    }
  }
  std::vector<SweepPoint> points;
  for (std::size_t w = 0; w < spec.workloads.size(); ++w)
    for (const std::vector<double>& values : combinations) {
      SweepPoint point;
      point.index = points.size();
      point.values = values;
      point.workload = w;
      point.id = spec.workloads[w].label;
      for (std::size_t i = 0; i < values.size(); ++i)
        point.id += "-" + spec.parameters[i].name + parameterText(values[i]);
      point.id = fileSafeName(point.id);
      points.push_back(point);
    }
  return points;
}

Architecture applyOverrides(const SweepSpec& spec, const Architecture& base, const SweepPoint& point) {
  Architecture arch = base;
  for (std::size_t i = 0; i < spec.parameters.size(); ++i) {
    const SweepParameter& p = spec.parameters[i];
    for (const AttributeTarget& t : p.targets) {
      const double value = point.values[i] * t.times;
      if (t.level == kArithmeticAlias || t.level == arch.arithmetic.name) {
        setArithmetic(arch.arithmetic, t, value, p.name);
      } else {
        const int level = arch.levelIndex(t.level);
        if (level < 0) throw std::invalid_argument(fmt::format("no level '{}'", t.level));
        setStorage(arch.levels[level], t, value, p.name);
      }
    }
  }
  return arch;
}

Shard parseShard(const std::string& text, const std::function<const char*(const char*)>& env) {
  const auto number = [](const std::string& digits, const std::string& what) {
    if (digits.empty() || digits.size() > 9 ||
        !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
      throw std::invalid_argument(fmt::format("{} '{}' is not a whole number", what, digits));
    return std::stoi(digits);
  };
  Shard shard;
  if (text == "slurm") {
    const char* id = env("SLURM_ARRAY_TASK_ID");
    const char* count = env("SLURM_ARRAY_TASK_COUNT");
    if (id == nullptr || count == nullptr)
      throw std::invalid_argument(
          "--shard slurm needs SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT (run it inside a Slurm array "
          "job)");
    const char* min = env("SLURM_ARRAY_TASK_MIN");
    shard.index =
        number(id, "SLURM_ARRAY_TASK_ID") - (min != nullptr ? number(min, "SLURM_ARRAY_TASK_MIN") : 0);
    shard.count = number(count, "SLURM_ARRAY_TASK_COUNT");
  } else {
    const auto slash = text.find('/');
    if (slash == std::string::npos)
      throw std::invalid_argument(fmt::format("--shard '{}': expected I/N (0 <= I < N) or slurm", text));
    shard.index = number(text.substr(0, slash), "shard index");
    shard.count = number(text.substr(slash + 1), "shard count");
  }
  if (shard.count < 1 || shard.index < 0 || shard.index >= shard.count)
    throw std::invalid_argument(fmt::format("shard {} of {}: need 0 <= index < count (indices start at 0)",
                                            shard.index, shard.count));
  return shard;
}

SweepRunSummary runSweep(const SweepSpec& spec, const SweepRunOptions& options, const std::atomic<bool>* stop,
                         const SweepProgressCallback& progress) {
  const std::vector<SweepPoint> points = expandPoints(spec);
  const fs::path out(options.out_dir);
  fs::create_directories(out / "points");
  writeOrCheckPlan(spec, points, out);
  const Architecture base = loadArchitecture(spec.architecture);

  std::vector<const SweepPoint*> mine;
  for (const SweepPoint& point : points)
    if (static_cast<int>(point.index % static_cast<std::size_t>(options.shard.count)) == options.shard.index)
      mine.push_back(&point);
  SweepRunSummary summary;
  summary.shard_points = mine.size();
  std::map<std::size_t, LoadedWorkload> workloads;  // loaded when a point first needs one
  const auto report = [&](std::size_t n, const SweepPoint& point, std::size_t layer, std::size_t layers,
                          bool done, bool skipped, const std::string& status) {
    if (progress) progress({n + 1, mine.size(), point, layer, layers, done, skipped, status});
  };
  for (std::size_t n = 0; n < mine.size(); ++n) {
    const SweepPoint& point = *mine[n];
    if (fs::exists(pointDir(out, point) / "point.json")) {
      ++summary.skipped;
      report(n, point, 0, 0, true, true, "");
      continue;
    }
    if (stop != nullptr && stop->load()) {
      summary.complete = false;
      break;
    }
    if (!workloads.contains(point.workload)) {
      LoadedWorkload loaded;
      loaded.network = loadWorkload(spec.workloads[point.workload], loaded.onnx);
      workloads.emplace(point.workload, std::move(loaded));
    }
    const LoadedWorkload& workload = workloads.at(point.workload);
    const std::size_t layers = uniqueLayers(workload.network).size();
    report(n, point, 0, layers, false, false, "");
    const PointOutcome outcome = runPoint(spec, base, point, workload, out, options.jobs, stop,
                                          [&](std::size_t finished, std::size_t total) {
                                            report(n, point, finished, total, false, false, "");
                                          });
    if (!outcome.finished) {
      summary.complete = false;
      break;
    }
    ++summary.ran;
    if (outcome.status != "ok") ++summary.failed;
    report(n, point, layers, layers, true, false, outcome.status);
  }
  return summary;
}

std::string pointsCsv(const SweepReportData& data) {
  std::string csv = "id,workload";
  for (const std::string& name : data.parameters) csv.append(",").append(csvField(name));
  csv +=
      ",status,total_cycles,total_energy_pJ,total_edp,pJ_per_mac,unique_layers,failed_layers,pareto,"
      "message\n";
  const std::vector<bool> front = paretoFront(data.points);
  const auto number = [](const std::optional<double>& v) {
    return v ? fmt::format("{}", *v) : std::string();
  };
  for (std::size_t i = 0; i < data.points.size(); ++i) {
    const SweepReportPoint& p = data.points[i];
    csv.append(csvField(p.id)).append(",").append(csvField(p.workload));
    for (double v : p.values) csv.append(",").append(parameterText(v));
    csv += fmt::format(",{},{},{},{},{},{},{},{},{}\n", p.status, p.cycles ? std::to_string(*p.cycles) : "",
                       number(p.energy_pJ), number(p.edp), number(p.pj_per_mac),
                       p.unique_layers ? std::to_string(*p.unique_layers) : "",
                       p.failed_layers ? std::to_string(*p.failed_layers) : "", front[i] ? "yes" : "",
                       csvField(p.message));
  }
  return csv;
}

SweepMergeSummary mergeSweep(const std::string& dir_text) {
  const fs::path dir(dir_text);
  const std::string plan_path = (dir / "sweep.json").string();
  if (!fs::exists(plan_path))
    throw InputError({plan_path, 0, 0}, "", "no sweep here (cosa sweep run writes sweep.json first)");
  const nlohmann::json plan = readJsonFile(plan_path);
  SweepReportData data;
  SweepMergeSummary summary;
  try {
    data.name = plan.at("name").get<std::string>();
    data.architecture = plan.at("architecture").get<std::string>();
    data.objective = plan.at("objective").get<std::string>();
    for (const auto& p : plan.at("parameters")) data.parameters.push_back(p.at("name").get<std::string>());
    for (const auto& w : plan.at("workloads")) data.workloads.push_back(w.get<std::string>());
    for (const auto& entry : plan.at("points")) {
      SweepReportPoint p;
      p.id = entry.at("id").get<std::string>();
      p.workload = entry.at("workload").get<std::string>();
      for (const std::string& name : data.parameters)
        p.values.push_back(entry.at("parameters").at(name).get<double>());
      const std::string point_path = (dir / "points" / p.id / "point.json").string();
      if (!fs::exists(point_path)) {
        p.status = "missing";
        p.message = "not finished";
        summary.missing.push_back(p.id);
      } else {
        const nlohmann::json j = readJsonFile(point_path);
        try {
          p.status = j.at("status").get<std::string>();
          p.message = j.value("message", "");
          p.cycles = optionalField<std::int64_t>(j, "total_cycles");
          p.energy_pJ = optionalField<double>(j, "total_energy_pJ");
          p.edp = optionalField<double>(j, "total_edp");
          p.pj_per_mac = optionalField<double>(j, "pJ_per_mac");
          p.unique_layers = optionalField<int>(j, "unique_layers");
          p.failed_layers = optionalField<int>(j, "failed_layers");
          p.solve_time_s = optionalField<double>(j, "solve_time_s");
          p.wall_time_s = optionalField<double>(j, "wall_time_s");
        } catch (const nlohmann::json::exception& e) {
          throw InputError({point_path, 0, 0}, "", std::string("unexpected content: ") + e.what());
        }
        ++summary.finished;
        summary.ok += p.status == "ok";
      }
      data.points.push_back(std::move(p));
    }
  } catch (const nlohmann::json::exception& e) {
    throw InputError({plan_path, 0, 0}, "", std::string("unexpected content: ") + e.what());
  }
  summary.points = data.points.size();
  summary.csv_path = (dir / "points.csv").string();
  summary.report_path = (dir / "report.html").string();
  writeFileAtomically(summary.csv_path, pointsCsv(data));
  writeFileAtomically(summary.report_path, renderSweepReport(data));
  return summary;
}

std::vector<std::string> writeSlurmScripts(const SweepSpec& spec, const SlurmOptions& o) {
  if (o.array < 1) throw std::invalid_argument("--array must be >= 1");
  if (o.cpus_per_task < 1) throw std::invalid_argument("--cpus-per-task must be >= 1");
  const fs::path dir = fs::absolute(o.out_dir).lexically_normal();
  fs::create_directories(dir / "slurm");
  fs::create_directories(dir / "points");
  writeOrCheckPlan(spec, expandPoints(spec), dir);
  std::string common;
  if (!o.partition.empty()) common += "#SBATCH --partition=" + o.partition + "\n";
  if (!o.time.empty()) common += "#SBATCH --time=" + o.time + "\n";
  if (!o.account.empty()) common += "#SBATCH --account=" + o.account + "\n";
  if (!o.mem.empty()) common += "#SBATCH --mem=" + o.mem + "\n";
  for (const std::string& line : o.extra) common += "#SBATCH " + line + "\n";
  const std::string cosa = shellQuoted(o.cosa), dir_q = shellQuoted(dir.string());
  const std::string sweep = fmt::format(
      "#!/bin/bash\n"
      "# cosa sweep {name}: one shard of the sweep per array task (written by cosa sweep slurm).\n"
      "# Submit with submit.sh (which adds the merge), or alone: sbatch sweep.sbatch. Re-submitting\n"
      "# resumes: finished points are skipped.\n"
      "#SBATCH --job-name=cosa-sweep-{name}\n"
      "#SBATCH --array=0-{last}\n"
      "#SBATCH --cpus-per-task={cpus}\n"
      "#SBATCH --output={dir}/slurm/sweep-%A_%a.out\n"
      "{common}"
      "set -euo pipefail\n"
      "exec {cosa} sweep run {spec} --out {dir_q} --shard slurm --jobs "
      "\"${{SLURM_CPUS_PER_TASK:-{cpus}}}\"\n",
      fmt::arg("name", fileSafeName(spec.name)), fmt::arg("last", o.array - 1),
      fmt::arg("cpus", o.cpus_per_task), fmt::arg("dir", dir.string()), fmt::arg("common", common),
      fmt::arg("cosa", cosa), fmt::arg("spec", shellQuoted(spec.file)), fmt::arg("dir_q", dir_q));
  const std::string merge = fmt::format(
      "#!/bin/bash\n"
      "# cosa sweep {name}: merges the points into points.csv and report.html (submit.sh runs it after\n"
      "# the array job).\n"
      "#SBATCH --job-name=cosa-sweep-{name}-merge\n"
      "#SBATCH --cpus-per-task=1\n"
      "#SBATCH --output={dir}/slurm/merge-%j.out\n"
      "{common}"
      "set -euo pipefail\n"
      "exec {cosa} sweep merge {dir_q}\n",
      fmt::arg("name", fileSafeName(spec.name)), fmt::arg("dir", dir.string()), fmt::arg("common", common),
      fmt::arg("cosa", cosa), fmt::arg("dir_q", dir_q));
  const std::string submit =
      "#!/bin/bash\n"
      "# Submits the sweep's array job, then the merge as a job that waits for every array task to end\n"
      "# (afterany: the merge also reports points that did not finish). Arguments go to both sbatch\n"
      "# calls, e.g. --wait to return only when each job has finished.\n"
      "set -uo pipefail\n"
      "cd \"$(dirname \"${BASH_SOURCE[0]}\")\"\n"
      "array=$(sbatch --parsable \"$@\" sweep.sbatch)\n"
      "array_status=$?\n"
      "array=${array%%;*}\n"
      "if [ -z \"$array\" ]; then echo \"submit.sh: the array job was not submitted\" >&2; exit 1; fi\n"
      "echo \"array job: $array\"\n"
      "merge=$(sbatch --parsable --dependency=afterany:\"$array\" \"$@\" merge.sbatch)\n"
      "merge_status=$?\n"
      "echo \"merge job: ${merge%%;*} (after $array)\"\n"
      "[ \"$array_status\" -eq 0 ] && [ \"$merge_status\" -eq 0 ]\n";
  std::vector<std::string> written;
  for (const auto& [name, text] : {std::pair<std::string, std::string>{"sweep.sbatch", sweep},
                                   {"merge.sbatch", merge},
                                   {"submit.sh", submit}}) {
    const std::string path = (dir / name).string();
    writeFileAtomically(path, text);
    fs::permissions(path, fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec,
                    fs::perm_options::add);
    written.push_back(path);
  }
  return written;
}

}  // namespace cosa::app
