// Nonce handover: a session's unused nonces saved for the next watchdog's,
// taken once, within the age bound, a bad file ignored with one log line.
// The fake CA refuses a nonce it did not issue or saw used (badNonce).
#include "renew/nonce_handover.h"

#include <string>

#include "cluster/shared_paths.h"
#include "renew/renew_test_util.h"
#include "report/ca_counts.h"
#include "store/layout.h"

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

using namespace acme;
using namespace acme::testing;

TEST_GROUP(NonceHandover) {
  RenewHarness h;
  int heads = 0;  // HEAD newNonce requests the CA saw
  const std::string path = layout::ca_nonces_file(FakeAcmeCa::kDirectoryUrl);

  void setup() override {
    h.ca.on_request = [this](const HttpRequest& r) { heads += r.method == "HEAD" ? 1 : 0; };
  }
  // A session with its account ready, as a watchdog has one after a step.
  std::unique_ptr<CaSession> ready_session() {
    auto s = h.session();
    CHECK(s->ensure_account(h.store, h.log).ok());
    return s;
  }
  // The first watchdog's session ends with n unused nonces and saves them.
  void first_watchdog_ends(int n) {
    auto first = ready_session();
    for (int i = 1; i < n; ++i) first->client().nonces().add_older({fresh_nonce(*first)});
    LONGS_EQUAL(n, first->client().nonces().size());
    save_unused_nonces(h.store, first->client(), h.clock.now(), h.log);
    LONGS_EQUAL(0, first->client().nonces().size());
  }
  // A nonce the CA issued (an answer's Replay-Nonce), fetched with HEAD.
  std::string fresh_nonce(CaSession & s) {
    NoncePool pool;
    return *pool.take(s.http(), FakeAcmeCa::kBase + std::string("/nonce"));
  }
  // One signed request, as a job's first step sends.
  void signed_request(CaSession & s) {
    const int bad_before = h.ca.bad_nonces_sent();
    auto answer = s.client().post_as_get(s.client().kid());
    CHECK_TEXT(answer.ok(), answer.ok() ? "" : answer.status().message().c_str());
    LONGS_EQUAL(bad_before, h.ca.bad_nonces_sent());
    LONGS_EQUAL(0, s.client().bad_nonce_retries());  // every nonce sent was good
  }
  int store_warnings() {
    int n = 0;
    for (const auto& line : h.log.lines) n += line.msgno == kMsgStoreError ? 1 : 0;
    return n;
  }
};

TEST(NonceHandover, TheNextSessionSendsNoHeadForItsFirstRequests) {
  first_watchdog_ends(3);
  LONGS_EQUAL(0600, h.store.modes.at(path));
  auto next = ready_session();
  heads = 0;
  LONGS_EQUAL(3, take_saved_nonces(h.store, next->client(), h.clock.now(), h.log));
  for (int i = 0; i < 3; ++i) signed_request(*next);
  LONGS_EQUAL(0, heads);
}

TEST(NonceHandover, KeptOldestFirstAndTheNewestUsedFirst) {
  auto first = ready_session();
  first->client().nonces().add_older({"b"});
  first->client().nonces().add_older({"a"});  // older than b, which is older than the pool's
  const std::size_t n = first->client().nonces().size();
  save_unused_nonces(h.store, first->client(), h.clock.now(), h.log);
  auto text = h.store.read(path);
  CHECK(text.ok());
  auto json = Json::parse(*text);
  CHECK(json.ok());
  Json nonces = json->get("nonces");
  LONGS_EQUAL(n, nonces.size());
  STRCMP_EQUAL("a", nonces.at(0).as_string().c_str());
  STRCMP_EQUAL("b", nonces.at(1).as_string().c_str());
  STRCMP_EQUAL("2026-01-01T00:00:00Z", json->get_string_or("saved", "").c_str());
}

TEST(NonceHandover, NothingSavedNoFile) {
  auto first = h.session();
  save_unused_nonces(h.store, first->client(), h.clock.now(), h.log);
  CHECK_FALSE(h.store.exists(path));
}

TEST(NonceHandover, UsedWithinTheAgeBound) {
  first_watchdog_ends(2);
  h.clock.advance(kMaxNonceAge);
  auto next = ready_session();
  heads = 0;
  LONGS_EQUAL(2, take_saved_nonces(h.store, next->client(), h.clock.now(), h.log));
  signed_request(*next);
  LONGS_EQUAL(0, heads);
}

TEST(NonceHandover, OlderThanTheBoundNotUsed) {
  first_watchdog_ends(2);
  h.clock.advance(kMaxNonceAge + Seconds(1));
  auto next = ready_session();
  heads = 0;
  LONGS_EQUAL(0, take_saved_nonces(h.store, next->client(), h.clock.now(), h.log));
  CHECK_FALSE(h.store.exists(path));  // retired, not read again
  signed_request(*next);
  LONGS_EQUAL(1, heads);
}

TEST(NonceHandover, SavedInTheFutureNotUsed) {
  first_watchdog_ends(2);
  h.clock.advance(-Seconds(5));  // the clock stepped back: their age is unknown
  auto next = ready_session();
  LONGS_EQUAL(0, take_saved_nonces(h.store, next->client(), h.clock.now(), h.log));
}

// Two sessions made one after the other: the second finds none, so no
// nonce is ever sent twice (the fake CA would answer badNonce).
TEST(NonceHandover, TakenOnce) {
  first_watchdog_ends(2);
  auto second = ready_session();
  auto third = ready_session();
  LONGS_EQUAL(2, take_saved_nonces(h.store, second->client(), h.clock.now(), h.log));
  LONGS_EQUAL(0, take_saved_nonces(h.store, third->client(), h.clock.now(), h.log));
  CHECK_FALSE(h.store.exists(path));
  for (int i = 0; i < 2; ++i) {
    signed_request(*second);
    signed_request(*third);
  }
  LONGS_EQUAL(0, h.ca.bad_nonces_sent());
}

// A file that cannot be removed could be read again: its nonces are not used.
TEST(NonceHandover, NotUsedWhenTheFileCannotBeRemoved) {
  first_watchdog_ends(2);
  h.store.fail_removes = true;
  auto next = ready_session();
  LONGS_EQUAL(0, take_saved_nonces(h.store, next->client(), h.clock.now(), h.log));
  LONGS_EQUAL(0, next->client().nonces().size());
}

TEST(NonceHandover, ABadFileIsIgnoredWithOneLogLine) {
  const std::string too_many = [] {
    std::string list;
    for (std::size_t i = 0; i <= NoncePool::kMax; ++i)
      list += (i ? ",\"n" : "\"n") + std::to_string(i) + "\"";
    return list;
  }();
  const std::string cases[] = {
      "{",                                                             // not JSON
      "[]",                                                            // not an object
      "{\"saved\": \"2026-01-01T00:00:00Z\"}",                         // no nonces
      "{\"saved\": \"yesterday\", \"nonces\": [\"a\"]}",               // no time
      "{\"saved\": \"2026-01-01T00:00:00Z\", \"nonces\": [\"a+b\"]}",  // not base64url
      "{\"saved\": \"2026-01-01T00:00:00Z\", \"nonces\": [\"\"]}",     // empty
      "{\"saved\": \"2026-01-01T00:00:00Z\", \"nonces\": [7]}",        // not a string
      "{\"saved\": \"2026-01-01T00:00:00Z\", \"nonces\": [\"" +
          std::string(kMaxSavedNonceLength + 1, 'a') + "\"]}",
      "{\"saved\": \"2026-01-01T00:00:00Z\", \"nonces\": [" + too_many + "]}",
  };
  auto next = ready_session();
  const std::size_t own = next->client().nonces().size();  // from its newAccount answer
  int warnings = store_warnings();
  for (const auto& text : cases) {
    CHECK(h.store.write(path, text, 0600).ok());
    LONGS_EQUAL_TEXT(0, take_saved_nonces(h.store, next->client(), h.clock.now(), h.log),
                     text.c_str());
    LONGS_EQUAL_TEXT(++warnings, store_warnings(), text.c_str());
    CHECK_FALSE(h.store.exists(path));
  }
  LONGS_EQUAL(own, next->client().nonces().size());
  CHECK(h.log.contains("ignored and removed /mem/" + path));
}

// The file sits beside the CA's counts: their readers pass it by.
TEST(NonceHandover, NotReadAsTheCountsOfACa) {
  first_watchdog_ends(1);
  CHECK(h.store.exists(path));
  LONGS_EQUAL(0, read_all_ca_counts(h.store).size());
}

// On a cluster each node's watchdog holds only its own node's store lock:
// nonces in the shared store could be taken by two nodes at once.
TEST(NonceHandover, KeptOnTheNodeOnACluster) {
  CHECK(store_side(path) == StoreSide::kLocal);
}
