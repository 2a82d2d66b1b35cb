#include "io/results/sweep_folder.hpp"

#include <filesystem>
#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "io/json_file.hpp"

namespace cosa {

namespace fs = std::filesystem;

namespace {

template <typename T>
std::optional<T> optionalField(const nlohmann::json& j, const char* key) {
  if (!j.contains(key) || j[key].is_null()) return std::nullopt;
  return j[key].get<T>();
}

// A finished point's outcome from its point.json.
void readPoint(const std::string& path, SweepReportPoint& p) {
  const nlohmann::json j = readJsonFile(path);
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
    throw InputError({path, 0, 0}, "", std::string("unexpected content: ") + e.what());
  }
}

}  // namespace

SweepFolder readSweepFolder(const std::string& dir_text) {
  const fs::path dir(dir_text);
  const std::string plan_path = (dir / "sweep.json").string();
  if (!fs::exists(plan_path))
    throw InputError({plan_path, 0, 0}, "", "no sweep here (cosa sweep run writes sweep.json first)");
  const nlohmann::json plan = readJsonFile(plan_path);
  SweepFolder folder;
  SweepReportData& data = folder.data;
  try {
    data.name = plan.at("name").get<std::string>();
    data.architecture = plan.at("architecture").get<std::string>();
    data.objective = plan.at("objective").get<std::string>();
    folder.mapper = optionalField<std::string>(plan, "mapper");
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
        folder.missing.push_back(p.id);
      } else {
        readPoint(point_path, p);
        ++folder.finished;
        folder.ok += p.status == "ok";
      }
      data.points.push_back(std::move(p));
    }
  } catch (const nlohmann::json::exception& e) {
    throw InputError({plan_path, 0, 0}, "", std::string("unexpected content: ") + e.what());
  }
  return folder;
}

}  // namespace cosa
