#include "acmectl/ocsp_fetch.h"

#include "crypto/crypto_test_util.h"
#include "fakes/fake_http_client.h"

#include <CppUTest/TestHarness.h>

using namespace acme;
using namespace acme::ctl;
using namespace acme::testing;

namespace {

const TimePoint kNow = from_unix(1767225600);  // 2026-01-01T00:00:00Z
const auto kDay = std::chrono::hours(24);

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace

TEST_GROUP(OcspFetch) {
  Issued* ca = nullptr;
  Issued* leaf = nullptr;
  FakeHttpClient http;

  void setup() override {
    ca = new Issued(issue("Test CA", nullptr, "", kNow - kDay, kNow + 365 * kDay, 1));
    leaf = new Issued(issue("a.example", ca, "DNS:a.example", kNow - kDay, kNow + 30 * kDay, 2));
  }
  void teardown() override {
    delete leaf;
    delete ca;
  }
  Result<OcspResult> fetch() {
    return fetch_ocsp(http, "http://ocsp.example/", leaf->cert, ca->cert, kNow);
  }
};

TEST(OcspFetch, PostsTheDerRequest) {
  http.push(make_response(200, "not an OCSP response"));
  CHECK_FALSE(fetch().ok());  // the answer is verified, not trusted
  LONGS_EQUAL(1, http.requests.size());
  const HttpRequest& sent = http.requests.front();
  STRCMP_EQUAL("POST", sent.method.c_str());
  STRCMP_EQUAL("http://ocsp.example/", sent.url.c_str());
  STRCMP_EQUAL("application/ocsp-request", sent.content_type.c_str());
  CHECK(sent.body == *make_ocsp_request(leaf->cert, ca->cert));
}

TEST(OcspFetch, HttpErrorsAreReported) {
  http.push(make_response(503, "busy"));
  Result<OcspResult> result = fetch();
  CHECK_FALSE(result.ok());
  CHECK(contains(result.status().message(), "HTTP 503"));
  http.push_error(Status(Code::kNetwork, "connection refused"));
  CHECK(contains(fetch().status().message(), "connection refused"));
}
