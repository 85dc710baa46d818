#include "httpd/activation.h"

#include <httpd.h>  // first: the other httpd headers need its types

#include <mpm_common.h>
#include <signal.h>
#include <unistd.h>
#include <unixd.h>

#include "httpd/log_sink.h"
#include "httpd/state.h"
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
  ActivationThread* thread = st->activation;
  if (!thread) return APR_SUCCESS;
  thread->stop();
  pass_restart_kind(st->signal, st->httpd_generation, restart_kind());
  ServerLogSink log(st->main_server);
  thread->report(log);
  st->activation = nullptr;
  delete thread;
  return APR_SUCCESS;
}

}  // namespace

void start_activation(apr_pool_t* pconf, ModuleState& st, const FileStore& store) {
  if (st.settings.manual_activation) return;
  RestartTiming& timing = restart_timing(st.main_server);
  auto* thread = new ActivationThread(
      st.signal,
      ActivationCoalescer(st.seen_generation, certs_without_live_set(store, st.certs),
                          timing.coalescer_options()),
      st.httpd_generation, timing, {restart_kind, request_graceful_restart});
  try {
    thread->start();
  } catch (const std::exception& e) {
    delete thread;
    ServerLogSink(st.main_server)
        .log(LogLevel::kWarn, kMsgActivationRestart,
             std::string("no activation thread (") + e.what() +
                 "): new certificates go live within about 10 s instead");
    return;
  }
  st.activation = thread;
  apr_pool_pre_cleanup_register(pconf, &st, stop_activation);
}

void check_activation(ModuleState& st) {
  if (st.activation && st.activation->alive()) return;  // the thread does it
  ServerLogSink log(st.main_server);
  if (activation_fallback(st.signal, st.httpd_generation, st.settings.manual_activation,
                          &st.seen_generation, restart_timing(st.main_server), log))
    request_graceful_restart();
}

void note_restart_done(server_rec* s) {
  restart_timing(s).note_done(Steady::now());
}

}  // namespace acme
