// Activation in the parent: a staged, verified set goes live through a
// graceful restart (post_config promotes it), started by the parent itself
// within a tick of the watchdog raising the counter in shared memory. The
// decisions are renew/activation_thread.h's; this file gives them the MPM's
// state and the signal, and ties the thread to a configuration generation.
//
// mod_watchdog cannot host this: ap_watchdog_get_instance() refuses parent
// instances (APR_ENOTIMPL) under every forked MPM (prefork, worker, event),
// so the module runs its own small thread in the parent, as mod_watchdog
// would for a non-forked MPM. It is joined before pconf is cleared.
// The monitor hook (about every 10 s) remains as the fallback, and handles
// ACMEActivation manual (tell the admin, restart nothing).
#include <httpd.h>  // first: the other httpd headers need its types

#include <http_core.h>
#include <mpm_common.h>
#include <signal.h>
#include <unistd.h>
#include <unixd.h>

#include "httpd/glue.h"
#include "renew/activation_thread.h"
#include "store/file_store.h"

namespace acme {

namespace {

// In the process pool: it outlives the DSO, which each restart reloads.
RestartTiming& restart_timing(server_rec* s) {
  static constexpr char kKey[] = "mod_acme_restart_timing";
  void* data = nullptr;
  apr_pool_userdata_get(&data, kKey, s->process->pool);
  if (!data) {
    data = new (apr_pcalloc(s->process->pool, sizeof(RestartTiming))) RestartTiming();
    apr_pool_userdata_set(data, kKey, apr_pool_cleanup_null, s->process->pool);
  }
  return *static_cast<RestartTiming*>(data);
}

RestartKind restart_kind() {
  const ap_unixd_mpm_retained_data* mpm = ap_unixd_mpm_get_retained_data();
  if (!mpm) return RestartKind::kNone;
  if (mpm->shutdown_pending || (mpm->restart_pending && mpm->is_ungraceful))
    return RestartKind::kStopOrHard;
  return mpm->restart_pending ? RestartKind::kGraceful : RestartKind::kNone;
}

// Asks this process for a graceful restart. kill(getpid()), not
// ap_signal_server(): that one is `httpd -k`'s way for another process (it
// reads the PidFile and exits on errors); raise() would target this thread
// only, which blocks every signal. A process-directed signal goes to a thread
// that does not block it, the MPM's main thread: its sleep in
// ap_wait_or_timeout() is interrupted and it restarts at once.
void request_graceful_restart() {
  ::kill(getpid(), AP_SIG_GRACEFUL);
}

// pconf pre-cleanup: runs in the main thread before anything of this
// generation is freed (the DSO included), so the thread is joined first;
// what it did is logged here, where logging is safe.
apr_status_t stop_activation(void* data) {
  auto* st = static_cast<ModuleState*>(data);
  ServerLogSink log(st->main_server);
  end_activation(*st, restart_kind(), log);
  return APR_SUCCESS;
}

}  // namespace

}  // namespace acme

using namespace acme;

// The last post_config of a real pass (after mod_ssl's, which loads each
// vhost's files): a restart this module asked for is over, and its cost
// bounds how soon the next may come. The thread starts only now: once a
// process has a second thread, glibc leaves its single-threaded fast paths
// (malloc, stdio locks) for good, and mod_ssl, loading every certificate
// after us, ran 20-60 % slower.
int acme_post_config_last(apr_pool_t* pconf, apr_pool_t*, apr_pool_t*, server_rec* s) {
  if (ap_state_query(AP_SQ_MAIN_STATE) == AP_SQ_MS_CREATE_PRE_CONFIG) return OK;  // dry run
  return guarded(s, OK, [&] {
    restart_timing(s).note_done(Steady::now());
    ModuleState* st = module_state();
    ServerLogSink log(s);
    if (st && start_activation(*st, FileStore(st->settings.store_dir), restart_timing(s),
                               {restart_kind, request_graceful_restart}, log))
      apr_pool_pre_cleanup_register(pconf, st, stop_activation);
    return OK;
  });
}

// Parent: the fallback when the activation thread is not running.
int acme_monitor(apr_pool_t*, server_rec* s) {
  guarded(s, 0, [&] {
    ModuleState* st = module_state();
    if (!st) return 0;
    ServerLogSink log(st->main_server);
    if (activation_fallback(*st, restart_timing(st->main_server), log)) request_graceful_restart();
    return 0;
  });
  return DECLINED;
}
