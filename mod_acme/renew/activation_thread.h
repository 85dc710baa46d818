// Activation in the parent, without httpd: a staged, verified set goes live
// through a graceful restart (post_config promotes it), started by the
// parent itself within a tick of the watchdog raising the counter in shared
// memory (ActivationSignal::request_activation).
//
// ActivationThread ticks every 100 ms in a thread of its own: it reads the
// counter, decides (ActivationCoalescer, spaced by RestartTiming) and asks
// for the restart through a hook; it never logs, allocates or locks anything
// a fork could inherit half-taken. httpd/activation.cc supplies the hooks
// (what the MPM is about to do, and the signal to itself), runs one thread
// per configuration generation and joins it before pconf is cleared.
// activation_fallback() is the monitor hook's part (about every 10 s) when
// the thread is not running, and handles ACMEActivation manual.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "base/log.h"
#include "config/managed_cert.h"
#include "renew/generation.h"
#include "schedule/activation_coalescer.h"
#include "shm/activation_signal.h"
#include "store/store.h"

namespace acme {

using Steady = std::chrono::steady_clock;

// Per process, across generations (httpd keeps it in the process pool: the
// DSO and its statics are reloaded at each restart): when this module last
// asked for a restart, and what the last one cost until every post_config
// had run (mod_ssl loading every vhost's files is most of it: about 5 ms per
// certificate). Atomics only: the thread and the parent's main thread share it.
struct RestartTiming {
  std::atomic<Steady::rep> requested{0};
  std::atomic<Steady::rep> last_cost{0};
  std::atomic<Steady::rep> last_done{0};  // when the last one's post_config ended

  void note_requested(Steady::time_point now) { requested.store(now.time_since_epoch().count()); }
  // The last post_config of a real pass: a restart this module asked for is
  // over (one it did not ask for changes nothing).
  void note_done(Steady::time_point now);
  // How long a restart may wait for more sets: about a second, or twice what
  // the last one cost when that is longer.
  ActivationCoalescer::Options coalescer_options() const;
  // The next restart waits until the last one is twice its cost behind.
  Steady::time_point not_before() const;
  // A restart this module asked for is still running (bounded, in case the
  // signal was lost).
  bool in_progress(Steady::time_point now) const;
};

// What the MPM is about to do with this generation, as the parent sees it.
enum class RestartKind { kNone, kGraceful, kStopOrHard };

// The parent's word to old watchdogs (renew/watchdog_session.h): after a
// graceful restart the ending generation's watchdog may finish its orders; a
// stop or a hard restart halts every such drain at once.
void pass_restart_kind(ActivationSignal& signal, std::uint64_t generation, RestartKind kind);

// Managed certificates without a live set (one lookup each, at startup).
std::size_t certs_without_live_set(const Store& store, const std::vector<ManagedCert>& certs);

class ActivationThread {
 public:
  struct Hooks {
    std::function<RestartKind()> restart_kind;
    std::function<void()> restart;  // asks this process for a graceful restart
  };
  ActivationThread(const ActivationSignal& signal, ActivationCoalescer coalescer,
                   std::uint64_t generation, RestartTiming& timing, Hooks hooks,
                   std::chrono::milliseconds interval = std::chrono::milliseconds(100));
  ActivationThread(const ActivationThread&) = delete;
  ActivationThread& operator=(const ActivationThread&) = delete;

  // Starts the thread with every signal blocked (it inherits the mask), so
  // signals meant for httpd keep reaching the MPM's main thread, and returns
  // once the thread runs its own code (at most 2 s): the MPM forks children
  // right after, and a thread still being set up may hold a lock of the
  // runtime's that the children then inherit taken (ASan's thread registry:
  // every child of that generation hung in its first pthread_create). False
  // when std::thread cannot start one (logged: the monitor hook activates
  // instead, within about 10 s).
  bool start(LogSink& log);
  // The thread has entered its loop (start() waits for it).
  bool running() const;
  // Joins the thread; in a forked child (which has no thread) does nothing.
  void stop();
  // The generation ends (the parent's pconf cleanup, in the main thread):
  // stop(), the MPM's intent passed to the old watchdogs (pass_restart_kind),
  // then report().
  void finish(RestartKind kind, LogSink& log);
  // Ticked within the last 3 s: the monitor hook need not step in.
  bool alive() const;
  // Sets covered by the restarts asked for (for the parent's log line).
  std::uint64_t activated() const { return activated_.load(); }
  // After stop(), in the main thread: logs the restarts it asked for, if any.
  void report(LogSink& log) const;

  // One tick at `now` (the thread's loop; public for tests): true when it
  // asked for a restart.
  bool tick(Steady::time_point now);
  // On a cluster (before start()): a restart that is due is first announced
  // in the signal (kRestartAnnounced: the children's readiness answer says
  // 503) and asked for `lead` later, so a balancer checking more often than
  // that stops sending the CA to this node before it stops accepting.
  void announce_first(std::chrono::milliseconds lead) { announce_lead_ = lead; }
  static constexpr std::chrono::milliseconds kAnnounceLead{1000};
  // On a cluster (before start()): before the announcement, a due restart
  // waits for this node's turn: it marks kRestartWanted and goes on once
  // the watchdog marked kRestartTurn (renew/cluster_session.h), or once
  // `bound` has passed (a watchdog that cannot reach etcd, or is stuck,
  // must not hold activation for good). Sets staged meanwhile go live with
  // the same restart.
  void take_turns(std::chrono::milliseconds bound) { turn_bound_ = bound; }
  static constexpr std::chrono::milliseconds kTurnBound{60000};

 private:
  void run();

  ActivationSignal signal_;  // a view of the shared region
  ActivationCoalescer coalescer_;
  const std::uint64_t generation_;  // httpd's, of this configuration
  RestartTiming& timing_;
  Hooks hooks_;
  const std::chrono::milliseconds interval_;
  const pid_t owner_;
  std::thread thread_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  bool running_ = false;  // under mutex_
  std::atomic<Steady::rep> last_tick_;
  std::atomic<std::uint64_t> activated_{0};
  std::chrono::milliseconds announce_lead_{0};
  Steady::time_point announced_at_{};  // a due restart announced, not yet asked for
  std::chrono::milliseconds turn_bound_{0};
  Steady::time_point wanted_at_{};  // a due restart waits for its turn
};

// The monitor hook, when the thread is not running: a counter that moved is
// told to the admin under ACMEActivation manual; otherwise the restart is
// logged, the old watchdog may work on, and true says: restart now.
bool activation_fallback(ActivationSignal& signal, std::uint64_t generation, bool manual,
                         std::uint64_t* seen, RestartTiming& timing, LogSink& log);

// For one configuration generation (httpd/activation.cc): the thread, once
// promotion is done, as g.activation; none under ACMEActivation manual or
// without managed certificates. The store tells which managed certificates
// still have no live set: once all of those are staged, the restart need
// not wait for more. False when no thread runs.
bool start_activation(Generation& g, const Store& store, RestartTiming& timing,
                      ActivationThread::Hooks hooks, LogSink& log);
// The generation ends: g.activation finished (ActivationThread::finish) and deleted.
void end_activation(Generation& g, RestartKind kind, LogSink& log);
// The monitor hook: nothing while the thread runs, else activation_fallback.
bool activation_fallback(Generation& g, RestartTiming& timing, LogSink& log);

}  // namespace acme
