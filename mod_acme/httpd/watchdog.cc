// The singleton watchdog (mod_watchdog): the only place that talks to a CA.
// It runs in one child process as the unprivileged child user, steps the
// Renewer, and sleeps exactly as long as the Renewer asks.
#include <httpd.h>  // first: the other httpd headers need its types

#include <http_log.h>
#include <mod_watchdog.h>
#include <mpm_common.h>
#include <unistd.h>

#include <memory>

#include "httpd/glue.h"
#include "renew/tick_gate.h"
#include "renew/watchdog_run.h"

APLOG_USE_MODULE(acme);

namespace acme {

namespace {

constexpr const char kWatchdogName[] = "_acme_watchdog_";
constexpr Millis kMinInterval{100};            // mod_watchdog's time slice
constexpr std::chrono::seconds kExitWait{22};  // a drain, or a CA request's own timeouts

APR_OPTIONAL_FN_TYPE(ap_watchdog_set_callback_interval) * g_set_interval = nullptr;
ap_watchdog_t* g_watchdog = nullptr;
TickGate g_gate;  // atomics only: nothing to destroy when the DSO is unloaded

bool mpm_stopping() {
  int state = AP_MPMQ_RUNNING;
  return ap_mpm_query(AP_MPMQ_MPM_STATE, &state) == APR_SUCCESS && state == AP_MPMQ_STOPPING;
}

// pchild pre-cleanup (the MPM destroys pchild just before exit()).
apr_status_t wait_for_tick(void*) {
  g_gate.exit_wait(kExitWait);
  return APR_SUCCESS;
}

}  // namespace

extern "C" {
static apr_status_t acme_watchdog_callback(int wd_state, void* data, apr_pool_t*) {
  auto* st = static_cast<ModuleState*>(data);
  return guarded(st->main_server, APR_SUCCESS, [&]() -> apr_status_t {
    switch (wd_state) {
      case AP_WATCHDOG_STATE_STARTING:
        watchdog_start(*st, g_gate, std::make_unique<ServerLogSink>(st->main_server), kMinInterval,
                       mpm_stopping);
        break;
      case AP_WATCHDOG_STATE_RUNNING:
        watchdog_tick(*st, g_gate, [&](std::chrono::microseconds next) {
          g_set_interval(g_watchdog, next.count(), st, nullptr);
        });
        break;
      case AP_WATCHDOG_STATE_STOPPING:
        watchdog_stop(*st, g_gate);
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

}  // namespace acme

void acme_child_init(apr_pool_t* pchild, server_rec*) {
  apr_pool_pre_cleanup_register(pchild, nullptr, acme::wait_for_tick);  // cannot throw
}
