#include "io/timeloop/problem_yaml.hpp"

#include <fmt/format.h>

#include <cctype>
#include <filesystem>

#include "io/timeloop/problem_v04.hpp"
#include "io/timeloop/shapes.hpp"
#include "io/yaml/yaml_merge.hpp"

namespace cosa {

namespace {

bool endsWith(const std::string& text, std::string_view suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// The shape named or described by `problem.shape`. Like Timeloop, a missing shape means cnn-layer
// (Timeloop prints a warning; we do not). A name ending in .yaml/.yml is a shape file, relative to
// the file the name is written in.
WorkloadShape resolveShape(const YamlView& problem, const std::optional<YamlView>& default_shape) {
  auto node = problem.has("shape") ? problem.find("shape") : default_shape;
  if (!node) return builtinShape("cnn-layer");
  if (node->isMap()) return parseShape(*node);
  const std::string name = node->asString();
  if (endsWith(name, ".yaml") || endsWith(name, ".yml")) {
    std::filesystem::path path(name);
    if (path.is_relative() && !node->file().empty())
      path = std::filesystem::path(node->file()).parent_path() / path;
    // The non-throwing form: a name the OS refuses (too long, bad bytes) is "not found", not a crash.
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
      node->fail(fmt::format("shape file '{}' not found", path.string()));
    return parseShape(YamlView::loadFile(path.string()).get("shape"));
  }
  if (const WorkloadShape* shape = findBuiltinShape(name)) return *shape;
  std::string known;
  for (const auto& n : builtinShapeNames()) known += (known.empty() ? "" : ", ") + n;
  node->fail(fmt::format("unknown problem shape '{}' (built-in shapes: {}; or give a shape description)",
                         name, known));
}

bool isStride(const std::string& name) {
  std::string lower;
  for (char ch : name) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
  return lower.find("stride") != std::string::npos;
}

}  // namespace

Workload parseProblemNode(const YamlView& problem) { return parseProblemNode(problem, {}); }

Workload parseProblemNode(const YamlView& problem, const ProblemNodeOptions& options) {
  problem.expectMap();
  // Timeloop v0.4 (timeloopfe): read in its v0.3 form (without `variables:`; parseProblem has them).
  if (v04::isV04Problem(problem)) return parseProblemNode(v04::normalizeProblem(problem, {}), options);
  const WorkloadShape shape = resolveShape(problem, options.default_shape);

  std::vector<std::string> instance_keys = shape.dimensions;
  for (const auto& c : shape.coefficients) instance_keys.push_back(c.name);

  // Bounds sit under `instance:` (Timeloop's newer form) or directly under `problem:` (CoSA).
  const auto instance_node = problem.find("instance");
  if (instance_node) {
    std::vector<std::string> allowed = {"shape", "instance", "name"};
    allowed.insert(allowed.end(), options.extra_keys.begin(), options.extra_keys.end());
    problem.checkKeys(allowed);
    instance_node->expectMap();
    instance_node->checkKeys(instance_keys);
  } else {
    std::vector<std::string> allowed = instance_keys;
    allowed.insert(allowed.end(), {"shape", "name"});
    allowed.insert(allowed.end(), options.extra_keys.begin(), options.extra_keys.end());
    problem.checkKeys(allowed);
  }
  const YamlView& instance = instance_node ? *instance_node : problem;

  // Missing dimensions default to 1 (Timeloop asserts on them; CoSA's files list all seven).
  std::vector<std::int64_t> bounds;
  for (const auto& dim : shape.dimensions) {
    std::int64_t bound = 1;
    if (auto node = instance.find(dim)) {
      bound = node->asInt();
      if (bound < 1) node->fail(fmt::format("bound {} must be >= 1", bound));
    }
    bounds.push_back(bound);
  }
  // Coefficients default per the shape. 0 is accepted as Timeloop takes it (CoSA's DeepBench
  // files carry dilation 0: the kernel then does not widen the input window); negatives are not.
  std::vector<std::int64_t> coefficients;
  for (const auto& c : shape.coefficients) {
    std::int64_t value = c.default_value;
    if (auto node = instance.find(c.name)) {
      value = node->asInt();
      if (value < 0) node->fail(fmt::format("coefficient {} must be >= 0", value));
      // A stride of 0 would make every output read the same input window: a typo, not a layer.
      if (value == 0 && isStride(c.name)) node->fail(fmt::format("stride {} must be >= 1", value));
    }
    coefficients.push_back(value);
  }

  Workload workload = instantiate(shape, bounds, coefficients);
  // Sizes whose counts would overflow 64-bit integers in the cost model (and in macs()).
  if (const double bound = workload.countBound(); !(bound <= kMaxWorkloadCount))
    problem.fail(fmt::format(
        "workload too large: its MAC, tile or access counts could reach {:.3g}, beyond cosa's limit of "
        "2^56 ({:.3g})",
        bound, kMaxWorkloadCount));
  if (auto name = problem.optString("name")) workload.name = *name;
  return workload;
}

Workload parseProblem(const YamlView& root) {
  root.expectMap();
  const YamlView problem = root.get("problem");
  if (v04::isV04Problem(problem)) {
    resolveMergeKeys(root.node(), root.file());
    return parseProblemNode(v04::normalizeProblem(problem, Variables::read(root)));
  }
  return parseProblemNode(problem);
}

Workload parseProblem(const InputFiles& files) {
  const auto problem = files.section("problem");
  if (!problem) files.failMissing("the problem (a 'problem' section)");
  if (v04::isV04Problem(*problem)) {
    // Timeloop v0.4: merge keys and `variables:` come from the whole document.
    const YamlView whole = files.merged();
    files.markUsed("variables");
    resolveMergeKeys(whole.node(), whole.file());
    return parseProblemNode(v04::normalizeProblem(*problem, Variables::read(whole)));
  }
  return parseProblemNode(*problem);
}

Workload loadProblem(const InputFiles& files) {
  Workload workload = parseProblem(files);
  if (workload.name.empty())
    workload.name = std::filesystem::path(files.section("problem")->file()).stem().string();
  return workload;
}

Workload loadProblem(const std::string& path) {
  Workload workload = parseProblem(YamlView::loadFile(path));
  if (workload.name.empty()) workload.name = std::filesystem::path(path).stem().string();
  return workload;
}

}  // namespace cosa
