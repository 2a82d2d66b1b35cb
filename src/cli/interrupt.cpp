#include "cli/interrupt.hpp"

#include <csignal>

namespace cosa::cli {

namespace {

std::atomic<bool> g_interrupted{false};
struct sigaction g_previous_int, g_previous_term;

void onSignal(int) { g_interrupted.store(true); }

}  // namespace

InterruptGuard::InterruptGuard() {
  g_interrupted.store(false);
  struct sigaction action {};
  action.sa_handler = onSignal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, &g_previous_int);
  sigaction(SIGTERM, &action, &g_previous_term);
}

InterruptGuard::~InterruptGuard() {
  sigaction(SIGINT, &g_previous_int, nullptr);
  sigaction(SIGTERM, &g_previous_term, nullptr);
}

const std::atomic<bool>& InterruptGuard::flag() { return g_interrupted; }

}  // namespace cosa::cli
