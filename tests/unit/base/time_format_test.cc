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

TEST(TimeFormat, Rfc3339NegativeOffset) {
  auto t = parse_rfc3339("2026-11-27T02:30:00-05:30");
  CHECK(t.ok());
  LONGS_EQUAL(1795766400LL, to_unix(*t));
}

// RFC 3339 §5.6: time-numoffset is exactly ("+" / "-") 2DIGIT ":" 2DIGIT.
// "+1:2" used to be read as +01:02 and the parser then stepped past the end
// of the string.
TEST(TimeFormat, Rfc3339OffsetStrict) {
  const char* bad[] = {
      "2026-11-27T08:00:00+1:2",   "2026-11-27T08:00:00+01:2",   "2026-11-27T08:00:00+1:02",
      "2026-11-27T08:00:00+0100",  "2026-11-27T08:00:00+01:00x", "2026-11-27T08:00:00+24:00",
      "2026-11-27T08:00:00+01:60", "2026-11-27T08:00:00+",       "2026-11-27T08:00:00Zjunk",
      "2026-11-27T08:00:00+ 1:00", "2026-11-27T08:00:00.Z",      "2026-11-27T08:00:00+-1:00"};
  for (const char* text : bad) {
    if (parse_rfc3339(text).ok()) FAIL(text);
  }
}

TEST(TimeFormat, Rfc3339DateTimeStrict) {
  const char* bad[] = {
      "+2026-11-27T08:00:00Z", "2026-1-27T08:00:00Z",  "2026-11-27T8:00:00Z", "2026-11-27T08:00:0Z",
      " 2026-11-27T08:00:00Z", "2026-11-27X08:00:00Z", "2026-11-27T08:00",    ""};
  for (const char* text : bad) {
    if (parse_rfc3339(text).ok()) FAIL(text);
  }
  CHECK(parse_rfc3339("2026-11-27t08:00:00z").ok());
  CHECK(parse_rfc3339("2026-11-27 08:00:00.123456Z").ok());
}

// std::chrono's nanosecond system_clock ends in April 2262; a later date
// (an ARI window, an OCSP nextUpdate, a Retry-After) saturates.
TEST(TimeFormat, Rfc3339Past2262Saturates) {
  auto far = parse_rfc3339("9999-12-31T23:59:59.999Z");
  CHECK(far.ok());
  CHECK(*far == TimePoint::max());
  auto late = parse_rfc3339("2262-04-12T00:00:00+01:00");
  CHECK(late.ok());
  CHECK(*late > *parse_rfc3339("2262-01-01T00:00:00Z"));
  CHECK(*late <= TimePoint::max());
}

TEST(TimeFormat, HttpDatePast2262Saturates) {
  auto t = parse_http_date("Fri, 31 Dec 9999 23:59:59 GMT");
  CHECK(t.ok());
  CHECK(*t == TimePoint::max());
}

TEST(TimeFormat, FromUnixSaturates) {
  CHECK(from_unix(253402300799LL) == TimePoint::max());  // 9999-12-31T23:59:59Z
  CHECK(from_unix(-253402300799LL) == TimePoint::min());
  LONGS_EQUAL(9223372035LL, to_unix(from_unix(9223372035LL)));
}
