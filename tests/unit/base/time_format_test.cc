#include "base/time_format.h"

#include <CppUTest/TestHarness.h>

using namespace acme;

TEST_GROUP(TimeFormat){};

TEST(TimeFormat, Rfc3339Zulu) {
  auto t = parse_rfc3339("2026-11-27T08:00:00Z");
  CHECK(t.ok());
  LONGS_EQUAL(1795766400LL, to_unix(*t));
  STRCMP_EQUAL("2026-11-27T08:00:00Z", format_rfc3339(*t).c_str());
}

TEST(TimeFormat, Rfc3339FractionAndOffset) {
  auto t = parse_rfc3339("2026-11-27T10:00:00.5+02:00");
  CHECK(t.ok());
  LONGS_EQUAL(1795766400LL, to_unix(*t));
}

TEST(TimeFormat, Rfc3339Rejects) {
  CHECK_FALSE(parse_rfc3339("2026-13-27T08:00:00Z").ok());
  CHECK_FALSE(parse_rfc3339("2026-11-27T08:00:00").ok());
  CHECK_FALSE(parse_rfc3339("yesterday").ok());
}

TEST(TimeFormat, HttpDate) {
  auto t = parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT");
  CHECK(t.ok());
  LONGS_EQUAL(784111777LL, to_unix(*t));
  CHECK_FALSE(parse_http_date("Sun, 06 Nov 1994 08:49:37 PST").ok());
}

TEST(TimeFormat, Durations) {
  LONGS_EQUAL(30 * 86400, parse_duration("30d")->count());
  LONGS_EQUAL(90 * 60, parse_duration("90m")->count());
  LONGS_EQUAL(45, parse_duration("45")->count());
  CHECK_FALSE(parse_duration("3 days").ok());
  CHECK_FALSE(parse_duration("").ok());
  STRCMP_EQUAL("2d", format_duration(Seconds(172800)).c_str());
}
