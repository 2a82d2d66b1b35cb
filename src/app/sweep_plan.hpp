#pragma once
// What a sweep writes about itself in its folder: DIR/sweep.json, the plan (the spec as read and
// every point; docs/schema/sweep-plan.schema.json), and the fields of DIR/points/<id>/point.json
// that say which point it is (docs/schema/sweep-point.schema.json). io/results/sweep_folder.hpp
// reads them back.

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "app/sweep_points.hpp"
#include "app/sweep_spec.hpp"

namespace cosa::app {

// The mapper a sweep's files name: none for the default mapper (cosa), so that the files of a cosa
// sweep are what they were before the mapper could be chosen.
std::optional<std::string> recordedMapper(const RunSettings& settings);

// The plan. It names the mapper and its settings when the mapper is not the default.
nlohmann::json planJson(const SweepSpec& spec, const std::vector<SweepPoint>& points);

// Writes DIR/sweep.json, or checks that the one already there is the same sweep (its spec may have
// moved): std::runtime_error when it is not (other points, parameters, mapper or settings).
void writeOrCheckPlan(const SweepSpec& spec, const std::vector<SweepPoint>& points,
                      const std::filesystem::path& dir);

// DIR/points/<id>.
std::filesystem::path pointDir(const std::filesystem::path& out, const SweepPoint& point);

// point.json's first fields: id, index, workload, parameters, architecture (and mapper when not the
// default).
nlohmann::json pointJsonBase(const SweepSpec& spec, const SweepPoint& point);

}  // namespace cosa::app
