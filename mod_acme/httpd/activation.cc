#include "httpd/activation.h"

#include <httpd.h>  // first: the other httpd headers need its types

#include <mpm_common.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>
#include <unixd.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "httpd/log_sink.h"
#include "httpd/state.h"
#include "renew/activation_coalescer.h"
#include "renew/layout.h"
#include "store/file_store.h"

namespace acme {

namespace {

using Steady = std::chrono::steady_clock;

// mod_watchdog's time slice: the same cadence its parent instances would have.
constexpr std::chrono::milliseconds kTick{100};

// The monitor hook takes over when the thread has not ticked for this long.
constexpr std::chrono::seconds kStale{3};

// Longest a restart this module asked for is assumed to run.
constexpr std::chrono::seconds kRestartBound{60};

// Per process, across generations (the DSO is reloaded at each restart, its
// statics with it): when this module last asked for a restart, and what the
// last one cost until every post_config had run (mod_ssl loading every
// vhost's files is most of it: about 5 ms per certificate).
struct RestartTiming {
  std::atomic<Steady::rep> requested{0};
  std::atomic<Steady::rep> last_cost{0};
  std::atomic<Steady::rep> last_done{0};  // when the last one's post_config ended
};

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

// How long a restart may wait for more sets: about a second, or twice what
// the last restart cost when that is longer (1,000 vhosts: 2-4 s each), so a
// stream of staged sets keeps the parent restarting at most a third of the time.
ActivationCoalescer::Options coalescer_options(const RestartTiming& timing) {
  ActivationCoalescer::Options options;
  auto cost = std::chrono::duration_cast<std::chrono::milliseconds>(
      Steady::duration(timing.last_cost.load()));
  options.max_wait = std::max(options.max_wait, 2 * cost);
  return options;
}

// The next restart waits until the last one is twice its cost behind: with
// 1,000 vhosts a restart costs the parent seconds (9 s under load here), and
// sets staged meanwhile used to start the next one 0.3 s after it ended, so
// the parent restarted back to back and the CA's validations met closed
// doors most of the time (bench/RESULTS.md).
ActivationCoalescer::Instant restart_not_before(const RestartTiming& timing) {
  Steady::duration done(timing.last_done.load());
  Steady::duration cost(timing.last_cost.load());
  if (done.count() == 0) return {};
  return Steady::time_point(done + 2 * cost);
}

// A restart this module asked for is still running (its post_config not
// done): sets staged meanwhile wait for the next one, whose window opens
// when this one is over. Bounded, in case the signal was lost.
bool restart_in_progress(const RestartTiming& timing, Steady::time_point now) {
  Steady::rep requested = timing.requested.load();
  return requested != 0 && now - Steady::time_point(Steady::duration(requested)) < kRestartBound;
}

// The parent's word to old watchdogs (httpd/watchdog.cc): after a graceful
// restart the ending generation's watchdog may finish its orders; a stop or
// a hard restart halts every such drain at once, so neither waits for it.
void note_restart_kind(ActivationSignal& signal, std::uint64_t generation) {
  const ap_unixd_mpm_retained_data* mpm = ap_unixd_mpm_get_retained_data();
  if (!mpm) return;
  if (mpm->shutdown_pending || (mpm->restart_pending && mpm->is_ungraceful)) {
    signal.halt_drains(generation);
  } else if (mpm->restart_pending) {
    signal.permit_drain(generation);
  }
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

// Managed certificates without a live set (one stat each, at startup).
std::size_t awaited(const FileStore& store, const ModuleState& st) {
  std::size_t n = 0;
  for (const auto& cert : st.certs)
    if (!store.exists(layout::live_dir(cert.name) + "/fullchain.pem")) ++n;
  return n;
}

}  // namespace

class ActivationThread {
 public:
  ActivationThread(const ActivationSignal& signal, ActivationCoalescer coalescer,
                   std::uint64_t generation, RestartTiming& timing)
      : signal_(signal),
        coalescer_(coalescer),
        generation_(generation),
        timing_(timing),
        owner_(getpid()) {}
  ActivationThread(const ActivationThread&) = delete;
  ActivationThread& operator=(const ActivationThread&) = delete;

  // Started with every signal blocked (the new thread inherits the mask), so
  // signals meant for httpd keep reaching the MPM's main thread.
  void start() {
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    try {
      thread_ = std::thread([this] { run(); });
    } catch (...) {
      pthread_sigmask(SIG_SETMASK, &old, nullptr);
      throw;
    }
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
  }

  void stop() {
    if (getpid() != owner_ || !thread_.joinable()) return;  // a forked child has no thread
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_one();
    thread_.join();
  }

  bool alive() const {
    auto last = Steady::time_point(Steady::duration(last_tick_.load()));
    return Steady::now() - last < kStale;
  }

  std::uint64_t activated() const { return activated_.load(); }

 private:
  void run() {
    std::unique_lock<std::mutex> lock(mutex_);
    while (!wake_.wait_for(lock, kTick, [this] { return stopping_; })) {
      Steady::time_point now = Steady::now();
      last_tick_.store(now.time_since_epoch().count());
      note_restart_kind(signal_, generation_);
      if (restart_in_progress(timing_, now)) continue;
      coalescer_.hold_until(restart_not_before(timing_));
      if (!coalescer_.restart_due(signal_.activation_generation(), now)) continue;
      activated_.store(coalescer_.activated());
      // Before the signal, so the old watchdog sees them at once; an
      // activation keeps the configuration: it may go on ordering.
      signal_.permit_drain(generation_);
      signal_.permit_work_on(generation_);
      timing_.requested.store(now.time_since_epoch().count());
      request_graceful_restart();
    }
  }

  ActivationSignal signal_;  // a view of the shared region
  ActivationCoalescer coalescer_;
  const std::uint64_t generation_;  // httpd's, of this configuration
  RestartTiming& timing_;
  const pid_t owner_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::atomic<Steady::rep> last_tick_{Steady::now().time_since_epoch().count()};
  std::atomic<std::uint64_t> activated_{0};
};

namespace {

// pconf pre-cleanup: runs in the main thread before anything of this
// generation is freed (the DSO included), so the thread is joined first;
// what it did is logged here, where logging is safe.
apr_status_t stop_activation(void* data) {
  auto* st = static_cast<ModuleState*>(data);
  ActivationThread* thread = st->activation;
  if (!thread) return APR_SUCCESS;
  thread->stop();
  note_restart_kind(st->signal, st->httpd_generation);
  if (std::uint64_t n = thread->activated()) {
    ServerLogSink(st->main_server)
        .log(LogLevel::kNotice, kMsgActivationRestart,
             std::to_string(n) +
                 " new certificate set(s) staged and verified: graceful restart to activate");
  }
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
      ActivationCoalescer(st.seen_generation, awaited(store, st), coalescer_options(timing)),
      st.httpd_generation, timing);
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
  std::uint64_t generation = st.signal.activation_generation();
  if (generation == st.seen_generation) return;
  st.seen_generation = generation;
  ServerLogSink log(st.main_server);
  if (st.settings.manual_activation) {
    log.log(LogLevel::kNotice, kMsgActivationManual,
            "a new certificate is staged; ACMEActivation manual: it goes live at the next "
            "'apachectl graceful'");
    return;
  }
  log.log(LogLevel::kNotice, kMsgActivationRestart,
          "a new certificate is staged and verified: graceful restart to activate it");
  st.signal.permit_drain(st.httpd_generation);
  st.signal.permit_work_on(st.httpd_generation);
  restart_timing(st.main_server).requested.store(Steady::now().time_since_epoch().count());
  request_graceful_restart();
}

void note_restart_done(server_rec* s) {
  RestartTiming& timing = restart_timing(s);
  Steady::rep requested = timing.requested.exchange(0);
  if (requested == 0) return;  // not a restart this module asked for
  Steady::rep now = Steady::now().time_since_epoch().count();
  timing.last_cost.store(now - requested);
  timing.last_done.store(now);
}

}  // namespace acme
