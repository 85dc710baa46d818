// FiberSet: one fiber per key, started at once or at the next pump, resumed
// when its wait is over, dropped when done.
#include "base/fiber_set.h"

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

using namespace acme;

TEST_GROUP(FiberSet) {
  FiberSet set;
};

TEST(FiberSet, StartRunsAtOnceAndKeepsOnlyWhatSuspended) {
  int ran = 0;
  CHECK_FALSE(set.start("done", [&] { ++ran; }));
  CHECK_TRUE(set.start("waits", [&] {
    ++ran;
    Fiber::yield();
    ++ran;
  }));
  CHECK_EQUAL(2, ran);
  CHECK_FALSE(set.contains("done"));
  CHECK_TRUE(set.contains("waits"));
  LONGS_EQUAL(1, set.size());
  CHECK_TRUE(set.pump());
  CHECK_EQUAL(3, ran);
}

TEST(FiberSet, ATakenKeyKeepsItsFiber) {
  CHECK_TRUE(set.start("k", [] { Fiber::yield(); }));
  bool ran = false;
  CHECK_FALSE(set.start("k", [&] { ran = true; }));
  set.add("k", [&] { ran = true; });
  CHECK_TRUE(set.pump());  // the first one ends
  CHECK_FALSE(ran);
  CHECK_TRUE(set.empty());
}

TEST(FiberSet, AddWaitsForThePump) {
  int runs = 0;
  set.add("k", [&] { ++runs; });
  LONGS_EQUAL(0, runs);
  LONGS_EQUAL(1, set.size());
  CHECK_TRUE(set.pump());
  LONGS_EQUAL(1, runs);
  CHECK_FALSE(set.pump());  // dropped once done: nothing left to resume
}

TEST(FiberSet, PumpResumesOnlyThoseWhoseWaitIsOverAndDropsTheDone) {
  bool answered = false;
  int steps = 0;
  CHECK_TRUE(set.start("waits", [&] {
    Fiber::wait_for(&answered);
    ++steps;
  }));
  CHECK_FALSE(set.pump());
  CHECK_EQUAL(0, steps);
  answered = true;
  CHECK_TRUE(set.pump());
  CHECK_EQUAL(1, steps);
  CHECK_TRUE(set.empty());
}
