#include "renew/shm_challenge_sink.h"

#include <cstdint>
#include <string>
#include <vector>

#include "base/clock.h"
#include "crypto/base64url.h"
#include "crypto/self_signed.h"
#include "solve/tls_alpn01_responder.h"

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

using namespace acme;

namespace {

const TimePoint kNow = from_unix(1767225600);  // 2026-01-01T00:00:00Z

std::string cert_and_key(const std::string& name) {
  auto made = make_self_signed({name}, KeyType::kP256, kNow, std::chrono::hours(24 * 7),
                               sha256("token.thumbprint"));
  CHECK_TRUE(made.ok());
  return made->cert_pem + made->key_pem;
}

ChallengeAnswer answer(ChallengeKind kind, const std::string& identifier, const std::string& token,
                       const std::string& text) {
  ChallengeAnswer a;
  a.kind = kind;
  a.identifier = identifier;
  a.token = token;
  a.answer = text;
  return a;
}

}  // namespace

TEST_GROUP(ShmChallengeSink) {
  std::vector<std::uint64_t> http_mem, alpn_mem;
  ChallengeTable http01;
  AlpnCertTable alpn;
  void setup() override {
    http_mem.assign(ChallengeTable::region_size(4) / 8 + 1, 0);
    http01 = *ChallengeTable::format(http_mem.data(), http_mem.size() * 8, 4);
    alpn_mem.assign(AlpnCertTable::region_size(4) / 8 + 1, 0);
    alpn = *AlpnCertTable::format(alpn_mem.data(), alpn_mem.size() * 8, 4);
  }
};

TEST(ShmChallengeSink, Http01IsServedByIdentifierAndTokenThenWithdrawn) {
  ShmChallengeSink sink(http01, alpn);
  auto a = answer(ChallengeKind::kHttp01, "a.example", "tok1", "tok1.thumb");
  CHECK_TRUE(sink.publish(a).ok());
  std::string value;
  CHECK_TRUE(http01.lookup("a.example", "tok1", &value));
  STRCMP_EQUAL("tok1.thumb", value.c_str());
  CHECK_FALSE(http01.lookup("b.example", "tok1", nullptr));
  sink.withdraw(a);
  CHECK_FALSE(http01.lookup("a.example", "tok1", nullptr));
}

TEST(ShmChallengeSink, TlsAlpn01IsServedUnderTheHandshakesServerName) {
  ShmChallengeSink sink(http01, alpn);
  const std::string blob = cert_and_key("192.0.2.1");
  auto a = answer(ChallengeKind::kTlsAlpn01, "192.0.2.1", "tok2", blob);
  CHECK_TRUE(sink.publish(a).ok());
  std::string served;
  CHECK_TRUE(alpn.get("1.2.0.192.in-addr.arpa", &served));  // RFC 8738 §6
  CHECK_TRUE(served == blob);
  sink.withdraw(a);
  CHECK_FALSE(alpn.get("1.2.0.192.in-addr.arpa", &served));
}

TEST(ShmChallengeSink, AWithdrawnOlderAnswerLeavesTheNewerOneServed) {
  ShmChallengeSink sink(http01, alpn);
  auto old_answer =
      answer(ChallengeKind::kTlsAlpn01, "a.example", "old", cert_and_key("a.example"));
  auto new_answer =
      answer(ChallengeKind::kTlsAlpn01, "a.example", "new", cert_and_key("a.example"));
  CHECK_TRUE(sink.publish(old_answer).ok());
  CHECK_TRUE(sink.publish(new_answer).ok());
  sink.withdraw(old_answer);
  std::string served;
  CHECK_TRUE(alpn.get("a.example", &served));
  CHECK_TRUE(served == new_answer.answer);
}

TEST(ShmChallengeSink, WhatNoHandshakeCanServeIsRefusedByName) {
  ShmChallengeSink sink(http01, alpn);
  Status not_pem = sink.publish(answer(ChallengeKind::kTlsAlpn01, "a.example", "t", "garbage"));
  LONGS_EQUAL(static_cast<int>(Code::kInvalidArgument), static_cast<int>(not_pem.code()));
  CHECK_TEXT(not_pem.message().find("a.example") != std::string::npos, not_pem.message().c_str());
  std::string served;
  CHECK_FALSE(alpn.get("a.example", &served));
}
