#include "cli/interrupt.hpp"

#include <pthread.h>

#include <ctime>

namespace cosa::cli {

namespace {

std::atomic<bool> g_interrupted{false};
struct sigaction g_previous_int, g_previous_term;

void onSignal(int) { g_interrupted.store(true); }

sigset_t stopSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

}  // namespace

InterruptGuard::InterruptGuard() {
  g_interrupted.store(false);
  struct sigaction action {};
  action.sa_handler = onSignal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, &g_previous_int);
  sigaction(SIGTERM, &action, &g_previous_term);
  const sigset_t set = stopSignals();
  pthread_sigmask(SIG_BLOCK, &set, &previous_mask_);
  // Started after the mask is set: the watcher blocks the signals too, and takes them pending.
  watcher_ = std::thread([this] {
    const sigset_t signals = stopSignals();
    const timespec tick{0, 20 * 1000 * 1000};  // 20 ms: how soon the destructor's request is seen
    while (!done_.load()) {
      const int taken = sigtimedwait(&signals, nullptr, &tick);
      if (taken == SIGINT || taken == SIGTERM) g_interrupted.store(true);
    }
  });
}

InterruptGuard::~InterruptGuard() {
  done_.store(true);
  watcher_.join();
  // A signal still pending arrives now, at onSignal; then the previous handlers come back.
  pthread_sigmask(SIG_SETMASK, &previous_mask_, nullptr);
  sigaction(SIGINT, &g_previous_int, nullptr);
  sigaction(SIGTERM, &g_previous_term, nullptr);
}

const std::atomic<bool>& InterruptGuard::flag() { return g_interrupted; }

}  // namespace cosa::cli
