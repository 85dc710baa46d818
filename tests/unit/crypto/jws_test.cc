#include "crypto/jws.h"

#include <jansson.h>

#include "crypto/base64url.h"
#include "crypto/crypto_test_util.h"
#include "crypto/jwk.h"

#include <CppUTest/TestHarness.h>

using namespace acme;
using namespace acme::testing;

namespace {

// RFC 7515 A.2.1 and A.3.1: signatures over "<protected>.<payload>" where the
// protected headers are {"alg":"RS256"} and {"alg":"ES256"}.
constexpr const char* kRs256Protected = "eyJhbGciOiJSUzI1NiJ9";
constexpr const char* kRs256Signature =
    "cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7AAuHIm4Bh-0Qc_lF5YKt_"
    "O8W2Fp5jujG"
    "bds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4BAynRFdiuB--f_"
    "nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K"
    "0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-"
    "eOkHWEsqtFZESc6BfI7noOPqvhJ1phCnvWh6IeYI2w9QOYEUipUTI8np6"
    "LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrBp0igcN_IoypGlUPQGe77Rw";
constexpr const char* kEs256Protected = "eyJhbGciOiJFUzI1NiJ9";
constexpr const char* kEs256Signature =
    "DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q";

std::string flattened(const std::string& protected64, const std::string& payload64,
                      const std::string& signature64) {
  return "{\"protected\":\"" + protected64 + "\",\"payload\":\"" + payload64 +
         "\",\"signature\":\"" + signature64 + "\"}";
}

// A member of a flattened JWS, base64url-decoded ("protected", "signature").
std::string decoded_member(const std::string& jws, const char* name) {
  json_t* root = json_loads(jws.c_str(), 0, nullptr);
  std::string text = json_string_value(json_object_get(root, name));
  json_decref(root);
  return *base64url_decode(text);
}

// Replaces one character of the named member's value with another.
std::string tamper(const std::string& jws, const char* name) {
  std::string out = jws;
  std::size_t at = out.find(std::string("\"") + name + "\":\"") + std::string(name).size() + 5;
  out[at] = out[at] == 'A' ? 'B' : 'A';
  return out;
}

}  // namespace

TEST_GROUP(Jws){};

// RS256 is deterministic, so our signature must be the RFC's byte for byte.
TEST(Jws, Rfc7515A2SignatureMatches) {
  PrivateKey key = rfc7515_rsa_key();
  Result<std::string> sig =
      jws_signature(key, std::string(kRs256Protected) + "." + kRfc7515Payload64);
  CHECK_TRUE(sig.ok());
  STRCMP_EQUAL(kRs256Signature, base64url_encode(*sig).c_str());
}

TEST(Jws, Rfc7515A2Verifies) {
  PrivateKey key = rfc7515_rsa_key();
  Result<std::string> payload =
      jws_verify(key, flattened(kRs256Protected, kRfc7515Payload64, kRs256Signature));
  CHECK_TRUE(payload.ok());
  STRCMP_EQUAL(kRfc7515Payload, payload->c_str());
}

// The RFC's r||s must survive our conversion to DER for OpenSSL.
TEST(Jws, Rfc7515A3Es256Verifies) {
  PrivateKey key = rfc7515_ec_key();
  Result<std::string> payload =
      jws_verify(key, flattened(kEs256Protected, kRfc7515Payload64, kEs256Signature));
  CHECK_TRUE(payload.ok());
  STRCMP_EQUAL(kRfc7515Payload, payload->c_str());
  std::string bad = kEs256Signature;
  bad[5] = bad[5] == 'A' ? 'B' : 'A';
  CHECK_FALSE(jws_verify(key, flattened(kEs256Protected, kRfc7515Payload64, bad)).ok());
}

// The whole request body for a fixed key, computed with python3-cryptography.
TEST(Jws, Rs256FixedRequest) {
  PrivateKey key = rfc7515_rsa_key();
  JwsParams params{"https://ca.example/acme/order/1", "nonce-1", "https://ca.example/acme/acct/1"};
  Result<std::string> jws = jws_sign(key, params, "{\"status\":\"deactivated\"}");
  CHECK_TRUE(jws.ok());
  STRCMP_EQUAL(
      "{\"protected\":"
      "\"eyJhbGciOiJSUzI1NiIsImtpZCI6Imh0dHBzOi8vY2EuZXhhbXBsZS9hY21lL2FjY3QvMSIsIm5v"
      "bmNlIjoibm9uY2UtMSIsInVybCI6Imh0dHBzOi8vY2EuZXhhbXBsZS9hY21lL29yZGVyLzEifQ\","
      "\"payload\":\"eyJzdGF0dXMiOiJkZWFjdGl2YXRlZCJ9\",\"signature\":\"Sy02bT0_"
      "zRo4EUYqeu5BO7DnEbYCN5"
      "WeikxTJ4eipTbAw1YA3FhKq4FKj3VRV7t4JEf26Iqa-uKXX3aLRA-"
      "95YAyILRlS5XMkg6GDpgxQ4WLofaCzQSAZkS18MPJf"
      "Z9gNUjC9JrMasztt0r0QzeX_XNRmcpMjIhc6HjMrQmpZAkbImfb0IUjltut03_kHg5sPiLyTzroV1Klw96Obtgy4-"
      "nXZaHW_"
      "Z6rIqzTHV5V2X1sUbMTvXnAlowHEFzgeM_en0gmekEw6APFXx6Nb7ffUC2zpY715iLMTY9k-"
      "kds2bfmQ8PJoQXg6jWFUm_O7G"
      "IXVEEUAfp4o3QpaHNcWYTnXA\"}",
      jws->c_str());
}

// RFC 8555 §6.2: without a kid the header embeds the JWK as an object.
TEST(Jws, EmbedsJwkWhenNoKid) {
  PrivateKey key = rfc7515_ec_key();
  JwsParams params{"https://ca.example/acme/new-account", "n\"1", ""};
  Result<std::string> jws = jws_sign(key, params, "{\"termsOfServiceAgreed\":true}");
  CHECK_TRUE(jws.ok());
  std::string expected = "{\"alg\":\"ES256\",\"jwk\":" + *jwk_json(key) +
                         ",\"nonce\":\"n\\\"1\",\"url\":\"https://ca.example/acme/new-account\"}";
  STRCMP_EQUAL(expected.c_str(), decoded_member(*jws, "protected").c_str());
  LONGS_EQUAL(64, decoded_member(*jws, "signature").size());
  STRCMP_EQUAL("{\"termsOfServiceAgreed\":true}", jws_verify(key, *jws)->c_str());
}

// RFC 8555 §7.3.5: the inner JWS of a key change carries no nonce.
TEST(Jws, OmitsEmptyNonce) {
  PrivateKey key = rfc7515_ec_key();
  Result<std::string> jws = jws_sign(key, JwsParams{"https://ca.example/kc", "", ""}, "{}");
  STRCMP_CONTAINS("\"jwk\":{", decoded_member(*jws, "protected").c_str());
  CHECK_TRUE(decoded_member(*jws, "protected").find("nonce") == std::string::npos);
}

// RFC 8555 §6.3: POST-as-GET signs the empty payload.
TEST(Jws, PostAsGet) {
  PrivateKey key = rfc7515_ec_key();
  Result<std::string> jws = jws_sign(key, JwsParams{"https://ca.example/o/1", "n", "k"}, "");
  STRCMP_CONTAINS("\"payload\":\"\"", jws->c_str());
  Result<std::string> payload = jws_verify(key, *jws);
  CHECK_TRUE(payload.ok());
  STRCMP_EQUAL("", payload->c_str());
}

TEST(Jws, EcRoundTripsWithRawSignatures) {
  for (KeyType type : {KeyType::kP256, KeyType::kP384}) {
    PrivateKey key = std::move(PrivateKey::generate(type).value());
    Result<std::string> jws =
        jws_sign(key, JwsParams{"https://ca.example/x", "n", "k"}, "{\"a\":1}");
    CHECK_TRUE(jws.ok());
    LONGS_EQUAL(type == KeyType::kP256 ? 64 : 96, decoded_member(*jws, "signature").size());
    STRCMP_CONTAINS(jws_alg(key), decoded_member(*jws, "protected").c_str());
    STRCMP_EQUAL("{\"a\":1}", jws_verify(key, *jws)->c_str());
  }
}

TEST(Jws, VerifyRejectsTampering) {
  PrivateKey key = std::move(PrivateKey::generate(KeyType::kP256).value());
  std::string jws = *jws_sign(key, JwsParams{"https://ca.example/x", "n", "k"}, "{\"a\":1}");
  Result<std::string> payload = jws_verify(key, tamper(jws, "payload"));
  CHECK_FALSE(payload.ok());
  CHECK_TRUE(payload.status().code() == Code::kVerifyFailed);
  CHECK_FALSE(jws_verify(key, tamper(jws, "protected")).ok());
  CHECK_FALSE(jws_verify(key, tamper(jws, "signature")).ok());
  PrivateKey other = std::move(PrivateKey::generate(KeyType::kP256).value());
  CHECK_FALSE(jws_verify(other, jws).ok());
  PrivateKey p384 = std::move(PrivateKey::generate(KeyType::kP384).value());
  STRCMP_CONTAINS("does not match the key", jws_verify(p384, jws).status().message().c_str());
}

TEST(Jws, VerifyRejectsMalformed) {
  PrivateKey key = rfc7515_ec_key();
  CHECK_FALSE(jws_verify(key, "").ok());
  CHECK_FALSE(jws_verify(key, "[]").ok());
  CHECK_FALSE(jws_verify(key, "{\"protected\":\"e30\",\"payload\":\"\"}").ok());
  CHECK_FALSE(jws_verify(key, flattened("e30", "", "AAAA")).ok());  // {} has no alg
}

// RFC 8555 §7.3.4, with the RFC 7515 A.1 HMAC key; the expected value was
// computed with python3's hmac module.
TEST(Jws, Hs256ExternalAccountBinding) {
  std::string hmac_key = *base64url_decode(
      "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow");
  std::string account_jwk = *jwk_json(rfc7515_ec_key());
  Result<std::string> jws =
      jws_sign_hs256(hmac_key, "kid-1", "https://ca.example/acme/new-account", account_jwk);
  CHECK_TRUE(jws.ok());
  STRCMP_EQUAL(
      "{\"protected\":"
      "\"eyJhbGciOiJIUzI1NiIsImtpZCI6ImtpZC0xIiwidXJsIjoiaHR0cHM6Ly9jYS5leGFtcGxlL2Fj"
      "bWUvbmV3LWFjY291bnQifQ\",\"payload\":"
      "\"eyJjcnYiOiJQLTI1NiIsImt0eSI6IkVDIiwieCI6ImY4M09KM0QyeEYx"
      "Qmc4dnViOXRMZTFnSE16Vjc2ZThUdXM5dVBIdlJWRVUiLCJ5IjoieF9GRXpSdTltMzZITE5fdHVlNjU5TE5wWFc2cEN5"
      "U3Rp"
      "a1lqS0lXSTVhMCJ9\",\"signature\":\"MSHslYR3EgmsLOlc7dZ46NfwBJ23DWpm00rSqHI_G9Q\"}",
      jws->c_str());
}

TEST(Jws, Hs256NeedsKeyAndKid) {
  CHECK_FALSE(jws_sign_hs256("", "kid", "https://ca.example/n", "{}").ok());
  CHECK_FALSE(jws_sign_hs256("key", "", "https://ca.example/n", "{}").ok());
}

TEST(Jws, SignNeedsAKey) {
  PrivateKey empty;
  CHECK_FALSE(jws_sign(empty, JwsParams{"https://ca.example/x", "n", ""}, "{}").ok());
}
