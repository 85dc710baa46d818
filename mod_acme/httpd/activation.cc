#include "httpd/activation.h"

#include <httpd.h>  // first: the other httpd headers need its types

#include <mpm_common.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

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
  ActivationThread(const ChallengeTable& table, ActivationCoalescer coalescer)
      : table_(table), coalescer_(coalescer), owner_(getpid()) {}
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
      if (!coalescer_.restart_due(table_.activation_generation(), now)) continue;
      activated_.store(coalescer_.activated());
      request_graceful_restart();
    }
  }

  ChallengeTable table_;  // a view of the shared region
  ActivationCoalescer coalescer_;
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
  auto* thread = new ActivationThread(
      st.table,
      ActivationCoalescer(st.seen_generation, awaited(store, st), ActivationCoalescer::Options()));
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
  std::uint64_t generation = st.table.activation_generation();
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
  request_graceful_restart();
}

}  // namespace acme
