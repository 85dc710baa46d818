#include "acme/nonce_pool.h"

#include "fakes/fake_http_client.h"

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

using namespace acme;
using namespace acme::testing;

namespace {

const char kNewNonce[] = "https://ca.test/nonce";

HttpResponse carrying(const std::string& nonce) {
  return make_response(200, "", {{"replay-nonce", nonce}});
}

}  // namespace

TEST_GROUP(NoncePool) {
  NoncePool pool;
  FakeHttpClient http;
};

TEST(NoncePool, KeepsOnlyBase64urlNonces) {
  pool.remember(carrying("good_Nonce-1"));
  pool.remember(carrying("has+plus"));
  pool.remember(carrying("padded=="));
  pool.remember(carrying(""));
  pool.remember(make_response(200, ""));
  LONGS_EQUAL(1, pool.size());
  STRCMP_EQUAL("good_Nonce-1", pool.take(http, kNewNonce)->c_str());
  LONGS_EQUAL(0, http.requests.size());
}

TEST(NoncePool, TakesNewestFirstAndUsesEachOnce) {
  pool.remember(carrying("old"));
  pool.remember(carrying("new"));
  STRCMP_EQUAL("new", pool.take(http, kNewNonce)->c_str());
  STRCMP_EQUAL("old", pool.take(http, kNewNonce)->c_str());
  LONGS_EQUAL(0, pool.size());
  LONGS_EQUAL(0, http.requests.size());
}

TEST(NoncePool, BoundedDroppingTheOldest) {
  const int extra = 4;
  for (std::size_t i = 0; i < NoncePool::kMax + extra; ++i)
    pool.remember(carrying("n" + std::to_string(i)));
  LONGS_EQUAL(NoncePool::kMax, pool.size());
  std::string last;
  while (pool.size() > 0) last = *pool.take(http, kNewNonce);
  STRCMP_EQUAL("n4", last.c_str());  // n0..n3 were dropped
}

TEST(NoncePool, EmptyPoolFetchesWithHead) {
  http.push(carrying("fetched"));
  auto nonce = pool.take(http, kNewNonce);
  CHECK(nonce.ok());
  STRCMP_EQUAL("fetched", nonce->c_str());
  LONGS_EQUAL(1, http.requests.size());
  STRCMP_EQUAL("HEAD", http.requests[0].method.c_str());
  STRCMP_EQUAL(kNewNonce, http.requests[0].url.c_str());
  LONGS_EQUAL(0, pool.size());
}

TEST(NoncePool, HeadWithoutNonceIsAProtocolError) {
  http.push(make_response(503, ""));
  auto nonce = pool.take(http, kNewNonce);
  CHECK(nonce.status().code() == Code::kProtocol);
  STRCMP_EQUAL("newNonce https://ca.test/nonce (HTTP 503) sent no usable Replay-Nonce",
               nonce.status().message().c_str());
}

TEST(NoncePool, TransportErrorPassesThrough) {
  http.push_error(Status(Code::kNetwork, "connection refused"));
  auto nonce = pool.take(http, kNewNonce);
  CHECK(nonce.status().code() == Code::kNetwork);
  STRCMP_EQUAL("connection refused", nonce.status().message().c_str());
}

TEST(NoncePool, Clear) {
  pool.remember(carrying("a"));
  pool.clear();
  LONGS_EQUAL(0, pool.size());
}

// A watchdog hands its unused nonces to the next (renew/nonce_handover.h).
TEST(NoncePool, TakeAllGivesOldestFirstAndEmpties) {
  pool.remember(carrying("old"));
  pool.remember(carrying("new"));
  auto all = pool.take_all();
  LONGS_EQUAL(2, all.size());
  STRCMP_EQUAL("old", all.at(0).c_str());
  STRCMP_EQUAL("new", all.at(1).c_str());
  LONGS_EQUAL(0, pool.size());
}

TEST(NoncePool, HandedOnNoncesAreOlderThanThePoolsOwn) {
  pool.remember(carrying("own"));
  pool.add_older({"oldest", "older", "not+base64url"});
  LONGS_EQUAL(3, pool.size());
  STRCMP_EQUAL("own", pool.take(http, kNewNonce)->c_str());
  STRCMP_EQUAL("older", pool.take(http, kNewNonce)->c_str());
  STRCMP_EQUAL("oldest", pool.take(http, kNewNonce)->c_str());
  LONGS_EQUAL(0, http.requests.size());
}

TEST(NoncePool, HandedOnNoncesBoundedDroppingTheOldest) {
  std::vector<std::string> many;
  for (std::size_t i = 0; i < NoncePool::kMax + 2; ++i) many.push_back("n" + std::to_string(i));
  pool.add_older(many);
  LONGS_EQUAL(NoncePool::kMax, pool.size());
  auto all = pool.take_all();
  STRCMP_EQUAL("n2", all.front().c_str());  // n0 and n1, the oldest, left out
}
