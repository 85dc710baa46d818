#include "crypto/jwk.h"

#include "crypto/base64url.h"
#include "crypto/crypto_test_util.h"

#include <CppUTest/TestHarness.h>

using namespace acme;
using namespace acme::testing;

namespace {

// RFC 7638 §3.1: the canonical JWK of the RFC 7517 Appendix A.1 RSA key.
constexpr const char* kRfc7638Jwk =
    "{\"e\":\"AQAB\",\"kty\":\"RSA\",\"n\":"
    "\"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbf"
    "AAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_"
    "RN"
    "5w6Cf0h4QyQ5v-65YGjQR0_"
    "FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08q"
    "NLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-"
    "kEgU8awapJzKnqDKgw\"}";
constexpr const char* kRfc7638Thumbprint = "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs";

// RFC 7517 Appendix A.2: the private key whose public half RFC 7638 uses.
PrivateKey rfc7517_rsa_key() {
  return rsa_key_from_jwk({
      "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_"
      "BJECPebWK"
      "RXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_"
      "FDW2QvzqY368QQMic"
      "AtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-"
      "bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3"
      "XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
      "AQAB",
      "X4cTteJY_gn4FYPsXB8rdXix5vwsg1FLN5E3EaG6RJoVH-"
      "HLLKD9M7dx5oo7GURknchnrRweUkC7hT5fJLM0WbFAKNLWY2vv"
      "7B6NqXSzUvxT0_YSfqijwp3RTzlBaCxWp4doFk5N2o8Gy_nHNKroADIkJ46pRUohsXywbReAdYaMwFs9tv8d_"
      "cPVY3i07a3t"
      "8MN6TNwm0dSawm9v47UiCl3Sk5ZiG7xojPLu4sbg1U2jx4IBTNBznbJSzFHK66jT8bgkuqsk0GjskDJk19Z4qwjwbsnn"
      "4j2W"
      "Bii3RL-Us2lGVkY8fkFzme1z0HbIkfz0Y6mqnOYtqc0X4jfcKoAC8Q",
      "83i-7IvMGXoMXCskv73TKr8637FiO7Z27zv8oj6pbWUQyLPQBQxtPVnwD20R-"
      "60eTDmD2ujnMt5PoqMrm8RfmNhVWDtjjMmC"
      "MjOpSXicFHj7XOuVIYQyqVWlWEh6dN36GVZYk93N8Bc9vY41xy8B9RzzOGVQzXvNEvn7O0nVbfs",
      "3dfOR9cuYq-0S-"
      "mkFLzgItgMEfFzB2q3hWehMuG0oCuqnb3vobLyumqjVZQO1dIrdwgTnCdpYzBcOfW5r370AFXjiWft_NGE"
      "iovonizhKpo9VVS78TzFgxkIdrecRezsZ-1kYd_s1qDbxtkDEgfAITAG9LUnADun4vIcb6yelxk",
      "G4sPXkc6Ya9y8oJW9_ILj4xuppu0lzi_"
      "H7VTkS8xj5SdX3coE0oimYwxIi2emTAue0UOa5dpgFGyBJ4c8tQ2VF402XRugKDT"
      "P8akYhFo5tAA77Qe_NmtuYZc3C3m3I24G2GvR5sSDxUyAN2zq8Lfn9EUms6rY3Ob8YeiKkTiBj0",
      "s9lAH9fggBsoFR8Oac2R_E2gw282rT2kGOAhvIllETE1efrA6huUUvMfBcMpn8lqeW6vzznYY5SSQF7pMdC_"
      "agI3nG8Ibp1B"
      "Ub0JUiraRNqUfLhcQb_d9GF4Dh7e74WbRsobRonujTYN1xCaP6TO61jvWrX-L18txXw494Q_cgk",
      "GyM_p6JrXySiz1toFgKbWV-JdI3jQ4ypu9rbMWx3rQJBfmt0FoYzgUIZEVFEcOqwemRN81zoDAaa-"
      "Bk0KWNGDjJHZDdDmFhW"
      "3AN7lI-puxk_mHZGJ11rxyR8O55XLSe3SPmRfKwZI6yU24ZxvQKFYItdldUKGzO6Ia6zTKhAVRU",
  });
}

// Made with openssl ecparam; its JWK and thumbprint were computed with
// python3-cryptography, independently of this code.
constexpr const char* kP384Pem = R"(-----BEGIN EC PRIVATE KEY-----
MIGkAgEBBDDTBgciYt7Hz1c8hRaecRr6iKXR65BVTuJ1eTxfnnjVtLmWQHNi03ym
C1oSQZ6zTpKgBwYFK4EEACKhZANiAAQdcc20Ux01lZah4vsmiJeFskpC/3T5uQfg
TGRLT3NCCigbswK3Hww1u0R75gCF/G3bhRYmnPWw0ceF//N0NoeHfgkNVjFjh7U+
rtduc8hiyIAibnNdCeGgKLValBkE/Us=
-----END EC PRIVATE KEY-----
)";
constexpr const char* kP384Jwk =
    "{\"crv\":\"P-384\",\"kty\":\"EC\","
    "\"x\":\"HXHNtFMdNZWWoeL7JoiXhbJKQv90-bkH4ExkS09zQgooG7MCtx8MNbtEe-YAhfxt\","
    "\"y\":\"24UWJpz1sNHHhf_zdDaHh34JDVYxY4e1Pq7XbnPIYsiAIm5zXQnhoCi1WpQZBP1L\"}";
constexpr const char* kP384Thumbprint = "q7ApMoj1odtqvOUHB81p5N20XHu05w_FvjyXy6rSu0o";

// The x coordinate as stored in the JWK, decoded.
std::string jwk_x(const std::string& jwk) {
  std::size_t start = jwk.find("\"x\":\"") + 5;
  return *base64url_decode(jwk.substr(start, jwk.find('"', start) - start));
}

}  // namespace

TEST_GROUP(Jwk){};

TEST(Jwk, Rfc7638ThumbprintOfCanonicalJwk) {
  STRCMP_EQUAL(kRfc7638Thumbprint, thumbprint_of_canonical_jwk(kRfc7638Jwk).c_str());
}

TEST(Jwk, Rfc7638RsaKey) {
  PrivateKey key = rfc7517_rsa_key();
  STRCMP_EQUAL(kRfc7638Jwk, jwk_json(key)->c_str());
  STRCMP_EQUAL(kRfc7638Thumbprint, jwk_thumbprint(key)->c_str());
  STRCMP_EQUAL("RS256", jws_alg(key));
}

// RFC 7515 Appendix A.3.1: the public members of the ES256 example key.
TEST(Jwk, Rfc7515EcKey) {
  PrivateKey key = rfc7515_ec_key();
  STRCMP_EQUAL(
      "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU\","
      "\"y\":\"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0\"}",
      jwk_json(key)->c_str());
  STRCMP_EQUAL("oKIywvGUpTVTyxMQ3bwIIeQUudfr_CkLMjCE19ECD-U", jwk_thumbprint(key)->c_str());
  STRCMP_EQUAL("ES256", jws_alg(key));
}

TEST(Jwk, FixedP384Key) {
  Result<PrivateKey> key = PrivateKey::from_pem(kP384Pem);
  CHECK_TRUE(key.ok());
  STRCMP_EQUAL(kP384Jwk, jwk_json(*key)->c_str());
  STRCMP_EQUAL(kP384Thumbprint, jwk_thumbprint(*key)->c_str());
  STRCMP_EQUAL("ES384", jws_alg(*key));
}

// RFC 7518 §6.2.1.2: a coordinate keeps its leading zero bytes. About one
// key in 256 has one; generate until we meet it.
TEST(Jwk, EcCoordinatesKeepLeadingZeros) {
  bool saw_leading_zero = false;
  for (int i = 0; i < 5000 && !saw_leading_zero; ++i) {
    PrivateKey key = std::move(PrivateKey::generate(KeyType::kP256).value());
    std::string x = jwk_x(*jwk_json(key));
    LONGS_EQUAL(32, x.size());
    saw_leading_zero = x[0] == '\0';
  }
  CHECK_TRUE(saw_leading_zero);
  PrivateKey p384 = std::move(PrivateKey::generate(KeyType::kP384).value());
  LONGS_EQUAL(48, jwk_x(*jwk_json(p384)).size());
}

TEST(Jwk, EmptyKeyIsAnError) {
  PrivateKey key;
  CHECK_FALSE(jwk_json(key).ok());
  CHECK_FALSE(jwk_thumbprint(key).ok());
}
