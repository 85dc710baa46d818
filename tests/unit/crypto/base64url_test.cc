#include "crypto/base64url.h"

#include <cstdio>

#include <CppUTest/TestHarness.h>

using namespace acme;

namespace {

std::string hex(const std::string& bytes) {
  std::string out;
  char buf[3];
  for (unsigned char c : bytes) {
    std::snprintf(buf, sizeof(buf), "%02x", c);
    out += buf;
  }
  return out;
}

void check_pair(const char* plain, const char* encoded) {
  STRCMP_EQUAL(encoded, base64url_encode(plain).c_str());
  Result<std::string> decoded = base64url_decode(encoded);
  CHECK_TRUE(decoded.ok());
  STRCMP_EQUAL(plain, decoded->c_str());
}

}  // namespace

TEST_GROUP(Base64url){};

// RFC 4648 §10, with the padding JOSE leaves off.
TEST(Base64url, Rfc4648Vectors) {
  check_pair("", "");
  check_pair("f", "Zg");
  check_pair("fo", "Zm8");
  check_pair("foo", "Zm9v");
  check_pair("foob", "Zm9vYg");
  check_pair("fooba", "Zm9vYmE");
  check_pair("foobar", "Zm9vYmFy");
}

TEST(Base64url, UsesUrlAlphabet) {
  STRCMP_EQUAL("-_-_", base64url_encode("\xfb\xff\xbf").c_str());
  STRCMP_EQUAL("-_8", base64url_encode("\xfb\xff").c_str());
  STRCMP_EQUAL("fbff", hex(*base64url_decode("-_8")).c_str());
}

TEST(Base64url, RoundTripsEveryByteAndLength) {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  for (std::size_t len = 0; len <= all.size(); len += 1 + len / 8) {
    std::string bytes = all.substr(all.size() - len);
    std::string text = base64url_encode(bytes);
    CHECK_TRUE(text.find('=') == std::string::npos);
    Result<std::string> back = base64url_decode(text);
    CHECK_TRUE(back.ok());
    CHECK_TRUE(bytes == *back);
  }
}

TEST(Base64url, RejectsInvalidText) {
  CHECK_FALSE(base64url_decode("Zm9v=").ok());  // padding
  CHECK_FALSE(base64url_decode("Zm8=").ok());
  CHECK_FALSE(base64url_decode("Zm+v").ok());  // standard alphabet
  CHECK_FALSE(base64url_decode("Zm/v").ok());
  CHECK_FALSE(base64url_decode("Zm 9v").ok());  // whitespace
  CHECK_FALSE(base64url_decode("Zm9v\n").ok());
  CHECK_FALSE(base64url_decode("Zm9vY").ok());  // 4n+1 characters cannot be
  Result<std::string> bad = base64url_decode("ab$d");
  CHECK_TRUE(bad.status().code() == Code::kInvalidArgument);
  STRCMP_CONTAINS("ab$d", bad.status().message().c_str());
}

TEST(Base64url, IsBase64url) {
  CHECK_TRUE(is_base64url("abcXYZ019-_"));
  CHECK_FALSE(is_base64url(""));
  CHECK_FALSE(is_base64url("abc="));
  CHECK_FALSE(is_base64url("a+b"));
}

// FIPS 180-2 Appendix B.1.
TEST(Base64url, Sha256) {
  std::string digest = sha256("abc");
  LONGS_EQUAL(32, digest.size());
  STRCMP_EQUAL("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
               hex(digest).c_str());
  STRCMP_EQUAL("47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU", base64url_encode(sha256("")).c_str());
}
