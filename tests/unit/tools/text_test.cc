#include "acmectl/text.h"

#include <CppUTest/TestHarness.h>

using namespace acme;
using namespace acme::ctl;

namespace {
const TimePoint kNow = from_unix(1767225600);  // 2026-01-01T00:00:00Z
const auto kHour = std::chrono::hours(1);
}  // namespace

TEST_GROUP(CtlText){};

TEST(CtlText, DaysUntilRoundsDown) {
  LONGS_EQUAL(59, days_until(kNow + 59 * 24 * kHour + kHour, kNow));
  LONGS_EQUAL(0, days_until(kNow + kHour, kNow));
  LONGS_EQUAL(-1, days_until(kNow - kHour, kNow));
  LONGS_EQUAL(-2, days_until(kNow - 25 * kHour, kNow));
}

TEST(CtlText, RelativeTime) {
  STRCMP_EQUAL("in 29 days", relative_time(kNow + 29 * 24 * kHour, kNow).c_str());
  STRCMP_EQUAL("in 5 hours", relative_time(kNow + 5 * kHour, kNow).c_str());
  STRCMP_EQUAL("in 12 minutes", relative_time(kNow + std::chrono::minutes(12), kNow).c_str());
  STRCMP_EQUAL("3 days ago", relative_time(kNow - 72 * kHour, kNow).c_str());
  STRCMP_EQUAL("1 second ago", relative_time(kNow - std::chrono::seconds(1), kNow).c_str());
  STRCMP_EQUAL("now", relative_time(kNow, kNow).c_str());
}

TEST(CtlText, FormatAndJoin) {
  STRCMP_EQUAL("2026-01-01T00:00:00Z", format_time(kNow).c_str());
  STRCMP_EQUAL("-", format_time(TimePoint{}).c_str());
  STRCMP_EQUAL("a, b", join({"a", "b"}).c_str());
  STRCMP_EQUAL("none", join({}, "none").c_str());
}
