// The shared challenge value: both kinds round-trip, the tls-alpn-01 key is
// sealed (bound to its etcd key), and malformed values are refused naming the key.
#include "cluster/challenge_record.h"

#include "cluster/recording_sink.h"
#include "crypto/base64url.h"
#include "json/json.h"

#include <CppUTest/TestHarness.h>

using namespace acme;
using acme::testing::alpn_pems;

namespace {

const char* kKey = "/p/challenges/tok1";

ClusterKey cluster_key(char fill = 'k') {
  return *ClusterKey::from_bytes(std::string(ClusterKey::kKeyBytes, fill));
}

std::string refusal(const std::string& value, const std::string& token = "tok1") {
  auto a = decode_challenge(token, value, cluster_key(), kKey);
  CHECK_FALSE(a.ok());
  return a.status().message();
}

bool names_key(const std::string& message) {
  return message.find(kKey) != std::string::npos;
}

}  // namespace

TEST_GROUP(ChallengeRecord){};

TEST(ChallengeRecord, Http01RoundTrips) {
  ChallengeAnswer a{"tok1", ChallengeKind::kHttp01, "example.org", "tok1.thumb"};
  auto value = encode_challenge(a, cluster_key(), kKey);
  CHECK_TRUE(value.ok());
  auto j = Json::parse(*value);
  STRCMP_EQUAL("http-01", j->get_string_or("kind", "").c_str());
  STRCMP_EQUAL("tok1.thumb", j->get_string_or("answer", "").c_str());
  auto back = decode_challenge("tok1", *value, cluster_key(), kKey);
  CHECK_TRUE(back.ok());
  CHECK_TRUE(*back == a);
}

TEST(ChallengeRecord, TlsAlpn01KeySealedAndBoundToItsKey) {
  ChallengeAnswer a{"tok1", ChallengeKind::kTlsAlpn01, "example.org", alpn_pems("1")};
  auto value = encode_challenge(a, cluster_key(), kKey);
  CHECK_TRUE(value.ok());
  CHECK(value->find("PRIVATE KEY") == std::string::npos);  // never in clear
  CHECK(value->find("BEGIN CERTIFICATE") != std::string::npos);
  auto back = decode_challenge("tok1", *value, cluster_key(), kKey);
  CHECK_TRUE(back.ok());
  STRCMP_EQUAL(alpn_pems("1").c_str(), back->answer.c_str());
  // Copied under another token, or read with another cluster key: refused.
  auto moved = decode_challenge("tok2", *value, cluster_key(), "/p/challenges/tok2");
  CHECK_FALSE(moved.ok());
  CHECK(moved.status().message().find("/p/challenges/tok2") != std::string::npos);
  auto other = decode_challenge("tok1", *value, cluster_key('x'), kKey);
  CHECK_FALSE(other.ok());
  CHECK(other.status().message().find("does not open") != std::string::npos);
}

TEST(ChallengeRecord, EncodeRefusesWhatCannotBeServed) {
  ChallengeAnswer a{"tok1", ChallengeKind::kTlsAlpn01, "example.org", "no pems"};
  CHECK_FALSE(encode_challenge(a, cluster_key(), kKey).ok());
  a = ChallengeAnswer{"../x", ChallengeKind::kHttp01, "example.org", "v"};
  CHECK_FALSE(encode_challenge(a, cluster_key(), kKey).ok());
  a = ChallengeAnswer{"tok1", ChallengeKind::kHttp01, "", "v"};
  CHECK_FALSE(encode_challenge(a, cluster_key(), kKey).ok());
}

TEST(ChallengeRecord, MalformedValuesRefusedNamingTheKey) {
  const std::string sealed_plain = base64_encode(alpn_pems("1"));  // a key planted in clear
  const char* cert = "-----BEGIN CERTIFICATE-----\\nX\\n-----END CERTIFICATE-----\\n";
  for (const std::string& bad : {
           std::string(""),
           std::string("not json"),
           std::string("[1,2]"),
           std::string(R"({"kind":"dns-01","identifier":"a","answer":"v"})"),
           std::string(R"({"kind":"http-01","answer":"v"})"),
           std::string(R"({"kind":"http-01","identifier":"a"})"),
           std::string(R"({"kind":"http-01","identifier":"a","answer":7})"),
           std::string(
               R"({"kind":"tls-alpn-01","identifier":"a","certificate":"x","sealed_key":"AA=="})"),
           std::string(R"({"kind":"tls-alpn-01","identifier":"a","certificate":")") + cert +
               R"(","sealed_key":"%%%"})",
           std::string(R"({"kind":"tls-alpn-01","identifier":"a","certificate":")") + cert +
               R"(","sealed_key":")" + sealed_plain + R"("})",
       }) {
    std::string message = refusal(bad);
    CHECK_TEXT(names_key(message), (bad + " -> " + message).c_str());
  }
  CHECK_TRUE(names_key(refusal(R"({"kind":"http-01","identifier":"a","answer":"v"})", "a/b")));
}
