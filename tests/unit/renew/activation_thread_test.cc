// The parent's activation: when a staged set starts a restart (a tick of
// the thread on a chosen instant), how restarts are spaced by what the last
// one cost, the parent's word to old watchdogs, the monitor hook's fallback,
// and the thread itself (started, ticking, joined).
#include "renew/activation_thread.h"

#include <atomic>
#include <thread>

#include "renew/renew_test_util.h"

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

using namespace acme;
using namespace acme::testing;

namespace {

constexpr std::uint64_t kGeneration = 3;
using std::chrono::milliseconds;

Steady::time_point at(long ms) {
  return Steady::time_point(milliseconds(1000000 + ms));
}

}  // namespace

TEST_GROUP(ActivationThread) {
  RenewHarness h;
  RestartTiming timing;
  RestartKind kind = RestartKind::kNone;
  std::atomic<int> restarts{0};

  std::unique_ptr<ActivationThread> make(std::size_t awaited,
                                         milliseconds interval = milliseconds(100)) {
    return std::make_unique<ActivationThread>(
        h.activation,
        ActivationCoalescer(h.activation.activation_generation(), awaited,
                            timing.coalescer_options()),
        kGeneration, timing,
        ActivationThread::Hooks{[this] { return kind; }, [this] { ++restarts; }}, interval);
  }
};

TEST(ActivationThread, TheLastAwaitedSetRestartsAtOnce) {
  auto thread = make(1);
  CHECK_FALSE(thread->tick(at(0)));
  h.activation.request_activation();
  CHECK(thread->tick(at(100)));
  LONGS_EQUAL(1, restarts.load());
  LONGS_EQUAL(1, thread->activated());
  // The old watchdog may work on: the configuration stays the same.
  CHECK(h.activation.marked(ActivationSignal::kDrainPermitted, kGeneration));
  CHECK(h.activation.marked(ActivationSignal::kWorkOnPermitted, kGeneration));
  CHECK(timing.in_progress(at(200)));
  CHECK_FALSE(thread->tick(at(300)));  // the counter did not move again
  LONGS_EQUAL(1, restarts.load());
}

// On a cluster a due restart is announced first: the children's readiness
// answer turns 503 (ActivationSignal::answering) a second before the
// restart, so the balancer stops sending the CA before they stop accepting.
TEST(ActivationThread, OnAClusterTheRestartIsAnnouncedASecondBefore) {
  auto thread = make(1);
  thread->announce_first(ActivationThread::kAnnounceLead);
  h.activation.mark(ActivationSignal::kAnswering, kGeneration);
  CHECK(h.activation.answering(kGeneration));
  h.activation.request_activation();
  CHECK_FALSE(thread->tick(at(100)));  // due: announced, not asked for
  LONGS_EQUAL(0, restarts.load());
  CHECK(h.activation.marked(ActivationSignal::kRestartAnnounced, kGeneration));
  CHECK_FALSE(h.activation.answering(kGeneration));
  CHECK_FALSE(h.activation.marked(ActivationSignal::kDrainPermitted, kGeneration));
  CHECK_FALSE(thread->tick(at(1000)));
  CHECK(thread->tick(at(1100)));  // the lead has passed
  LONGS_EQUAL(1, restarts.load());
  LONGS_EQUAL(1, thread->activated());
  CHECK(h.activation.marked(ActivationSignal::kDrainPermitted, kGeneration));
  CHECK_FALSE(thread->tick(at(5000)));
  LONGS_EQUAL(1, restarts.load());
}

// On a cluster a due restart first waits for this node's turn (its
// watchdog takes it in etcd and marks kRestartTurn), then is announced.
TEST(ActivationThread, OnAClusterTheRestartWaitsForItsTurn) {
  auto thread = make(1);
  thread->take_turns(ActivationThread::kTurnBound);
  thread->announce_first(ActivationThread::kAnnounceLead);
  h.activation.mark(ActivationSignal::kAnswering, kGeneration);
  h.activation.request_activation();
  CHECK_FALSE(thread->tick(at(100)));  // due: wants its turn
  CHECK(h.activation.marked(ActivationSignal::kRestartWanted, kGeneration));
  CHECK_FALSE(h.activation.marked(ActivationSignal::kRestartAnnounced, kGeneration));
  CHECK(h.activation.answering(kGeneration));  // still ready for the CA meanwhile
  CHECK_FALSE(thread->tick(at(20000)));
  LONGS_EQUAL(0, restarts.load());
  h.activation.mark(ActivationSignal::kRestartTurn, kGeneration);
  CHECK_FALSE(thread->tick(at(20100)));  // its turn: announced
  CHECK(h.activation.marked(ActivationSignal::kRestartAnnounced, kGeneration));
  CHECK_FALSE(thread->tick(at(21000)));
  CHECK(thread->tick(at(21100)));  // the lead has passed
  LONGS_EQUAL(1, restarts.load());
  LONGS_EQUAL(1, thread->activated());
}

// A watchdog that never marks the turn (etcd away, or stuck) holds the
// restart for the bound only.
TEST(ActivationThread, TheWaitForTheTurnIsBounded) {
  auto thread = make(1);
  thread->take_turns(ActivationThread::kTurnBound);
  thread->announce_first(ActivationThread::kAnnounceLead);
  h.activation.request_activation();
  CHECK_FALSE(thread->tick(at(100)));
  CHECK_FALSE(thread->tick(at(100 + ActivationThread::kTurnBound.count() - 1)));
  CHECK_FALSE(h.activation.marked(ActivationSignal::kRestartAnnounced, kGeneration));
  CHECK_FALSE(thread->tick(at(100 + ActivationThread::kTurnBound.count())));  // announced
  CHECK(h.activation.marked(ActivationSignal::kRestartAnnounced, kGeneration));
  CHECK(thread->tick(at(1100 + ActivationThread::kTurnBound.count())));
  LONGS_EQUAL(1, restarts.load());
}

TEST(ActivationThread, WithoutAClusterNothingIsAnnounced) {
  auto thread = make(1);
  h.activation.request_activation();
  CHECK(thread->tick(at(100)));
  CHECK_FALSE(h.activation.marked(ActivationSignal::kRestartAnnounced, 0));
  CHECK_FALSE(h.activation.marked(ActivationSignal::kRestartWanted, 0));
}

TEST(ActivationThread, SetsStagedDuringARestartWaitForTheNext) {
  auto thread = make(0);
  h.activation.request_activation();
  CHECK_FALSE(thread->tick(at(0)));
  CHECK(thread->tick(at(300)));  // quiet for 250 ms
  h.activation.request_activation();
  CHECK_FALSE(thread->tick(at(700)));
  CHECK_FALSE(thread->tick(at(5000)));  // the restart asked for is still running
  timing.note_done(at(5300));           // it cost 5 s: the next waits until 10 s after
  CHECK_FALSE(thread->tick(at(5400)));
  CHECK_FALSE(thread->tick(at(15200)));
  CHECK(thread->tick(at(15300)));
  LONGS_EQUAL(2, restarts.load());
  LONGS_EQUAL(2, thread->activated());
}

TEST(ActivationThread, PassesTheMpmsIntentToOldWatchdogs) {
  auto thread = make(0);
  thread->tick(at(0));
  CHECK_FALSE(h.activation.marked(ActivationSignal::kDrainPermitted, kGeneration));
  kind = RestartKind::kGraceful;
  thread->tick(at(100));
  CHECK(h.activation.marked(ActivationSignal::kDrainPermitted, kGeneration));
  CHECK_FALSE(h.activation.marked(ActivationSignal::kDrainHalted, kGeneration));
  kind = RestartKind::kStopOrHard;
  thread->tick(at(200));
  CHECK(h.activation.marked(ActivationSignal::kDrainHalted, kGeneration));
  LONGS_EQUAL(0, restarts.load());
}

TEST(ActivationThread, TheThreadRestartsAndIsJoined) {
  auto thread = make(1, milliseconds(1));
  CHECK(thread->start(h.log));
  CHECK(thread->alive());
  h.activation.request_activation();
  const auto until = Steady::now() + std::chrono::seconds(5);
  while (restarts.load() == 0 && Steady::now() < until)
    std::this_thread::sleep_for(milliseconds(1));
  thread->stop();
  LONGS_EQUAL(1, restarts.load());
  LONGS_EQUAL(1, thread->activated());
}

// The MPM forks right after start(): by then the thread runs its own loop,
// past the runtime's setup of a new thread (see start()).
TEST(ActivationThread, StartReturnsOnceTheThreadRuns) {
  auto thread = make(1, std::chrono::seconds(60));  // no tick during the test
  CHECK_FALSE(thread->running());
  CHECK(thread->start(h.log));
  CHECK(thread->running());
  thread->stop();
}

TEST(ActivationThread, ReportsTheSetsItActivated) {
  auto thread = make(1);
  thread->report(h.log);
  CHECK(h.log.lines.empty());  // nothing asked for: nothing said
  h.activation.request_activation();
  CHECK(thread->tick(at(0)));
  thread->report(h.log);
  LONGS_EQUAL(kMsgActivationRestart, h.log.lines.at(0).msgno);
  STRCMP_EQUAL("1 new certificate set(s) staged and verified: graceful restart to activate",
               h.log.lines.at(0).message.c_str());
}

TEST(ActivationThread, FinishPassesTheMpmsIntentOnAndReports) {
  auto thread = make(1);
  h.activation.request_activation();
  CHECK(thread->tick(at(0)));  // a graceful restart: the old watchdog may drain
  CHECK_FALSE(h.activation.marked(ActivationSignal::kDrainHalted, kGeneration));
  thread->finish(RestartKind::kStopOrHard, h.log);  // ...but the MPM stops instead
  CHECK(h.activation.marked(ActivationSignal::kDrainHalted, kGeneration));
  LONGS_EQUAL(1, h.log.lines.size());
  STRCMP_EQUAL("1 new certificate set(s) staged and verified: graceful restart to activate",
               h.log.lines.at(0).message.c_str());
}

TEST_GROUP(RestartTiming){};

TEST(RestartTiming, OnlyARestartThisModuleAskedForCounts) {
  RestartTiming timing;
  timing.note_done(at(1000));  // an admin's restart
  CHECK(timing.not_before() == Steady::time_point());
  LONGS_EQUAL(1000, timing.coalescer_options().max_wait.count());
  timing.note_requested(at(2000));
  CHECK(timing.in_progress(at(2000) + std::chrono::seconds(59)));
  CHECK_FALSE(timing.in_progress(at(2000) + std::chrono::seconds(60)));  // the signal was lost
  timing.note_done(at(5000));
  CHECK_FALSE(timing.in_progress(at(5001)));
  CHECK(timing.not_before() == at(11000));                         // done + twice the cost
  LONGS_EQUAL(6000, timing.coalescer_options().max_wait.count());  // twice the cost
}

TEST_GROUP(ActivationFallback) {
  RenewHarness h;
  RestartTiming timing;
  std::uint64_t seen = 0;
};

TEST(ActivationFallback, NothingStagedNothingDone) {
  CHECK_FALSE(activation_fallback(h.activation, kGeneration, false, &seen, timing, h.log));
  CHECK(h.log.lines.empty());
}

TEST(ActivationFallback, RestartsOncePerChange) {
  h.activation.request_activation();
  CHECK(activation_fallback(h.activation, kGeneration, false, &seen, timing, h.log));
  LONGS_EQUAL(1, seen);
  LONGS_EQUAL(kMsgActivationRestart, h.log.lines.at(0).msgno);
  CHECK(h.activation.marked(ActivationSignal::kDrainPermitted, kGeneration));
  CHECK(h.activation.marked(ActivationSignal::kWorkOnPermitted, kGeneration));
  CHECK(timing.in_progress(Steady::now()));
  CHECK_FALSE(activation_fallback(h.activation, kGeneration, false, &seen, timing, h.log));
}

TEST(ActivationFallback, ManualActivationTellsTheAdminOnly) {
  h.activation.request_activation();
  CHECK_FALSE(activation_fallback(h.activation, kGeneration, true, &seen, timing, h.log));
  LONGS_EQUAL(kMsgActivationManual, h.log.lines.at(0).msgno);
  CHECK(h.log.contains("'apachectl graceful'"));
  CHECK_FALSE(h.activation.marked(ActivationSignal::kDrainPermitted, kGeneration));
  CHECK_FALSE(timing.in_progress(Steady::now()));
  CHECK_FALSE(activation_fallback(h.activation, kGeneration, true, &seen, timing, h.log));
  LONGS_EQUAL(1u, h.log.lines.size());
}

TEST_GROUP(CertsWithoutLiveSet) {
  RenewHarness h;
};

TEST(CertsWithoutLiveSet, CountsThoseWithoutFullchain) {
  ManagedCert b = h.cert;
  b.name = "b.example";
  LONGS_EQUAL(2, certs_without_live_set(h.store, {h.cert, b}));
  CHECK(h.store.write("live/b.example/fullchain.pem", "x").ok());
  LONGS_EQUAL(1, certs_without_live_set(h.store, {h.cert, b}));
}

TEST_GROUP(GenerationActivation) {
  RenewHarness h;
  RestartTiming timing;
  Generation g;
  std::atomic<int> restarts{0};

  void setup() override {
    g.signal = h.activation;
    g.certs = {h.cert};
    g.httpd_generation = kGeneration;
  }
  void teardown() override {
    end_activation(g, RestartKind::kNone, h.log);
  }
  bool start() {
    return start_activation(
        g, h.store, timing,
        ActivationThread::Hooks{[] { return RestartKind::kNone; }, [this] { ++restarts; }}, h.log);
  }
};

TEST(GenerationActivation, NoThreadUnderManualActivation) {
  g.settings.manual_activation = true;
  CHECK_FALSE(start());
  CHECK(g.activation == nullptr);
  h.activation.request_activation();
  CHECK_FALSE(activation_fallback(g, timing, h.log));  // the monitor tells the admin instead
  CHECK(h.log.contains("ACMEActivation manual"));
}

TEST(GenerationActivation, TheMonitorStepsInOnlyWithoutTheThread) {
  CHECK(start());
  CHECK(g.activation != nullptr && g.activation->alive());
  h.activation.request_activation();
  CHECK_FALSE(activation_fallback(g, timing, h.log));  // the thread does it
  end_activation(g, RestartKind::kGraceful, h.log);
  CHECK(g.activation == nullptr);
  CHECK(activation_fallback(g, timing, h.log));  // no thread: restart now
}
