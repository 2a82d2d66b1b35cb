#include "app/sweep_run.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>

#include "app/network_run.hpp"
#include "app/network_source.hpp"
#include "app/sweep_overrides.hpp"
#include "app/sweep_plan.hpp"
#include "common/error.hpp"
#include "io/atomic_file.hpp"
#include "io/network/network_yaml.hpp"
#include "io/onnx/onnx_import.hpp"
#include "io/timeloop/arch_writer.hpp"
#include "io/timeloop/arch_yaml.hpp"
#include "workload/network.hpp"

namespace cosa::app {

namespace fs = std::filesystem;

namespace {

// Through the one network-source resolver, as `cosa network` resolves --network, --workload and --onnx.
Network loadWorkload(const SweepWorkload& w, std::optional<OnnxProvenance>& onnx) {
  NetworkSource source;
  switch (w.kind) {
    case WorkloadKind::Network:
      source.network = w.source;
      break;
    case WorkloadKind::Folder:
      source.workload_dir = w.source;
      break;
    case WorkloadKind::Onnx:
      source.onnx = w.source;
      source.batch = w.batch;
      break;
  }
  ResolvedNetwork resolved = resolveNetwork(source);
  onnx = std::move(resolved.onnx);
  return std::move(resolved.network);
}

struct LoadedWorkload {
  Network network;
  std::optional<OnnxProvenance> onnx;
};

struct PointOutcome {
  bool finished = false;  // false: stopped before it finished (no point.json)
  std::string status;
};

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
    arch = parseArchitectureText(yaml, (fs::path("points") / point.id / "arch.yaml").string());
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
  run.settings = spec.settings;
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

}  // namespace

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

}  // namespace cosa::app
