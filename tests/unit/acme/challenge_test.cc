#include "acme/challenge.h"

#include <string>

#include "acme/acme_test_util.h"
#include "crypto/crypto_test_util.h"
#include "crypto/jwk.h"

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

using namespace acme;
using namespace acme::testing;

TEST_GROUP(Challenge){};

// RFC 8555 §8.1: token || '.' || base64url(SHA-256(JWK)), the RFC 7638
// thumbprint of the account key.
TEST(Challenge, KeyAuthorization) {
  PrivateKey key = rfc7515_ec_key();
  const std::string thumbprint = *jwk_thumbprint(key);
  const std::string token = "evaGxfADs6pSRb2LAv9IZf17Dt3juxGJ-PCt92wr-oA";
  STRCMP_EQUAL((token + "." + thumbprint).c_str(), key_authorization(token, thumbprint).c_str());
  STRCMP_EQUAL("tok.thumb", key_authorization("tok", "thumb").c_str());
}

TEST(Challenge, ValidTokenBounds) {
  CHECK_FALSE(valid_token(""));
  CHECK_FALSE(valid_token(std::string(15, 'a')));
  CHECK_TRUE(valid_token(std::string(16, 'a')));
  CHECK_TRUE(valid_token(std::string(128, 'a')));
  CHECK_FALSE(valid_token(std::string(129, 'a')));
  CHECK_TRUE(valid_token("evaGxfADs6pSRb2LAv9IZf17Dt3juxGJ-PCt92wr-oA"));
  for (const char* bad : {"aaaaaaaaaaaaaaa+", "aaaaaaaaaaaaaaa/", "aaaaaaaaaaaaaaa=",
                          "aaaaaaaaaaaaaa..", "../../etc/passwd", "aaaaaaaaaaaaaaa%2F"}) {
    CHECK_FALSE_TEXT(valid_token(bad), bad);
  }
}

TEST(Challenge, ParsesWithDefaultsAndError) {
  auto c = parse_challenge(*Json::parse(
      R"({"type":"http-01","url":"https://ca.test/chall/1","token":"tok","status":"invalid",
          "error":{"type":"urn:ietf:params:acme:error:connection","detail":"refused"}})"));
  CHECK(c.ok());
  STRCMP_EQUAL(kHttp01, c->type.c_str());
  STRCMP_EQUAL("https://ca.test/chall/1", c->url.c_str());
  STRCMP_EQUAL("tok", c->token.c_str());
  CHECK(c->status == ChallengeStatus::kInvalid);
  CHECK_TRUE(c->has_error);
  STRCMP_EQUAL("connection: refused", c->error.describe().c_str());
  auto plain = parse_challenge(*Json::parse(R"({"type":"dns-01","url":"u"})"));
  CHECK(plain->status == ChallengeStatus::kPending);
  CHECK_FALSE(plain->has_error);
  CHECK(parse_challenge(*Json::parse(R"({"type":"http-01"})")).status().code() == Code::kProtocol);
  CHECK_FALSE(parse_challenge(*Json::parse(R"({"url":"u"})")).ok());
}

TEST(Challenge, RespondPostsAnEmptyObject) {
  ScriptedCa ca([](const HttpRequest& r, const DecodedJws& jws) {
    STRCMP_EQUAL("{}", jws.payload.c_str());
    return json_response(
        200, R"({"type":"http-01","url":")" + r.url + R"(","status":"processing","token":"t"})",
        {{"replay-nonce", "n2"}});
  });
  AcmeClient client(ca.http, kCaDir);
  PrivateKey key = rfc7515_ec_key();
  client.set_signer(&key, "https://ca.test/acct/1");
  auto c = respond_to_challenge(client, "https://ca.test/chall/9");
  CHECK(c.ok());
  CHECK(c->status == ChallengeStatus::kProcessing);
  STRCMP_EQUAL("https://ca.test/chall/9", c->url.c_str());
}

TEST(Challenge, RespondFailureHasContext) {
  ScriptedCa ca([](const HttpRequest&, const DecodedJws&) {
    return problem_response(400, "urn:ietf:params:acme:error:malformed", "no", "n2");
  });
  AcmeClient client(ca.http, kCaDir);
  PrivateKey key = rfc7515_ec_key();
  client.set_signer(&key, "https://ca.test/acct/1");
  auto c = respond_to_challenge(client, "https://ca.test/chall/9");
  CHECK(c.status().message().rfind("responding to challenge: ", 0) == 0);
}
