#include "app/sweep_plan.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "io/atomic_file.hpp"
#include "io/json_file.hpp"
#include "io/results/schedule_report.hpp"

namespace cosa::app {

namespace fs = std::filesystem;

namespace {

nlohmann::json parametersJson(const SweepSpec& spec, const SweepPoint& point) {
  nlohmann::json out = nlohmann::json::object();
  for (std::size_t i = 0; i < spec.parameters.size(); ++i) out[spec.parameters[i].name] = point.values[i];
  return out;
}

// cosa's settings as the plan records them: the seed as the spec gives it (0 .. INT_MAX; the MIP
// gets it modulo 1e9+7, as in every run).
ScheduleOptions recordedCosaOptions(const RunSettings& settings) {
  ScheduleOptions options = settings.mappers.cosa;
  options.seed = static_cast<int>(settings.seed);
  return options;
}

}  // namespace

std::optional<std::string> recordedMapper(const RunSettings& settings) {
  if (settings.mapper == RunSettings{}.mapper) return std::nullopt;
  return settings.mapper;
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
  nlohmann::json plan{{"name", spec.name},
                      {"spec", spec.file},
                      {"architecture", spec.architecture},
                      {"mapspace", spec.mapspace},
                      {"objective", objectiveName(spec.settings)},
                      {"backend", spec.settings.mappers.cosa.backend},
                      {"settings", scheduleSettingsJson(recordedCosaOptions(spec.settings))},
                      {"combine", spec.zip ? "zip" : "product"},
                      {"parameters", parameters},
                      {"workloads", workloads},
                      {"points", list}};
  if (const auto mapper = recordedMapper(spec.settings)) {
    plan["mapper"] = *mapper;
    plan["mapper_settings"] = mapperSettingsJson(*mapper, spec.settings.mappers);
  }
  return plan;
}

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
          "{} describes a different sweep (other points, parameters, mapper or settings); use another --out "
          "folder",
          path.string()));
    return;
  }
  writeFileAtomically(path.string(), plan.dump(2) + "\n");
}

fs::path pointDir(const fs::path& out, const SweepPoint& point) { return out / "points" / point.id; }

nlohmann::json pointJsonBase(const SweepSpec& spec, const SweepPoint& point) {
  nlohmann::json base{{"id", point.id},
                      {"index", point.index},
                      {"workload", spec.workloads[point.workload].label},
                      {"parameters", parametersJson(spec, point)},
                      {"architecture", "arch.yaml"}};
  if (const auto mapper = recordedMapper(spec.settings)) base["mapper"] = *mapper;
  return base;
}

}  // namespace cosa::app
