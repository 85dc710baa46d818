#include "schedule/poll_pace.h"

#include <CppUTest/TestHarness.h>

using namespace acme;

TEST_GROUP(PollPace){};

TEST(PollPace, NothingKnownPollsAfter100Ms) {
  PollPace pace;
  LONGS_EQUAL(100, pace.first("pending").count());
  LONGS_EQUAL(100, pace.first("processing").count());
}

TEST(PollPace, FirstPollWaitsAboutAsLongAsTheLastValidations) {
  PollPace pace;
  pace.observe("pending", Millis(700), false);  // found at the third poll, 700 ms after
  LONGS_EQUAL(700, pace.first("pending").count());
  LONGS_EQUAL(100, pace.first("processing").count());  // issuance: its own pace
  pace.observe("pending", Millis(1100), false);
  LONGS_EQUAL(800, pace.first("pending").count());  // (3 * 700 + 1100) / 4
}

TEST(PollPace, AHitAtTheFirstPollProbesLower) {
  PollPace pace;
  pace.observe("processing", Millis(500), true);
  LONGS_EQUAL(400, pace.first("processing").count());
  for (int i = 0; i < 30; ++i) pace.observe("processing", pace.first("processing"), true);
  LONGS_EQUAL(100, pace.first("processing").count());  // never below 100 ms
}

TEST(PollPace, ASlowSpellIsCappedAtTwoSeconds) {
  PollPace pace;
  pace.observe("pending", Millis(30000), false);
  LONGS_EQUAL(2000, pace.first("pending").count());
}

TEST(PollPace, ReadyAndProcessingAreTheFinalizesWait) {
  STRCMP_EQUAL("pending", PollPace::wait_of("pending").c_str());
  STRCMP_EQUAL("processing", PollPace::wait_of("ready").c_str());
  STRCMP_EQUAL("processing", PollPace::wait_of("processing").c_str());
}
