#include "acme/ari.h"

#include <string>

#include "base/time_format.h"
#include "crypto/crypto_test_util.h"
#include "fakes/fake_http_client.h"

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

using namespace acme;
using namespace acme::testing;

namespace {

// RFC 9773 Appendix A: AKI keyIdentifier 69:88:5B:6B:87:46:40:41:E1:B3:7B:84:
// 7B:A0:AE:2C:DE:01:C8:D4, serial 0x87654321 (DER content 00 87 65 43 21).
const char kRfc9773Certificate[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBQzCB66ADAgECAgUAh2VDITAKBggqhkjOPQQDAjAVMRMwEQYDVQQDEwpFeGFt\n"
    "cGxlIENBMCIYDzAwMDEwMTAxMDAwMDAwWhgPMDAwMTAxMDEwMDAwMDBaMBYxFDAS\n"
    "BgNVBAMTC2V4YW1wbGUuY29tMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEeBZu\n"
    "7cbpAYNXZLbbh8rNIzuOoqOOtmxA1v7cRm//AwyMwWxyHz4zfwmBhcSrf47NUAFf\n"
    "qzLQ2PPQxdTXREYEnKMjMCEwHwYDVR0jBBgwFoAUaYhba4dGQEHhs3uEe6CuLN4B\n"
    "yNQwCgYIKoZIzj0EAwIDRwAwRAIge09+S5TZAlw5tgtiVvuERV6cT4mfutXIlwTb\n"
    "+FYN/8oCIClDsqBklhB9KAelFiYt9+6FDj3z4KGVelYM5MdsO3pK\n"
    "-----END CERTIFICATE-----\n";

const TimePoint kNow = from_unix(1767225600);  // 2026-01-01T00:00:00Z
constexpr auto kOneDay = std::chrono::hours(24);
const std::string kRenewalInfo = "https://ca.test/renewal-info";

std::string window_json(const std::string& start, const std::string& end) {
  return "{\"suggestedWindow\":{\"start\":\"" + start + "\",\"end\":\"" + end +
         "\"},\"explanationURL\":\"https://ca.test/why\"}";
}

// A leaf whose AKI is its issuer's SKI, with the given serial.
Issued leaf_with_serial(const Issued& issuer, long serial) {
  return issue_with_extensions("a.example", issuer, kNow - kOneDay, kNow + kOneDay, serial,
                               {{NID_authority_key_identifier, "keyid:always"}});
}

}  // namespace

TEST_GROUP(Ari) {
  FakeHttpClient http;
};

TEST(Ari, CertIdOfTheRfcExample) {
  auto certs = Certificate::parse_pem_chain(kRfc9773Certificate);
  CHECK_TEXT(certs.ok(), certs.status().to_string().c_str());
  auto id = ari_cert_id(certs->front());
  CHECK_TEXT(id.ok(), id.status().to_string().c_str());
  STRCMP_EQUAL("aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE", id->c_str());
}

TEST(Ari, CertIdNeedsAnAuthorityKeyIdentifier) {
  Issued self_signed =
      issue("no-aki.example", nullptr, "DNS:no-aki.example", kNow - kOneDay, kNow + kOneDay, 7);
  auto id = ari_cert_id(self_signed.cert);
  CHECK_FALSE(id.ok());
  LONGS_EQUAL(static_cast<int>(Code::kNotFound), static_cast<int>(id.status().code()));
  CHECK(id.status().message().find("Authority Key Identifier") != std::string::npos);
}

// The serial is the INTEGER's content: a high bit gets its leading zero.
TEST(Ari, CertIdSerialIsTheDerContent) {
  Issued root = issue_with_extensions(
      "Root", nullptr, kNow - kOneDay, kNow + kOneDay, 1,
      {{NID_basic_constraints, "critical,CA:TRUE"}, {NID_subject_key_identifier, "hash"}});
  auto small = ari_cert_id(leaf_with_serial(root, 0x7f).cert);
  auto high_bit = ari_cert_id(leaf_with_serial(root, 0x80).cert);
  CHECK(small.ok() && high_bit.ok());
  const std::string aki = small->substr(0, small->find('.'));
  STRCMP_EQUAL((aki + ".fw").c_str(), small->c_str());      // 7f
  STRCMP_EQUAL((aki + ".AIA").c_str(), high_bit->c_str());  // 00 80
}

TEST(Ari, ParsesTheSuggestedWindow) {
  auto info =
      parse_renewal_info(*Json::parse(window_json("2026-01-02T04:00:00Z", "2026-01-03T04:00:00Z")));
  CHECK_TEXT(info.ok(), info.status().to_string().c_str());
  STRCMP_EQUAL("2026-01-02T04:00:00Z", format_rfc3339(info->window_start).c_str());
  STRCMP_EQUAL("2026-01-03T04:00:00Z", format_rfc3339(info->window_end).c_str());
  STRCMP_EQUAL("https://ca.test/why", info->explanation_url.c_str());
}

TEST(Ari, RefusesAWindowWithoutTimesOrEndingFirst) {
  CHECK_FALSE(parse_renewal_info(*Json::parse("{}")).ok());
  CHECK_FALSE(parse_renewal_info(*Json::parse(window_json("soon", "2026-01-03T04:00:00Z"))).ok());
  auto backwards =
      parse_renewal_info(*Json::parse(window_json("2026-01-03T04:00:00Z", "2026-01-02T04:00:00Z")));
  CHECK_FALSE(backwards.ok());
  LONGS_EQUAL(static_cast<int>(Code::kProtocol), static_cast<int>(backwards.status().code()));
}

// §4.3: absent -> 6 h; delta-seconds and HTTP-date, clamped to 1 min .. 1 day.
TEST(Ari, RetryAfterBothFormsClampedWithADefault) {
  HttpResponse r = make_response(200, "");
  LONGS_EQUAL(6 * 3600, ari_retry_after(r, kNow).count());
  r.headers = {{"retry-after", "7200"}};
  LONGS_EQUAL(7200, ari_retry_after(r, kNow).count());
  r.headers = {{"retry-after", "Thu, 01 Jan 2026 03:00:00 GMT"}};
  LONGS_EQUAL(3 * 3600, ari_retry_after(r, kNow).count());
  r.headers = {{"retry-after", "5"}};
  LONGS_EQUAL(60, ari_retry_after(r, kNow).count());
  r.headers = {{"retry-after", "9999999"}};
  LONGS_EQUAL(86400, ari_retry_after(r, kNow).count());
  r.headers = {{"retry-after", "later, maybe"}};
  LONGS_EQUAL(6 * 3600, ari_retry_after(r, kNow).count());
}

// §4.1: a plain GET, no JWS, no nonce.
TEST(Ari, FetchIsAnUnauthenticatedGet) {
  http.push(json_response(200, window_json("2026-01-02T04:00:00Z", "2026-01-03T04:00:00Z"),
                          {{"retry-after", "21600"}}));
  auto info = fetch_renewal_info(http, kRenewalInfo, "aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE", kNow);
  CHECK_TEXT(info.ok(), info.status().to_string().c_str());
  LONGS_EQUAL(1, http.requests.size());
  STRCMP_EQUAL("GET", http.requests[0].method.c_str());
  STRCMP_EQUAL("https://ca.test/renewal-info/aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE",
               http.requests[0].url.c_str());
  STRCMP_EQUAL("", http.requests[0].body.c_str());
  LONGS_EQUAL(21600, info->retry_after.count());
}

TEST(Ari, FetchFailuresSayWhat) {
  http.push(make_response(404, "not here"));
  http.push(make_response(503, "busy"));
  http.push_error(Status(Code::kNetwork, "connection refused"));
  auto unknown = fetch_renewal_info(http, kRenewalInfo + "/", "x.y", kNow);
  LONGS_EQUAL(static_cast<int>(Code::kNotFound), static_cast<int>(unknown.status().code()));
  STRCMP_EQUAL("https://ca.test/renewal-info/x.y", http.requests[0].url.c_str());
  LONGS_EQUAL(
      static_cast<int>(Code::kNetwork),
      static_cast<int>(fetch_renewal_info(http, kRenewalInfo, "x.y", kNow).status().code()));
  auto down = fetch_renewal_info(http, kRenewalInfo, "x.y", kNow);
  CHECK(down.status().message().find("connection refused") != std::string::npos);
}
