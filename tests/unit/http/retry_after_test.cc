#include "http/retry_after.h"

#include "acme/acme_test_util.h"
#include "acme/client.h"
#include "acme/problem.h"
#include "crypto/crypto_test_util.h"

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

using namespace acme;
using namespace acme::testing;

namespace {
const TimePoint kNow = from_unix(1767225600);  // Thu, 01 Jan 2026 00:00:00 GMT
}

TEST_GROUP(RetryAfter){};

TEST(RetryAfter, DeltaSeconds) {
  LONGS_EQUAL(120, parse_retry_after("120", kNow)->count());
  LONGS_EQUAL(0, parse_retry_after("0", kNow)->count());
  LONGS_EQUAL(30, parse_retry_after(" 30 ", kNow)->count());
}

TEST(RetryAfter, HttpDateFromNow) {
  LONGS_EQUAL(90 * 60, parse_retry_after("Thu, 01 Jan 2026 01:30:00 GMT", kNow)->count());
  LONGS_EQUAL(0, parse_retry_after("Wed, 31 Dec 2025 23:00:00 GMT", kNow)->count());
}

TEST(RetryAfter, RefusesWhatIsNeither) {
  CHECK_FALSE(parse_retry_after("", kNow).ok());
  CHECK_FALSE(parse_retry_after("-5", kNow).ok());
  CHECK_FALSE(parse_retry_after("1.5", kNow).ok());
  CHECK_FALSE(parse_retry_after("tomorrow", kNow).ok());
  CHECK_FALSE(parse_retry_after("99999999999999999999", kNow).ok());
}

TEST(RetryAfter, Clamps) {
  LONGS_EQUAL(60, clamp_seconds(Seconds(5), Seconds(60), Seconds(86400)).count());
  LONGS_EQUAL(86400, clamp_seconds(Seconds(999999), Seconds(60), Seconds(86400)).count());
  LONGS_EQUAL(600, clamp_seconds(Seconds(600), Seconds(60), Seconds(86400)).count());
}

// RFC 8555 §6.6: a 429 or 503 problem carries its Retry-After up to the
// caller, through every with_context on the way.
TEST(RetryAfter, ClientErrorsCarryTheHeader) {
  ScriptedCa ca([](const HttpRequest&, const DecodedJws&) {
    HttpResponse r = problem_response(429, problem::kRateLimited, "slow down", "n-1");
    r.headers.emplace("retry-after", "3600");
    return r;
  });
  AcmeClient client(ca.http, kCaDir);
  PrivateKey key = rfc7515_ec_key();
  client.set_signer(&key, "https://ca.test/acct/1");
  auto answer = client.post(kCaNewOrder, "{}");
  CHECK_FALSE(answer.ok());
  STRCMP_EQUAL(problem::kRateLimited, answer.status().tag().c_str());
  STRCMP_EQUAL("3600", answer.status().retry_after().c_str());
  STRCMP_EQUAL("3600", answer.status().with_context("ordering").retry_after().c_str());
  LONGS_EQUAL(1, ca.heads);  // answered once: a rate limit is not retried like badNonce
}

TEST(RetryAfter, ServiceUnavailableWithoutProblemDocument) {
  FakeHttpClient http;
  http.push(make_response(503, "down for maintenance", {{"retry-after", "120"}}));
  AcmeClient client(http, kCaDir);
  auto dir = client.directory();
  CHECK_FALSE(dir.ok());
  LONGS_EQUAL(static_cast<int>(Code::kNetwork), static_cast<int>(dir.status().code()));
  STRCMP_EQUAL("120", dir.status().retry_after().c_str());
}

// A date past 2262 must not wrap around into the past (and so into "retry now").
TEST(RetryAfter, HttpDatePast2262IsFarFuture) {
  auto wait = parse_retry_after("Fri, 31 Dec 9999 23:59:59 GMT", kNow);
  CHECK(wait.ok());
  CHECK(*wait > Seconds(100LL * 365 * 86400));
}
