#pragma once
// SIGINT/SIGTERM handling for long runs (`network`, `compare`): the first signal asks the run to
// stop after the layers in progress, so it can write what is done and a summary marked incomplete;
// the flag is process-wide because a signal handler can reach nothing else.

#include <atomic>

namespace cosa::cli {

class InterruptGuard {
 public:
  InterruptGuard();   // installs the handlers
  ~InterruptGuard();  // restores the previous ones
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;

  static const std::atomic<bool>& flag();
  static bool interrupted() { return flag().load(); }
};

inline constexpr int kExitInterrupted = 130;

}  // namespace cosa::cli
