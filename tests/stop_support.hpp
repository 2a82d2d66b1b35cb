#pragma once
// Test helpers for stop requests: a flag raised after a delay from another thread, and the time
// a call took.

#include <atomic>
#include <chrono>
#include <thread>

namespace cosa::test {

// Raises `flag` `delay_s` seconds after construction, from its own thread (joined when destroyed).
class StopLater {
 public:
  StopLater(std::atomic<bool>& flag, double delay_s)
      : thread_([&flag, delay_s] {
          std::this_thread::sleep_for(std::chrono::duration<double>(delay_s));
          flag.store(true);
        }) {}
  ~StopLater() { thread_.join(); }
  StopLater(const StopLater&) = delete;
  StopLater& operator=(const StopLater&) = delete;

 private:
  std::thread thread_;
};

// Seconds since `start`, on the steady clock.
inline double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// How long a stop request may take to end a run here: generous, for the sanitizer build
// (scripts/sanitize.sh) on a loaded 2-core machine; a run that ignores the flag takes minutes.
inline constexpr double kStopLatencyBoundS = 2.0;

}  // namespace cosa::test
