#include "httpd/watchdog.h"

#include <httpd.h>  // first: the other httpd headers need its types

#include <http_log.h>
#include <mod_watchdog.h>
#include <mpm_common.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <random>
#include <thread>

#include "base/file_lock.h"
#include "http/curl_multi.h"
#include "httpd/log_sink.h"
#include "httpd/state.h"
#include "renew/dns01_responder.h"
#include "renew/renewer.h"
#include "renew/tls_alpn01_responder.h"
#include "store/file_store.h"

APLOG_USE_MODULE(acme);

namespace acme {

namespace {

constexpr const char kWatchdogName[] = "_acme_watchdog_";
constexpr Millis kMinInterval{100};  // mod_watchdog's time slice
// In a child-writable directory: only the watchdog (child user) opens it,
// O_NOFOLLOW; root never does (base/file_lock.h, docs/decisions.md).
constexpr const char kStoreLockFile[] = "jobs/.watchdog.lock";

APR_OPTIONAL_FN_TYPE(ap_watchdog_set_callback_interval) * g_set_interval = nullptr;
ap_watchdog_t* g_watchdog = nullptr;

double random01() {
  std::random_device device;
  return std::uniform_real_distribution<double>(0.0, 1.0)(device);
}

// The CAs' clients share one multi handle (http/curl_multi.h).
Renewer::HttpFactory make_ca_http(CurlMulti& multi) {
  return [&multi](const CaSettings& ca) -> std::unique_ptr<HttpClient> {
    HttpOptions options;
    options.ca_file = ca.ca_file;
    return std::make_unique<MultiHttpClient>(multi, options);
  };
}

Renewer::Options renewer_options(const ModuleState& st) {
  Renewer::Options options;
  options.check_interval = st.settings.check_interval;
  if (st.settings.max_parallel) options.max_parallel = st.settings.max_parallel;
  options.http01_by_default = st.settings.http01_reachable;
  // In this watchdog child only (renew/first_order_preflight.h).
  options.preflight = st.settings.preflight;
  options.preflight_resolver.server = st.settings.preflight_server;
  options.preflight_resolver.port = st.settings.preflight_port;
  options.preflight_http_port = st.settings.port_http;
  options.preflight_tls_port = st.settings.port_https;
  return options;
}

// A stop or a hard restart, or the parent gone: no drain goes on.
bool drains_halted(const ModuleState& st) {
  return st.signal.drain_halted(st.httpd_generation) || getppid() != st.parent_pid;
}

bool mpm_stopping() {
  int state = AP_MPMQ_RUNNING;
  return ap_mpm_query(AP_MPMQ_MPM_STATE, &state) == APR_SUCCESS && state == AP_MPMQ_STOPPING;
}

}  // namespace

// Lives in the watchdog child from STARTING to STOPPING.
struct WatchdogContext {
  explicit WatchdogContext(ModuleState& st)
      : state(st),
        store(st.settings.store_dir),
        log(st.main_server),
        lock(store.absolute(kStoreLockFile)),
        notifier(st.settings.notify_command, log),
        ocsp(store, st.ocsp_table, clock, log,
             std::make_unique<MultiHttpClient>(multi, HttpOptions())),
        dns01(st.certs, store, log),
        tls_alpn01(st.alpn_table, clock),
        renewer(store, st.table, st.signal, clock, log, make_ca_http(multi), random01,
                renewer_options(st)) {
    renewer.set_http_driver(&multi);
    // Steps stop with the MPM, unless this watchdog outlives a graceful
    // restart (drain()): then only a halt from the parent stops them.
    renewer.set_stopping([this] {
      if (draining.load()) return drains_halted(state);
      return mpm_stopping();
    });
    renewer.set_notifier(&notifier);
    if (st.settings.stapling) renewer.set_ocsp(&ocsp);
    // For the names of vhosts that allow the acme-tls/1 protocol (httpd/tls_alpn.h).
    tls_alpn01.answer_only(st.tls_alpn_names);
    if (st.tls_alpn_wanted) renewer.add_responder(&tls_alpn01);
    // Last: the default order is http-01, tls-alpn-01, dns-01.
    if (!dns01.empty()) renewer.add_responder(&dns01);
  }
  const ModuleState& state;
  std::atomic<bool> draining{false};  // outliving a graceful restart (drain())
  SystemClock clock;
  CurlMulti multi;  // the CAs' requests in flight; outlives the renewer's fibers
  FileStore store;
  ServerLogSink log;
  FileLock lock;  // one watchdog per store; released last, after hooks' grace
  CommandNotifier notifier;
  OcspRefresher ocsp;
  Dns01Responder dns01;  // before renewer, which points at it
  TlsAlpn01Responder tls_alpn01;
  Renewer renewer;
  std::string lock_trouble;  // the last reason the lock was not taken (logged once)
};

namespace {

// Set from STARTING until STOPPING has finished (a drain included): a child
// that exits before its watchdog thread saw the stop waits for it.
std::atomic<bool> g_active{false};
std::atomic<pthread_t> g_watchdog_thread{};

void on_start(ModuleState& st) {
  g_watchdog_thread.store(pthread_self());
  g_active.store(true);
  ServerLogSink(st.main_server)
      .log(LogLevel::kNotice, kMsgWatchdog,
           "watchdog running in pid " + std::to_string(getpid()) + " for " +
               std::to_string(st.certs.size()) + " certificate(s)");
  st.watchdog = new WatchdogContext(st);
}

// One watchdog works on a store at a time (docs/decisions.md): after a
// graceful restart the old generation's may still be in a tick. The new one
// skips its ticks until it gets the lock, and only then starts (start()
// clears the challenge tables the old one may still be using); it keeps the
// lock until it stops.
bool take_store(ModuleState& st, WatchdogContext& wd) {
  if (wd.lock.held()) return true;
  Status locked = wd.lock.try_lock();
  if (!locked.ok()) {
    st.signal.note_watchdog_waiting(st.httpd_generation);  // the old one hands over
    if (locked.message() != wd.lock_trouble) {
      wd.log.log(
          locked.code() == Code::kPending ? LogLevel::kInfo : LogLevel::kWarn, kMsgWatchdog,
          "waiting for the store lock: " + locked.message() +
              (locked.code() == Code::kPending ? " (another watchdog is still working)" : ""));
      wd.lock_trouble = locked.message();
    }
    return false;
  }
  if (!wd.lock_trouble.empty())
    wd.log.log(LogLevel::kInfo, kMsgWatchdog, "store lock " + wd.lock.path() + " taken");
  wd.renewer.set_certs(st.certs);
  wd.renewer.start();
  wd.tls_alpn01.withdraw_all();  // as start() does for http-01
  wd.dns01.withdraw_all();
  return true;
}

apr_status_t on_tick(ModuleState& st) {
  if (!st.watchdog) return APR_SUCCESS;
  if (!take_store(st, *st.watchdog)) {
    // The lock is free as soon as the old watchdog's drain ends: ask often.
    g_set_interval(g_watchdog, apr_time_from_msec(kMinInterval.count()), &st, nullptr);
    return APR_SUCCESS;
  }
  TimePoint now = std::chrono::system_clock::now();
  TimePoint next = st.watchdog->renewer.run_once();
  auto wait = std::max<std::chrono::system_clock::duration>(next - now, kMinInterval);
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(wait).count();
  g_set_interval(g_watchdog, micros, &st, nullptr);
  return APR_SUCCESS;
}

// mod_watchdog (httpd 2.4) neither stops nor joins a child's watchdog thread
// when the child exits: exit() cut a tick anywhere (a job step half done) and
// ran OpenSSL's atexit cleanup under a running request (SIGSEGV), which
// activation restarts during issuance made common. So the child's exit waits
// for the running tick (or drain), and no tick starts once it began. Plain
// atomics: nothing to destroy when the DSO is unloaded.
std::atomic<bool> g_stopping{false};
std::atomic<bool> g_in_tick{false};
std::atomic<pthread_t> g_tick_thread{};

// Outliving a graceful restart (docs/decisions.md): the old watchdog goes on
// working while the parent restarts (seconds with many vhosts), and once the
// next generation's watchdog waits for the store lock it starts no more
// orders, finishes those in flight and hands over.
constexpr std::chrono::seconds kDrainLimit{20};
constexpr Millis kDrainHorizon{2000};          // steps due later resume in the next watchdog
constexpr Millis kVerdictWait{300};            // the parent's word comes within its 100 ms tick
constexpr std::chrono::seconds kExitWait{22};  // a drain, or a CA request's own timeouts

struct TickMark {
  TickMark() {
    g_tick_thread.store(pthread_self());
    g_in_tick.store(true);
  }
  ~TickMark() { g_in_tick.store(false); }
};

// The parent permits a drain before a graceful restart (httpd/activation.cc)
// and halts it on a stop or a hard restart; without its word, no drain.
bool may_drain(const ModuleState& st) {
  const auto until = std::chrono::steady_clock::now() + kVerdictWait;
  while (!drains_halted(st)) {
    if (st.signal.drain_permitted(st.httpd_generation)) return true;
    if (std::chrono::steady_clock::now() >= until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

void drain(ModuleState& st, WatchdogContext& wd) {
  if (!wd.lock.held() || !wd.renewer.has_work(kDrainHorizon) || !may_drain(st)) return;
  TickMark mark;  // the child's exit waits for this as for a tick
  wd.draining.store(true);
  wd.log.log(LogLevel::kInfo, kMsgWatchdog,
             "graceful restart: this watchdog works on until the next one is up, then finishes "
             "its steps in flight and hands its orders over (at most " +
                 std::to_string(kDrainLimit.count()) + " s)");
  const auto deadline = std::chrono::steady_clock::now() + kDrainLimit;
  // After an admin's graceful restart (maybe a new configuration) only the
  // orders in flight are finished; after an activation it works on.
  bool handing_over = !st.signal.work_on_permitted(st.httpd_generation);
  if (handing_over) wd.renewer.set_draining();
  bool successor_up = false;
  while (std::chrono::steady_clock::now() < deadline && !drains_halted(st)) {
    if (!successor_up && st.signal.successor_waiting(st.httpd_generation)) {
      // It resumes the orders from their job files: only the steps in
      // flight are finished here.
      wd.renewer.set_handing_over();
      successor_up = handing_over = true;
    }
    TimePoint now = std::chrono::system_clock::now();
    TimePoint next = wd.renewer.run_once();
    if (!wd.renewer.has_work(kDrainHorizon)) break;
    if (successor_up && wd.renewer.steps_in_flight() == 0) break;
    auto wait =
        std::clamp<std::chrono::system_clock::duration>(next - now, Millis(0), kMinInterval);
    std::this_thread::sleep_for(wait);
  }
  wd.log.log(LogLevel::kInfo, kMsgWatchdog,
             wd.renewer.has_work(kDrainHorizon)
                 ? "handing over with orders left: the next watchdog resumes them"
                 : "orders finished: the next watchdog takes over");
}

void on_stop(ModuleState& st) {
  if (st.watchdog) drain(st, *st.watchdog);
  delete st.watchdog;
  st.watchdog = nullptr;
  g_active.store(false);
}

apr_status_t tick_unless_stopping(ModuleState& st) {
  TickMark mark;  // set before g_stopping is read: the exit sees one or the other
  return g_stopping.load() ? APR_SUCCESS : on_tick(st);
}

// pchild pre-cleanup: waits for a tick in progress and for the watchdog
// thread's own STOPPING (which may drain), up to kExitWait.
apr_status_t wait_for_tick(void*) {
  g_stopping.store(true);
  if (g_in_tick.load() && pthread_equal(g_tick_thread.load(), pthread_self()))
    return APR_SUCCESS;  // exiting from inside the tick (a signal): nothing to wait for
  if (g_active.load() && pthread_equal(g_watchdog_thread.load(), pthread_self()))
    return APR_SUCCESS;  // a signal on the watchdog thread: it cannot wait for itself
  const auto deadline = std::chrono::steady_clock::now() + kExitWait;
  while ((g_in_tick.load() || g_active.load()) && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  return APR_SUCCESS;
}

}  // namespace

extern "C" {
static apr_status_t acme_watchdog_callback(int wd_state, void* data, apr_pool_t*) {
  auto* st = static_cast<ModuleState*>(data);
  return guarded(st->main_server, APR_SUCCESS, [&]() -> apr_status_t {
    switch (wd_state) {
      case AP_WATCHDOG_STATE_STARTING:
        on_start(*st);
        break;
      case AP_WATCHDOG_STATE_RUNNING:
        return tick_unless_stopping(*st);
      case AP_WATCHDOG_STATE_STOPPING:
        on_stop(*st);
        break;
    }
    return APR_SUCCESS;
  });
}
}

bool start_watchdog(apr_pool_t* pconf, ModuleState& st) {
  auto get_instance = APR_RETRIEVE_OPTIONAL_FN(ap_watchdog_get_instance);
  auto register_callback = APR_RETRIEVE_OPTIONAL_FN(ap_watchdog_register_callback);
  g_set_interval = APR_RETRIEVE_OPTIONAL_FN(ap_watchdog_set_callback_interval);
  ServerLogSink log(st.main_server);
  if (!get_instance || !register_callback || !g_set_interval) {
    log.log(LogLevel::kError, kMsgWatchdog,
            "mod_watchdog is not loaded: add 'LoadModule watchdog_module modules/mod_watchdog.so'");
    return false;
  }
  // parent = 0, singleton = 1: one child runs it, another takes over if it dies.
  if (get_instance(&g_watchdog, kWatchdogName, 0, 1, pconf) != APR_SUCCESS ||
      register_callback(g_watchdog, apr_time_from_msec(kMinInterval.count()), &st,
                        acme_watchdog_callback) != APR_SUCCESS) {
    log.log(LogLevel::kError, kMsgWatchdog, "could not register with mod_watchdog");
    return false;
  }
  return true;
}

void watchdog_child_init(apr_pool_t* pchild) {
  // A pre-cleanup: the MPM destroys pchild just before exit().
  apr_pool_pre_cleanup_register(pchild, nullptr, wait_for_tick);
}

}  // namespace acme
