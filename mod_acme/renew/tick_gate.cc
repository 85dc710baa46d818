#include "renew/tick_gate.h"

#include <thread>

namespace acme {

void TickGate::exit_wait(std::chrono::milliseconds limit) {
  exiting_.store(true);
  if (in_tick_.load() && pthread_equal(tick_thread_.load(), pthread_self()))
    return;  // exiting from inside the tick (a signal): nothing to wait for
  if (active_.load() && pthread_equal(watchdog_thread_.load(), pthread_self()))
    return;  // a signal on the watchdog thread: it cannot wait for itself
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while ((in_tick_.load() || active_.load()) && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
}

}  // namespace acme
