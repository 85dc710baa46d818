#include "crypto/base64url.h"

#include <CppUTest/TestHarness.h>

using namespace acme;

TEST_GROUP(Base64){};

// RFC 4648 §10 test vectors.
TEST(Base64, Rfc4648Vectors) {
  const char* plain[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
  const char* coded[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
  for (int i = 0; i < 7; ++i) {
    STRCMP_EQUAL(coded[i], base64_encode(plain[i]).c_str());
    auto back = base64_decode(coded[i]);
    CHECK_TRUE(back.ok());
    STRCMP_EQUAL(plain[i], back->c_str());
  }
}

TEST(Base64, StandardAlphabetNotUrl) {
  std::string bytes("\xfb\xff\xbf", 3);
  STRCMP_EQUAL("+/+/", base64_encode(bytes).c_str());
  CHECK_TRUE(base64_decode("+/+/").ok());
  CHECK_FALSE(base64_decode("-_-_").ok());  // base64url is not what etcd sends
}

TEST(Base64, MalformedRefused) {
  CHECK_FALSE(base64_decode("Zm9").ok());       // not a multiple of 4
  CHECK_FALSE(base64_decode("Zm9v!A==").ok());  // stray character
  CHECK_FALSE(base64_decode("Z===").ok());      // three pads
  CHECK_FALSE(base64_decode("Zg=a").ok());      // pad inside
  auto r = base64_decode("Zm9");
  CHECK(r.status().message().find("not base64") != std::string::npos);
}

TEST(Base64, BinaryRoundTrip) {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  auto back = base64_decode(base64_encode(all));
  CHECK_TRUE(back.ok());
  CHECK_TRUE(*back == all);
}
