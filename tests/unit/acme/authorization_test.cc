#include "acme/authorization.h"

#include "acme/acme_test_util.h"
#include "crypto/crypto_test_util.h"

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

using namespace acme;
using namespace acme::testing;

namespace {

const char kAuthz[] = R"({
  "status": "invalid", "wildcard": false,
  "identifier": {"type": "dns", "value": "www.a.example"},
  "challenges": [
    {"type": "dns-01", "url": "https://ca.test/chall/1", "token": "t1", "status": "pending"},
    {"type": "http-01", "url": "https://ca.test/chall/2", "token": "t2", "status": "invalid",
     "error": {"type": "urn:ietf:params:acme:error:incorrectResponse", "detail": "404",
               "status": 403}},
    {"type": "broken"}
  ]})";

}  // namespace

TEST_GROUP(Authorization){};

TEST(Authorization, ParsesChallengesSkippingBrokenOnes) {
  auto a = parse_authorization("https://ca.test/authz/1", *Json::parse(kAuthz));
  CHECK(a.ok());
  STRCMP_EQUAL("https://ca.test/authz/1", a->url.c_str());
  CHECK(a->status == AuthorizationStatus::kInvalid);
  STRCMP_EQUAL("dns", a->identifier.type.c_str());
  STRCMP_EQUAL("www.a.example", a->identifier.value.c_str());
  CHECK_FALSE(a->wildcard);
  LONGS_EQUAL(2, a->challenges.size());
  STRCMP_EQUAL("t2", a->find(kHttp01)->token.c_str());
  CHECK(a->find(kTlsAlpn01) == nullptr);
  STRCMP_EQUAL("http-01: incorrectResponse (HTTP 403): 404", a->error_text().c_str());
}

TEST(Authorization, NoErrorDetail) {
  auto a = parse_authorization("u", *Json::parse(R"({"status":"pending"})"));
  CHECK(a.ok());
  STRCMP_EQUAL("no error detail from the CA", a->error_text().c_str());
  auto bad = parse_authorization("https://ca.test/authz/2", *Json::parse("{}"));
  CHECK(bad.status().message().find("authorization https://ca.test/authz/2") != std::string::npos);
}

TEST(Authorization, FetchIsPostAsGet) {
  ScriptedCa ca([](const HttpRequest&, const DecodedJws& jws) {
    STRCMP_EQUAL("", jws.payload.c_str());
    return json_response(200, kAuthz, {{"replay-nonce", "n"}});
  });
  AcmeClient client(ca.http, kCaDir);
  PrivateKey key = rfc7515_ec_key();
  client.set_signer(&key, "https://ca.test/acct/1");
  auto a = fetch_authorization(client, "https://ca.test/authz/1");
  CHECK(a.ok());
  STRCMP_EQUAL("https://ca.test/authz/1", ca.http.requests.back().url.c_str());
}
