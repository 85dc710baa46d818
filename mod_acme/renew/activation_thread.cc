#include "renew/activation_thread.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <exception>
#include <memory>
#include <string>

#include "store/layout.h"

namespace acme {

namespace {

// The monitor hook takes over when the thread has not ticked for this long.
constexpr std::chrono::seconds kStale{3};

// Longest a restart this module asked for is assumed to run.
constexpr std::chrono::seconds kRestartBound{60};

}  // namespace

void RestartTiming::note_done(Steady::time_point now) {
  Steady::rep asked = requested.exchange(0);
  if (asked == 0) return;  // not a restart this module asked for
  last_cost.store(now.time_since_epoch().count() - asked);
  last_done.store(now.time_since_epoch().count());
}

// 1,000 vhosts: 2-4 s each; so a stream of staged sets keeps the parent
// restarting at most a third of the time.
ActivationCoalescer::Options RestartTiming::coalescer_options() const {
  ActivationCoalescer::Options options;
  auto cost =
      std::chrono::duration_cast<std::chrono::milliseconds>(Steady::duration(last_cost.load()));
  options.max_wait = std::max(options.max_wait, 2 * cost);
  return options;
}

// With 1,000 vhosts a restart costs the parent seconds (9 s under load
// here), and sets staged meanwhile used to start the next one 0.3 s after it
// ended, so the parent restarted back to back and the CA's validations met
// closed doors most of the time (bench/RESULTS.md).
Steady::time_point RestartTiming::not_before() const {
  Steady::duration done(last_done.load());
  Steady::duration cost(last_cost.load());
  if (done.count() == 0) return {};
  return Steady::time_point(done + 2 * cost);
}

// Sets staged meanwhile wait for the next one, whose window opens when this
// one is over.
bool RestartTiming::in_progress(Steady::time_point now) const {
  Steady::rep asked = requested.load();
  return asked != 0 && now - Steady::time_point(Steady::duration(asked)) < kRestartBound;
}

void pass_restart_kind(ActivationSignal& signal, std::uint64_t generation, RestartKind kind) {
  if (kind == RestartKind::kStopOrHard) {
    signal.mark(ActivationSignal::kDrainHalted, generation);
  } else if (kind == RestartKind::kGraceful) {
    signal.mark(ActivationSignal::kDrainPermitted, generation);
  }
}

std::size_t certs_without_live_set(const Store& store, const std::vector<ManagedCert>& certs) {
  std::size_t n = 0;
  for (const auto& cert : certs)
    if (!store.exists(layout::file_in(layout::live_dir(cert.name), layout::kFullchainFile))) ++n;
  return n;
}

ActivationThread::ActivationThread(const ActivationSignal& signal, ActivationCoalescer coalescer,
                                   std::uint64_t generation, RestartTiming& timing, Hooks hooks,
                                   std::chrono::milliseconds interval)
    : signal_(signal),
      coalescer_(coalescer),
      generation_(generation),
      timing_(timing),
      hooks_(std::move(hooks)),
      interval_(interval),
      owner_(getpid()),
      last_tick_(Steady::now().time_since_epoch().count()) {}

bool ActivationThread::start(LogSink& log) {
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, &old);
  try {
    thread_ = std::thread([this] { run(); });
  } catch (const std::exception& e) {
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
    log.log(LogLevel::kWarn, kMsgActivationRestart,
            std::string("no activation thread (") + e.what() +
                "): new certificates go live within about 10 s instead");
    return false;
  }
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  std::unique_lock<std::mutex> lock(mutex_);
  wake_.wait_for(lock, std::chrono::seconds(2), [this] { return running_; });
  return true;
}

bool ActivationThread::running() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return running_;
}

void ActivationThread::stop() {
  if (getpid() != owner_ || !thread_.joinable()) return;  // a forked child has no thread
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void ActivationThread::finish(RestartKind kind, LogSink& log) {
  stop();
  pass_restart_kind(signal_, generation_, kind);
  report(log);
}

bool ActivationThread::alive() const {
  auto last = Steady::time_point(Steady::duration(last_tick_.load()));
  return Steady::now() - last < kStale;
}

bool ActivationThread::tick(Steady::time_point now) {
  last_tick_.store(now.time_since_epoch().count());
  pass_restart_kind(signal_, generation_, hooks_.restart_kind());
  if (timing_.in_progress(now)) return false;
  const Steady::time_point none{};
  if (announced_at_ == none && wanted_at_ == none) {
    coalescer_.hold_until(timing_.not_before());
    if (!coalescer_.restart_due(signal_.activation_generation(), now)) return false;
    activated_.store(coalescer_.activated());
    if (turn_bound_.count() > 0) {
      signal_.mark(ActivationSignal::kRestartWanted, generation_);
      wanted_at_ = now;
    }
  }
  if (wanted_at_ != none) {
    if (!signal_.marked(ActivationSignal::kRestartTurn, generation_) &&
        now - wanted_at_ < turn_bound_)
      return false;
    wanted_at_ = none;
    activated_.store(coalescer_.activated());
  }
  if (announced_at_ == none && announce_lead_.count() > 0) {
    signal_.mark(ActivationSignal::kRestartAnnounced, generation_);
    announced_at_ = now;
  }
  if (announced_at_ != Steady::time_point{}) {
    if (now - announced_at_ < announce_lead_) return false;
    announced_at_ = {};
  }
  // Before the signal, so the old watchdog sees them at once; an activation
  // keeps the configuration: it may go on ordering.
  signal_.mark(ActivationSignal::kDrainPermitted, generation_);
  signal_.mark(ActivationSignal::kWorkOnPermitted, generation_);
  timing_.note_requested(now);
  hooks_.restart();
  return true;
}

void ActivationThread::run() {
  std::unique_lock<std::mutex> lock(mutex_);
  running_ = true;
  wake_.notify_all();  // start() waits for this
  while (!wake_.wait_for(lock, interval_, [this] { return stopping_; })) tick(Steady::now());
}

void ActivationThread::report(LogSink& log) const {
  if (std::uint64_t n = activated())
    log.log(LogLevel::kNotice, kMsgActivationRestart,
            std::to_string(n) +
                " new certificate set(s) staged and verified: graceful restart to activate");
}

bool activation_fallback(ActivationSignal& signal, std::uint64_t generation, bool manual,
                         std::uint64_t* seen, RestartTiming& timing, LogSink& log) {
  std::uint64_t counter = signal.activation_generation();
  if (counter == *seen) return false;
  *seen = counter;
  if (manual) {
    log.log(LogLevel::kNotice, kMsgActivationManual,
            "a new certificate is staged; ACMEActivation manual: it goes live at the next "
            "'apachectl graceful'");
    return false;
  }
  log.log(LogLevel::kNotice, kMsgActivationRestart,
          "a new certificate is staged and verified: graceful restart to activate it");
  signal.mark(ActivationSignal::kDrainPermitted, generation);
  signal.mark(ActivationSignal::kWorkOnPermitted, generation);
  timing.note_requested(Steady::now());
  return true;
}

bool start_activation(Generation& g, const Store& store, RestartTiming& timing,
                      ActivationThread::Hooks hooks, LogSink& log) {
  if (g.certs.empty() || g.settings.manual_activation) return false;
  auto thread = std::make_unique<ActivationThread>(
      g.signal,
      ActivationCoalescer(g.seen_generation, certs_without_live_set(store, g.certs),
                          timing.coalescer_options()),
      g.httpd_generation, timing, std::move(hooks));
  if (g.cluster.enabled) {
    thread->take_turns(ActivationThread::kTurnBound);
    thread->announce_first(ActivationThread::kAnnounceLead);
  }
  if (!thread->start(log)) return false;
  g.activation = thread.release();
  return true;
}

void end_activation(Generation& g, RestartKind kind, LogSink& log) {
  if (!g.activation) return;
  g.activation->finish(kind, log);
  delete g.activation;
  g.activation = nullptr;
}

bool activation_fallback(Generation& g, RestartTiming& timing, LogSink& log) {
  if (g.activation && g.activation->alive()) return false;  // the thread does it
  return activation_fallback(g.signal, g.httpd_generation, g.settings.manual_activation,
                             &g.seen_generation, timing, log);
}

}  // namespace acme
