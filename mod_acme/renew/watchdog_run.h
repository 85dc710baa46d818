// The watchdog child's objects, from mod_watchdog's STARTING callback to its
// STOPPING (httpd/watchdog.cc makes one at STARTING and deletes it after
// STOPPING): the session (renew/watchdog_session.h) over the generation's
// shared memory, its store, clock and network. Its tick and drain hold the
// child's TickGate (renew/tick_gate.h), so the child's exit waits for them.
#pragma once

#include <chrono>
#include <functional>
#include <memory>

#include "base/clock.h"
#include "base/log.h"
#include "http/curl_multi.h"
#include "renew/generation.h"
#include "renew/tick_gate.h"
#include "renew/watchdog_session.h"
#include "store/file_store.h"

namespace acme {

class WatchdogRun {
 public:
  // min_interval: mod_watchdog's time slice; process_stopping: the MPM
  // stops this child. The parent is gone when getppid() is no longer g's.
  WatchdogRun(Generation& g, std::unique_ptr<LogSink> log, Millis min_interval,
              std::function<bool()> process_stopping);
  WatchdogRun(const WatchdogRun&) = delete;
  WatchdogRun& operator=(const WatchdogRun&) = delete;

  // RUNNING: one session tick, held in gate; next(how long until the one
  // after) is called inside it. Nothing once the process exits.
  void tick(TickGate& gate, const std::function<void(std::chrono::microseconds)>& next);
  // STOPPING: the session's drain, held in gate as a tick is.
  void drain(TickGate& gate);

 private:
  SystemClock clock_;
  CurlMulti multi_;  // the CAs' requests in flight; outlives the session's fibers
  FileStore store_;
  std::unique_ptr<LogSink> log_;
  WatchdogSession session_;  // last: it uses everything above
};

// mod_watchdog's three callbacks for g, without httpd (httpd/watchdog.cc
// maps its states here), each over the child's gate: STARTING makes
// g.watchdog; RUNNING ticks it (next: how long until the one after);
// STOPPING drains it, deletes it and tells the gate the watchdog stopped.
void watchdog_start(Generation& g, TickGate& gate, std::unique_ptr<LogSink> log,
                    Millis min_interval, std::function<bool()> process_stopping);
void watchdog_tick(Generation& g, TickGate& gate,
                   const std::function<void(std::chrono::microseconds)>& next);
void watchdog_stop(Generation& g, TickGate& gate);

}  // namespace acme
