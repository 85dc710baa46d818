// TickGate: a child process's exit waits for its watchdog's running tick.
//
// mod_watchdog (httpd 2.4) neither stops nor joins a child's watchdog thread
// when the child exits: exit() cut a tick anywhere (a job step half done) and
// ran OpenSSL's atexit cleanup under a running request (SIGSEGV), which
// activation restarts during issuance made common. So the exit waits for the
// running tick (or drain), and no tick starts once it began.
//
// Plain atomics, constant-initialised and trivially destructible: a static
// one in the DSO has nothing to destroy when httpd unloads it.
#pragma once

#include <pthread.h>

#include <atomic>
#include <chrono>

namespace acme {

class TickGate {
 public:
  // The watchdog thread from STARTING until STOPPING has finished.
  void started() {
    watchdog_thread_.store(pthread_self());
    active_.store(true);
  }
  void stopped() { active_.store(false); }

  // Held for a tick (or a drain). The mark is set before stopping is read,
  // so an exit sees one or the other.
  class Tick {
   public:
    explicit Tick(TickGate& gate) : gate_(gate) {
      gate_.tick_thread_.store(pthread_self());
      gate_.in_tick_.store(true);
    }
    ~Tick() { gate_.in_tick_.store(false); }
    Tick(const Tick&) = delete;
    Tick& operator=(const Tick&) = delete;
    bool may_run() const { return !gate_.exiting_.load(); }

   private:
    TickGate& gate_;
  };

  // The process exits: no tick starts from now on, and this waits (up to
  // `limit`) for the running tick and for the watchdog's STOPPING. Called
  // from the watchdog thread itself (a signal), it cannot wait for itself.
  void exit_wait(std::chrono::milliseconds limit);

 private:
  std::atomic<bool> exiting_{false};
  std::atomic<bool> active_{false};
  std::atomic<bool> in_tick_{false};
  std::atomic<pthread_t> tick_thread_{};
  std::atomic<pthread_t> watchdog_thread_{};
};

}  // namespace acme
