#include "schedule/activation_coalescer.h"

#include <CppUTest/TestHarness.h>

using namespace acme;

namespace {

using Instant = ActivationCoalescer::Instant;
using std::chrono::milliseconds;

// A fake clock stepped like the parent's ticks (100 ms apart).
struct Ticks {
  Instant now{};
  void advance(int ms) { now += milliseconds(ms); }
};

ActivationCoalescer::Options options() {
  ActivationCoalescer::Options o;
  o.quiet = milliseconds(250);
  o.max_wait = milliseconds(1000);
  return o;
}

}  // namespace

TEST_GROUP(ActivationCoalescer){};

TEST(ActivationCoalescer, NothingStagedNeverRestarts) {
  ActivationCoalescer c(7, 0, options());
  Ticks t;
  for (int i = 0; i < 100; ++i, t.advance(100)) CHECK_FALSE(c.restart_due(7, t.now));
}

TEST(ActivationCoalescer, OneSetRestartsOnceTheCounterIsQuiet) {
  ActivationCoalescer c(7, 0, options());
  Ticks t;
  CHECK_FALSE(c.restart_due(8, t.now));  // change seen
  t.advance(100);
  CHECK_FALSE(c.restart_due(8, t.now));
  t.advance(100);
  CHECK_FALSE(c.restart_due(8, t.now));  // quiet for 200 ms
  t.advance(100);
  CHECK(c.restart_due(8, t.now));  // quiet for 300 ms
  LONGS_EQUAL(1, c.activated());
  t.advance(100);
  CHECK_FALSE(c.restart_due(8, t.now));  // once per batch
}

TEST(ActivationCoalescer, AwaitedSetsAllStagedRestartAtOnce) {
  ActivationCoalescer c(0, 1, options());  // fresh start: one certificate, no live set
  CHECK(c.restart_due(1, Instant{}));
}

TEST(ActivationCoalescer, AwaitedSetsWaitUntilAllAreStaged) {
  ActivationCoalescer c(0, 3, options());
  Ticks t;
  CHECK_FALSE(c.restart_due(1, t.now));
  t.advance(100);
  CHECK_FALSE(c.restart_due(2, t.now));
  t.advance(100);
  CHECK(c.restart_due(3, t.now));
  LONGS_EQUAL(3, c.activated());
}

TEST(ActivationCoalescer, BurstCoalescesIntoOneRestart) {
  ActivationCoalescer c(0, 0, options());
  Ticks t;
  for (std::uint64_t gen = 1; gen <= 4; ++gen, t.advance(100))
    CHECK_FALSE(c.restart_due(gen, t.now));  // a set every 100 ms: never quiet
  t.advance(200);
  CHECK(c.restart_due(4, t.now));
  LONGS_EQUAL(4, c.activated());
}

TEST(ActivationCoalescer, SteadyStreamRestartsAfterMaxWait) {
  ActivationCoalescer c(0, 50, options());
  Ticks t;
  std::uint64_t gen = 0;
  int ticks = 0;
  while (!c.restart_due(++gen, t.now)) {
    t.advance(100);
    ++ticks;
    CHECK(ticks <= 10);
  }
  LONGS_EQUAL(10, ticks);  // 1000 ms after the first change, never later
  LONGS_EQUAL(11, c.activated());
}

TEST(ActivationCoalescer, ChangeAfterARestartStartsANewBatch) {
  ActivationCoalescer c(0, 0, options());
  Ticks t;
  CHECK_FALSE(c.restart_due(1, t.now));
  t.advance(300);
  CHECK(c.restart_due(1, t.now));
  t.advance(5000);
  CHECK_FALSE(c.restart_due(2, t.now));  // new batch: its own quiet period
  t.advance(300);
  CHECK(c.restart_due(2, t.now));
  LONGS_EQUAL(2, c.activated());
}

TEST(ActivationCoalescer, CounterGoingBackIsANewBaseline) {
  ActivationCoalescer c(9, 0, options());
  Ticks t;
  CHECK_FALSE(c.restart_due(0, t.now));
  t.advance(1000);
  CHECK_FALSE(c.restart_due(0, t.now));
}

// After a costly restart (1,000 vhosts) the next one waits for the hold,
// however quiet the counter is or however long the batch has waited.
TEST(ActivationCoalescer, BatchWaitsForTheHold) {
  ActivationCoalescer c(0, 50, options());
  Ticks t;
  c.hold_until(t.now + milliseconds(5000));
  std::uint64_t gen = 0;
  for (int ms = 0; ms < 5000; ms += 100, t.advance(100)) {
    if (ms < 2000) ++gen;  // a stream, then quiet
    CHECK_FALSE(c.restart_due(gen, t.now));
  }
  CHECK(c.restart_due(gen, t.now));  // 5000 ms: the hold is over
  LONGS_EQUAL(20, c.activated());
}

TEST(ActivationCoalescer, HoldDoesNotDelayTheLastAwaitedSets) {
  ActivationCoalescer c(0, 3, options());
  Ticks t;
  c.hold_until(t.now + milliseconds(60000));
  CHECK_FALSE(c.restart_due(2, t.now));
  t.advance(100);
  CHECK(c.restart_due(3, t.now));  // nothing left to wait for
}

TEST(ActivationCoalescer, HoldInThePastChangesNothing) {
  ActivationCoalescer c(0, 0, options());
  Ticks t;
  t.advance(10000);
  c.hold_until(t.now - milliseconds(1));
  CHECK_FALSE(c.restart_due(1, t.now));
  t.advance(300);
  CHECK(c.restart_due(1, t.now));
}
