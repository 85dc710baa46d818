#include "schedule/policy.h"

#include <CppUTest/TestHarness.h>

#include <climits>
#include <string>

using namespace acme;

namespace {

const TimePoint kStart = from_unix(1700000000);

TimePoint day(double d) {
  return kStart +
         std::chrono::duration_cast<TimePoint::duration>(std::chrono::duration<double>(d * 86400));
}

RenewWindow window(const std::string& text) {
  auto w = parse_renew_window(text);
  CHECK_TEXT(w.ok(), text.c_str());
  return *w;
}

}  // namespace

TEST_GROUP(Policy){};

TEST(Policy, DefaultWindowDueAtTwoThirdsOfLifetime) {
  RenewWindow def;
  CHECK_FALSE(renewal_due(day(0), day(90), def, day(59.9)));
  CHECK(renewal_due(day(0), day(90), def, day(60.1)));
  LONGS_EQUAL(to_unix(day(60)), to_unix(renewal_time(day(0), day(90), def)));
}

TEST(Policy, DurationWindow) {
  RenewWindow w = window("30d");
  CHECK_FALSE(renewal_due(day(0), day(365), w, day(334.9)));
  CHECK(renewal_due(day(0), day(365), w, day(335.1)));
}

TEST(Policy, WindowLongerThanLifetimeIsDueAtOnce) {
  RenewWindow w = window("30d");
  LONGS_EQUAL(to_unix(day(0)), to_unix(renewal_time(day(0), day(6), w)));
  CHECK(renewal_due(day(0), day(6), w, day(0)));
}

TEST(Policy, BrokenValidityIsDueAtOnce) {
  CHECK(renewal_due(day(10), day(5), RenewWindow(), day(5)));
}

TEST(Policy, ParseAcceptedForms) {
  RenewWindow w = window("33%");
  CHECK(w.is_fraction);
  DOUBLES_EQUAL(0.33, w.fraction, 1e-12);
  DOUBLES_EQUAL(0.333, window("33.3%").fraction, 1e-12);
  w = window("30d");
  CHECK_FALSE(w.is_fraction);
  LONGS_EQUAL(30 * 86400, w.duration.count());
  LONGS_EQUAL(720 * 3600, window("720h").duration.count());
  LONGS_EQUAL(3600, window("3600").duration.count());
}

TEST(Policy, ParseRejectedForms) {
  const char* bad[] = {"0%",   "100%",  "150%", "-5%", "%",    "1e1%", "inf%", " 33%",
                       "33 %", "3..3%", "0",    "0d",  "-30d", "30x",  "",     "abc"};
  for (const char* text : bad) CHECK_FALSE_TEXT(parse_renew_window(text).ok(), text);
  auto r = parse_renew_window("150%");
  CHECK(r.status().code() == Code::kInvalidArgument);
  STRCMP_EQUAL(
      "'150%' is not a valid renew window: use a percentage of the lifetime below 100% "
      "(e.g. 33%) or a duration (e.g. 30d)",
      r.status().message().c_str());
}

TEST(Policy, FormatRoundTrips) {
  STRCMP_EQUAL("33%", format_renew_window(window("33%")).c_str());
  STRCMP_EQUAL("12.5%", format_renew_window(window("12.5%")).c_str());
  STRCMP_EQUAL("30d", format_renew_window(window("720h")).c_str());
}

TEST(Policy, RetryDelayGrowsAndCaps) {
  const Seconds base(60), max(3600);
  const double full = 0.999999;
  LONGS_EQUAL(60, retry_delay(1, base, max, full).count());
  LONGS_EQUAL(120, retry_delay(2, base, max, full).count());
  LONGS_EQUAL(240, retry_delay(3, base, max, full).count());
  LONGS_EQUAL(3600, retry_delay(7, base, max, full).count());
  LONGS_EQUAL(3600, retry_delay(1000, base, max, full).count());
  LONGS_EQUAL(3600, retry_delay(INT_MAX, base, max, full).count());
  LONGS_EQUAL(60, retry_delay(0, base, max, full).count());  // clamped to one failure
}

TEST(Policy, RetryDelayJitterBounds) {
  const Seconds base(60), max(3600);
  LONGS_EQUAL(60, retry_delay(2, base, max, 0.0).count());  // half of 120
  LONGS_EQUAL(1800, retry_delay(20, base, max, 0.0).count());
  for (double r = 0; r < 1.0; r += 0.01) {
    long long d = retry_delay(3, base, max, r).count();
    CHECK(d >= 120 && d <= 240);
  }
  LONGS_EQUAL(240, retry_delay(3, base, max, 7.0).count());   // out of range: clamped
  LONGS_EQUAL(120, retry_delay(3, base, max, -1.0).count());  // likewise
}

TEST(Policy, RetryDelayHugeMaxDoesNotOverflow) {
  Seconds huge(LLONG_MAX);
  CHECK(retry_delay(200, Seconds(1), huge, 0.999).count() > 0);
}

TEST(Policy, PollDelaySequenceAndCap) {
  const long expected[] = {100, 200, 400, 800, 1600, 3200, 6400, 8000, 8000};
  for (int attempt = 0; attempt < 9; ++attempt)
    LONGS_EQUAL(expected[attempt], poll_delay(attempt).count());
  LONGS_EQUAL(8000, poll_delay(1000).count());
  LONGS_EQUAL(8000, poll_delay(INT_MAX).count());
  LONGS_EQUAL(100, poll_delay(-3).count());
}
