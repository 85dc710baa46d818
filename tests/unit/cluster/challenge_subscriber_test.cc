// ChallengeSubscriber against FakeEtcd: what a node serves follows
// challenges/ (load, watch events, deletes), malformed values are refused by
// key without stopping the rest, and acks are written under the node's lease.
#include "cluster/challenge_subscriber.h"

#include "base/fiber.h"
#include "cluster/fanout_cluster.h"

#include <CppUTest/TestHarness.h>

using namespace acme;
using namespace acme::testing;

namespace {

std::string http01(const std::string& identifier, const std::string& answer) {
  return R"({"kind":"http-01","identifier":")" + identifier + R"(","answer":")" + answer + "\"}";
}

// Forwards to the fake etcd, but inside a fiber a request first yields
// until *hold is false: a request in flight, as over the watchdog's CurlMulti.
class YieldingClient : public HttpClient {
 public:
  YieldingClient(HttpClient& next, const bool* hold) : next_(next), hold_(hold) {}
  Result<HttpResponse> send(const HttpRequest& request) override {
    while (*hold_ && Fiber::current()) Fiber::yield();
    return next_.send(request);
  }

 private:
  HttpClient& next_;
  const bool* hold_;
};

}  // namespace

TEST_GROUP(ChallengeSubscriber) {
  FanoutCluster c;
  void put(const std::string& token, const std::string& value) {
    auto r = c.etcd->put("/p/challenges/" + token, value);
    CHECK_TRUE(r.ok());
  }
};

TEST(ChallengeSubscriber, LoadServesTheRangeAndWithdrawsWhatIsGone) {
  put("t1", http01("a.example", "t1.x"));
  put("t2", http01("b.example", "t2.x"));
  auto web1 = c.join("web1");
  CHECK_TRUE(web1->sink.serves("t1", "t1.x"));
  CHECK_TRUE(web1->sink.serves("t2", "t2.x"));
  STRCMP_EQUAL("b.example", web1->sink.served["t2"].identifier.c_str());
  CHECK_TRUE(c.etcd->remove("/p/challenges/t1").ok());
  CHECK_TRUE(c.load(*web1).ok());  // a reload after a lost watch
  CHECK_FALSE(web1->sink.served.count("t1"));
  CHECK_TRUE(web1->sink.serves("t2", "t2.x"));
  LONGS_EQUAL(2, web1->sink.publishes);  // t2 unchanged: not published again
}

TEST(ChallengeSubscriber, WatchEventsPublishReplaceAndWithdraw) {
  auto web1 = c.join("web1");
  put("t1", http01("a.example", "t1.x"));
  CHECK_TRUE(c.etcd->put("/p/store/x", "fnot a challenge").ok());
  // A watch over the whole prefix: only challenges/ is taken.
  CHECK_TRUE(web1->subscriber.apply(c.fake.watch("/p/", web1->subscriber.next_revision())).ok());
  LONGS_EQUAL(1, web1->sink.served.size());
  CHECK_TRUE(web1->sink.serves("t1", "t1.x"));
  put("t1", http01("a.example", "t1.y"));
  CHECK_TRUE(c.feed(*web1).ok());
  CHECK_TRUE(web1->sink.serves("t1", "t1.y"));
  CHECK_TRUE(c.etcd->remove("/p/challenges/t1").ok());
  CHECK_TRUE(c.feed(*web1).ok());
  CHECK_TRUE(web1->sink.served.empty());
  // A replay of events already seen (a restarted watch) changes nothing.
  CHECK_TRUE(web1->subscriber.apply(c.fake.watch("/p/challenges/", 1)).ok());
  CHECK_TRUE(web1->sink.served.empty());
  LONGS_EQUAL(2, web1->sink.publishes);
}

TEST(ChallengeSubscriber, MalformedValuesRefusedByKeyTheRestServed) {
  auto web1 = c.join("web1");
  put("t1", http01("a.example", "t1.x"));
  CHECK_TRUE(c.feed(*web1).ok());
  put("t1", "{not json");                              // replaces a served answer
  put("t2", R"({"kind":"dns-01","identifier":"a"})");  // unknown kind
  put("bad%zz", http01("a.example", "v"));             // not an escaped token
  put("t3", http01("c.example", "t3.x"));
  Status s = c.feed(*web1);
  CHECK_FALSE(s.ok());
  for (const char* key : {"/p/challenges/t1", "/p/challenges/t2", "/p/challenges/bad%zz"})
    CHECK_TEXT(s.message().find(key) != std::string::npos, s.message().c_str());
  CHECK_FALSE(web1->sink.served.count("t1"));  // the old answer is not the published one
  CHECK_TRUE(web1->sink.serves("t3", "t3.x"));
  LONGS_EQUAL(1, web1->sink.served.size());
  // Loading the same state refuses the same keys, and still serves t3.
  Status again = c.load(*web1);
  CHECK(again.message().find("/p/challenges/t2") != std::string::npos);
  CHECK_TRUE(web1->sink.serves("t3", "t3.x"));
}

TEST(ChallengeSubscriber, LostHistoryIsRefusedUntilLoaded) {
  auto web1 = c.join("web1");
  EtcdWatchResponse compacted;
  compacted.compact_revision = 5;
  Status s = web1->subscriber.apply(compacted);
  CHECK_FALSE(s.ok());
  CHECK(s.message().find("load()") != std::string::npos);
}

TEST(ChallengeSubscriber, AcksUnderTheNodeLeaseWithTheServedRevision) {
  auto web1 = c.join("web1");
  put("t1", http01("a.example", "t1.x"));
  const long long revision = c.fake.kv_.at("/p/challenges/t1").mod_revision;
  CHECK_TRUE(c.round(*web1).ok());
  const FakeEtcd::Entry& ack = c.fake.kv_.at("/p/acks/t1/web1");
  STRCMP_EQUAL(std::to_string(revision).c_str(), ack.value.c_str());
  CHECK_TRUE(ack.lease == web1->registry.lease());
  LONGS_EQUAL(0, web1->subscriber.unacked());
  const std::size_t requests = c.fake.paths.size();
  CHECK_TRUE(web1->subscriber.write_acks(*c.etcd, web1->registry).ok());
  LONGS_EQUAL(requests, c.fake.paths.size());  // acked already: no request
}

TEST(ChallengeSubscriber, AcksAgainAfterReRegistering) {
  auto web1 = c.join("web1");
  put("t1", http01("a.example", "t1.x"));
  CHECK_TRUE(c.round(*web1).ok());
  c.fake.expire(web1->registry.lease());  // a pause past the TTL: registration and ack gone
  CHECK_FALSE(c.fake.kv_.count("/p/acks/t1/web1"));
  CHECK_TRUE(web1->registry.keep_alive().ok());
  CHECK_TRUE(c.round(*web1).ok());
  CHECK_TRUE(c.fake.kv_.at("/p/acks/t1/web1").lease == web1->registry.lease());
}

TEST(ChallengeSubscriber, RefusedBySinkNotAckedThenRetried) {
  auto web1 = c.join("web1");
  web1->sink.refuse = true;
  put("t1", http01("a.example", "t1.x"));
  Status s = c.round(*web1);
  CHECK_FALSE(s.ok());
  CHECK(s.message().find("/p/challenges/t1") != std::string::npos);
  CHECK(s.message().find("table full") != std::string::npos);
  CHECK_FALSE(c.fake.kv_.count("/p/acks/t1/web1"));
  LONGS_EQUAL(1, web1->subscriber.unacked());
  web1->sink.refuse = false;
  CHECK_TRUE(web1->subscriber.write_acks(*c.etcd, web1->registry).ok());
  CHECK_TRUE(web1->sink.serves("t1", "t1.x"));
  CHECK_TRUE(c.fake.kv_.count("/p/acks/t1/web1"));
}

TEST(ChallengeSubscriber, NoAcksWithoutRegistration) {
  auto web1 = c.join("web1");
  put("t1", http01("a.example", "t1.x"));
  CHECK_TRUE(web1->registry.stop().ok());
  Status s = c.round(*web1);
  CHECK_FALSE(s.ok());
  CHECK(s.message().find("/p/nodes/web1") != std::string::npos);
  CHECK_TRUE(web1->sink.serves("t1", "t1.x"));  // still served locally
}

TEST(ChallengeSubscriber, AnswerMovedToAnotherNameOrKindIsWithdrawnFirst) {
  auto web1 = c.join("web1");
  put("t1", http01("a.example", "t1.x"));
  CHECK_TRUE(c.feed(*web1).ok());
  put("t1", http01("a.example", "t1.y"));  // same place: replaced in place
  CHECK_TRUE(c.feed(*web1).ok());
  LONGS_EQUAL(0, web1->sink.withdrawals);
  put("t1", http01("b.example", "t1.y"));  // another name
  CHECK_TRUE(c.feed(*web1).ok());
  LONGS_EQUAL(1, web1->sink.withdrawals);
  ChallengeAnswer alpn{"t1", ChallengeKind::kTlsAlpn01, "b.example", alpn_pems("1")};
  auto value = encode_challenge(alpn, fanout_key(), "/p/challenges/t1");
  CHECK_TRUE(value.ok());
  put("t1", *value);  // another kind: another table
  CHECK_TRUE(c.feed(*web1).ok());
  LONGS_EQUAL(2, web1->sink.withdrawals);
  CHECK_TRUE(web1->sink.served.at("t1") == alpn);
}

// A burst of answers is acked in one request, each ack under the node's
// lease with the revision it serves.
TEST(ChallengeSubscriber, ABurstOfAnswersIsAckedInOneTransaction) {
  auto web1 = c.join("web1");
  put("t1", http01("a.example", "t1.x"));
  put("t2", http01("b.example", "t2.x"));
  put("t3", http01("c.example", "t3.x"));
  CHECK_TRUE(c.feed(*web1).ok());
  const std::size_t before = c.fake.paths.size();
  CHECK_TRUE(web1->subscriber.write_acks(*c.etcd, web1->registry).ok());
  LONGS_EQUAL(before + 1, c.fake.paths.size());
  STRCMP_EQUAL("/v3/kv/txn", c.fake.paths.back().c_str());
  LONGS_EQUAL(0, web1->subscriber.unacked());
  for (const char* t : {"t1", "t2", "t3"}) {
    const auto& ack = c.fake.kv_.at(c.layout.ack(t, "web1"));
    CHECK_TRUE(ack.lease == web1->registry.lease());
    STRCMP_EQUAL(
        std::to_string(c.fake.kv_.at("/p/challenges/" + std::string(t)).mod_revision).c_str(),
        ack.value.c_str());
  }
}

// The watch withdraws an answer while its ack is in flight: the entry is
// gone when the request returns, and only the answers still there count as
// acked (the old loop wrote into the freed entry: ASan, test_811).
TEST(ChallengeSubscriber, AnAnswerWithdrawnWhileItsAckIsInFlightIsLeftAlone) {
  put("t1", http01("a.example", "t1.x"));
  put("t2", http01("b.example", "t2.x"));
  auto web1 = c.join("web1");
  bool hold = true;
  EtcdClient slow({"http://127.0.0.1:1"}, std::make_unique<YieldingClient>(c.http, &hold));
  Status acked = Status(Code::kPending, "not run");
  Fiber fiber([&] { acked = web1->subscriber.write_acks(slow, web1->registry); });
  CHECK_TRUE(fiber.resume());  // the ack transaction is in flight
  CHECK_TRUE(c.etcd->remove("/p/challenges/t1").ok());
  CHECK_TRUE(c.feed(*web1).ok());  // the watch brings the delete meanwhile
  CHECK_FALSE(web1->sink.served.count("t1"));
  hold = false;
  CHECK_FALSE(fiber.resume());
  CHECK_TEXT(acked.ok(), acked.to_string().c_str());
  LONGS_EQUAL(0, web1->subscriber.unacked());
  LONGS_EQUAL(1, web1->subscriber.serving());
  CHECK_TRUE(c.fake.kv_.count("/p/acks/t2/web1"));
}
