#include "mappers/mapper.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace cosa {

double metricValue(Objective metric, const Evaluation& e) {
  switch (metric) {
    case Objective::Latency:
    case Objective::CosaPaper:
      return static_cast<double>(e.cycles);
    case Objective::Energy:
    case Objective::EnergyModel:
      return e.energy_pJ;
    case Objective::Edp:
      return e.edp();
    case Objective::LastLevelAccesses: {
      if (e.levels.empty()) return 0;
      double words = 0;
      for (const DataSpaceStats& s : e.levels.back().data_spaces)
        if (s.kept)
          words +=
              static_cast<double>(s.reads + s.updates + s.fills) * static_cast<double>(s.utilized_instances);
      return words;
    }
  }
  return 0;
}

bool betterThan(const Evaluation& a, const Evaluation& b, const std::vector<SearchMetric>& metrics) {
  if (a.valid != b.valid) return a.valid;
  for (SearchMetric metric : metrics) {
    const double x = metricValue(metric, a);
    const double y = metricValue(metric, b);
    // Relative tolerance so floating-point noise in energies does not decide.
    const double tolerance = 1e-9 * std::max(std::abs(x), std::abs(y));
    if (x < y - tolerance) return true;
    if (x > y + tolerance) return false;
  }
  return false;
}

MapperResult named(const std::string& name, MapperResult result) {
  result.mapper = name;
  return result;
}

MapperResult runWithinBudget(const RunContext& context,
                             const std::function<MapperResult(const std::atomic<bool>* stop)>& search) {
  if (context.time_budget_s <= 0) return search(context.stop);
  // A watchdog raises the search's own stop flag at the deadline, or when the caller's is raised.
  std::atomic<bool> stop{context.stop != nullptr && context.stop->load()};
  bool spent = false, done = false;
  std::mutex mutex;
  std::condition_variable wake;
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::duration<double>(context.time_budget_s);
  std::thread watchdog([&] {
    std::unique_lock<std::mutex> lock(mutex);
    while (!done) {
      if (context.stop != nullptr && context.stop->load()) stop = true;
      if (std::chrono::steady_clock::now() >= deadline) {
        spent = !stop.load();
        stop = true;
        return;
      }
      wake.wait_for(lock, std::chrono::milliseconds(20));
    }
  });
  MapperResult result = search(&stop);
  {
    std::lock_guard<std::mutex> lock(mutex);
    done = true;
  }
  wake.notify_all();
  watchdog.join();
  if (spent && result.interrupted) {
    result.interrupted = false;
    result.message = fmt::format("time budget of {} s spent; {}", context.time_budget_s, result.message);
  }
  return result;
}

}  // namespace cosa
