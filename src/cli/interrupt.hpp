#pragma once
// SIGINT/SIGTERM handling for long runs (`schedule`, `network`, `compare`, `sweep run`): the first
// signal raises a stop flag that the run polls (inside its MIP solves too), so it stops within about
// a second and writes what is done, marked incomplete; the flag is process-wide because a signal
// can reach nothing else.
//
// CBC's LP solver (Clp) installs its own SIGINT handler around each root LP and puts the previous
// one back afterwards, so a handler alone would miss a Ctrl-C in that window (Clp would only cut
// that LP short), and with solves on parallel threads the save/restore pairs interleave and can
// leave Clp's handler installed for good. So, while the guard lives, SIGINT and SIGTERM are blocked
// in the thread that made it and in every thread started after it (threads inherit the mask): the
// signals stay pending whatever handler is installed, and a watcher thread takes them (sigtimedwait)
// and raises the flag. The handler stays installed for threads started before the guard.

#include <atomic>
#include <csignal>
#include <thread>

namespace cosa::cli {

class InterruptGuard {
 public:
  InterruptGuard();   // installs the handlers, blocks the signals, starts the watcher
  ~InterruptGuard();  // stops the watcher, restores the mask and the previous handlers
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;

  static const std::atomic<bool>& flag();
  static bool interrupted() { return flag().load(); }

 private:
  sigset_t previous_mask_{};
  std::atomic<bool> done_{false};
  std::thread watcher_;
};

inline constexpr int kExitInterrupted = 130;

}  // namespace cosa::cli
