// AcmeClient's request counts (the per-CA metrics): every directory fetch and
// signed POST, and each failure under its type.
#include <string>

#include "acme/acme_test_util.h"
#include "acme/client.h"
#include "acme/problem.h"
#include "crypto/crypto_test_util.h"

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

using namespace acme;
using namespace acme::testing;

namespace {

const std::string kUrl = "https://ca.test/order/1";
const std::string kKid = "https://ca.test/acct/1";

long long errors(const AcmeClient& client, const std::string& type) {
  auto it = client.counts().errors.find(type);
  return it == client.counts().errors.end() ? 0 : it->second;
}

}  // namespace

TEST_GROUP(AcmeClientCounts) {
  PrivateKey key = rfc7515_ec_key();
};

TEST(AcmeClientCounts, RequestsAndProblemsByType) {
  int bad_nonces_left = 2;
  ScriptedCa ca([&bad_nonces_left](const HttpRequest&, const DecodedJws&) {
    if (bad_nonces_left-- > 0) return problem_response(400, problem::kBadNonce, "stale", "fresh");
    return problem_response(429, problem::kRateLimited, "too many", "n2");
  });
  AcmeClient client(ca.http, kCaDir);
  client.set_signer(&key, kKid);
  CHECK_FALSE(client.post(kUrl, "").ok());
  // The directory, then three POSTs: two badNonce, the retry that got rateLimited.
  LONGS_EQUAL(4, client.counts().requests);
  LONGS_EQUAL(2, errors(client, "badNonce"));
  LONGS_EQUAL(1, errors(client, "rateLimited"));
  LONGS_EQUAL(2, client.counts().errors.size());
}

TEST(AcmeClientCounts, SuccessCountsNoError) {
  ScriptedCa ca([](const HttpRequest&, const DecodedJws&) {
    return json_response(200, R"({"status":"valid"})", {{"replay-nonce", "n"}});
  });
  AcmeClient client(ca.http, kCaDir);
  client.set_signer(&key, kKid);
  CHECK(client.post(kUrl, "").ok());
  CHECK(client.post(kUrl, "").ok());
  LONGS_EQUAL(3, client.counts().requests);  // the directory once
  CHECK(client.counts().errors.empty());
}

TEST(AcmeClientCounts, TransportAndBareHttpErrors) {
  FakeHttpClient http;
  AcmeClient client(http, kCaDir);
  client.set_signer(&key, kKid);
  http.push(json_response(200, directory_json()));
  http.push(make_response(200, "", {{"replay-nonce", "n1"}}));
  http.push_error(Status(Code::kNetwork, "timeout"));
  CHECK_FALSE(client.post(kUrl, "").ok());
  http.push(make_response(200, "", {{"replay-nonce", "n2"}}));
  http.push(make_response(404, "<html>no</html>", {{"content-type", "text/html"}}));
  CHECK_FALSE(client.post(kUrl, "").ok());
  LONGS_EQUAL(3, client.counts().requests);  // newNonce HEADs are not counted
  LONGS_EQUAL(1, errors(client, "network"));
  LONGS_EQUAL(1, errors(client, "protocol"));
}

TEST(AcmeClientCounts, DirectoryFailureCounted) {
  FakeHttpClient http;
  AcmeClient client(http, kCaDir);
  http.push(make_response(503, "busy"));
  CHECK_FALSE(client.directory().ok());
  LONGS_EQUAL(1, client.counts().requests);
  LONGS_EQUAL(1, errors(client, "network"));
}

TEST(AcmeClientCounts, SavedTotalsAdd) {
  FakeHttpClient http;
  AcmeClient client(http, kCaDir);
  RequestCounts saved;
  saved.requests = 10;
  saved.errors["badNonce"] = 3;
  client.add_counts(saved);
  http.push(make_response(503, "busy"));
  CHECK_FALSE(client.directory().ok());
  LONGS_EQUAL(11, client.counts().requests);
  LONGS_EQUAL(3, errors(client, "badNonce"));
  LONGS_EQUAL(1, errors(client, "network"));
}

TEST(AcmeClientCounts, ErrorTypeNames) {
  STRCMP_EQUAL("caa", request_error_type(Status(Code::kProblem, "x", problem::kCaa)).c_str());
  STRCMP_EQUAL("otherProblem",
               request_error_type(Status(Code::kProblem, "x", "urn:example:custom")).c_str());
  STRCMP_EQUAL("insecureUrl",
               request_error_type(Status(Code::kProtocol, "x", kInsecureUrl)).c_str());
  STRCMP_EQUAL("network", request_error_type(Status(Code::kTimeout, "x")).c_str());
  STRCMP_EQUAL("protocol", request_error_type(Status(Code::kProtocol, "x")).c_str());
}
