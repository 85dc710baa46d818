#include "renew/watchdog_run.h"

#include <unistd.h>

#include <utility>

#include "renew/watchdog_options.h"

namespace acme {

namespace {

WatchdogSession::Options session_options(const Generation& g, Millis min_interval) {
  WatchdogSession::Options o = watchdog_options(g.settings, g.certs);
  // For the names of vhosts that allow the acme-tls/1 protocol (httpd/tls_alpn.cc).
  o.tls_alpn_wanted = g.tls_alpn_wanted;
  o.tls_alpn_names = g.tls_alpn_names;
  o.generation = g.httpd_generation;
  o.min_interval = min_interval;
  o.cluster = g.cluster;
  o.cluster_key = g.cluster_key;
  return o;
}

}  // namespace

WatchdogRun::WatchdogRun(Generation& g, std::unique_ptr<LogSink> log, Millis min_interval,
                         std::function<bool()> process_stopping)
    : store_(g.settings.store_dir),
      log_(std::move(log)),
      session_(
          WatchdogSession::Parts::over_multi(store_, g.table, g.signal, g.ocsp_table, g.alpn_table,
                                             clock_, *log_, multi_),
          session_options(g, min_interval), [parent = g.parent_pid] { return getppid() != parent; },
          std::move(process_stopping)) {}

void WatchdogRun::tick(TickGate& gate, const std::function<void(std::chrono::microseconds)>& next) {
  TickGate::Tick tick(gate);
  if (tick.may_run()) next(session_.tick());
}

void WatchdogRun::drain(TickGate& gate) {
  TickGate::Tick tick(gate);  // the child's exit waits for a drain as for a tick
  session_.drain();
}

void watchdog_start(Generation& g, TickGate& gate, std::unique_ptr<LogSink> log,
                    Millis min_interval, std::function<bool()> process_stopping) {
  gate.started();
  g.watchdog = new WatchdogRun(g, std::move(log), min_interval, std::move(process_stopping));
}

void watchdog_tick(Generation& g, TickGate& gate,
                   const std::function<void(std::chrono::microseconds)>& next) {
  if (g.watchdog) g.watchdog->tick(gate, next);
}

void watchdog_stop(Generation& g, TickGate& gate) {
  if (g.watchdog) g.watchdog->drain(gate);
  delete g.watchdog;
  g.watchdog = nullptr;
  gate.stopped();
}

}  // namespace acme
