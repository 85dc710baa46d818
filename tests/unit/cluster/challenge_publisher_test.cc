// The challenge fan-out end to end against FakeEtcd: the ordering node
// publishes, every node's subscriber serves and acks, ready() says go when
// every live node acked, or after the bound naming who did not; withdraw
// empties every node; a dead node's lease takes its registration and ack.
#include "cluster/challenge_publisher.h"

#include "base/fake_clock.h"
#include "base/fiber.h"
#include "cluster/fanout_cluster.h"

#include <CppUTest/TestHarness.h>

using namespace acme;
using namespace acme::testing;

namespace {

using Names = std::vector<std::string>;

ChallengeAnswer http01(const std::string& token, const std::string& answer) {
  return ChallengeAnswer{token, ChallengeKind::kHttp01, "example.org", answer};
}

}  // namespace

TEST_GROUP(ChallengePublisher) {
  FanoutCluster c;
  FakeClock clock{from_unix(1700000000)};
  std::unique_ptr<FanoutNode> web1, web2;
  std::unique_ptr<ChallengePublisher> publisher;  // on web1, the ordering node
  void setup() override {
    web1 = c.join("web1");
    web2 = c.join("web2");
    ChallengePublisher::Options options;
    options.bound = Millis(3000);
    publisher = std::make_unique<ChallengePublisher>(*c.etcd, c.layout, fanout_key(), "web1",
                                                     options, &clock);
  }
  AckReport ready(const std::string& token) {
    auto r = publisher->ready(token);
    if (!r.ok()) FAIL(r.status().to_string().c_str());
    return *r;
  }
};

TEST(ChallengePublisher, EveryNodeServesAndAcksThenGo) {
  CHECK_TRUE(publisher->publish(http01("t1", "t1.x")).ok());
  AckReport before = ready("t1");
  CHECK_FALSE(before.go);
  CHECK_TRUE((before.missing == Names{"web1", "web2"}));
  CHECK_TRUE(c.round(*web1).ok());
  AckReport half = ready("t1");
  CHECK_FALSE(half.go);
  CHECK_TRUE((half.acked == Names{"web1"}) && (half.missing == Names{"web2"}));
  CHECK_TRUE(c.round(*web2).ok());
  CHECK_TRUE(web1->sink.serves("t1", "t1.x"));
  CHECK_TRUE(web2->sink.serves("t1", "t1.x"));
  AckReport all = ready("t1");
  CHECK_TRUE(all.go && all.all_acked && all.missing.empty());
  CHECK_TRUE((all.acked == Names{"web1", "web2"}));
}

TEST(ChallengePublisher, TlsAlpn01ReachesEveryNodeWithItsKey) {
  ChallengeAnswer a{"t1", ChallengeKind::kTlsAlpn01, "example.org", alpn_pems("A")};
  CHECK_TRUE(publisher->publish(a).ok());
  CHECK(c.fake.kv_.at("/p/challenges/t1").value.find("PRIVATE KEY") == std::string::npos);
  CHECK_TRUE(c.round(*web2).ok());
  CHECK_TRUE(web2->sink.served.at("t1") == a);
}

TEST(ChallengePublisher, SilentNodeGoAheadAfterTheBoundNamingIt) {
  CHECK_TRUE(publisher->publish(http01("t1", "t1.x")).ok());
  CHECK_TRUE(c.round(*web1).ok());  // web2's watchdog never gets to it
  clock.advance(Millis(2999));
  CHECK_FALSE(ready("t1").go);
  clock.advance(Millis(1));
  AckReport late = ready("t1");
  CHECK_TRUE(late.go);
  CHECK_FALSE(late.all_acked);
  CHECK_TRUE((late.missing == Names{"web2"}));
  std::string line = not_acked_message(http01("t1", "t1.x"), late);
  CHECK_TEXT(line.find("web2") != std::string::npos &&
                 line.find("example.org") != std::string::npos &&
                 line.find("t1") != std::string::npos,
             line.c_str());
}

TEST(ChallengePublisher, PublishAgainIsANoOpButANewAnswerNeedsNewAcks) {
  CHECK_TRUE(publisher->publish(http01("t1", "t1.x")).ok());
  CHECK_TRUE(c.round(*web1).ok());
  CHECK_TRUE(c.round(*web2).ok());
  const std::size_t requests = c.fake.paths.size();
  clock.advance(Millis(2000));
  CHECK_TRUE(publisher->publish(http01("t1", "t1.x")).ok());  // the job's next step
  LONGS_EQUAL(requests, c.fake.paths.size());
  CHECK_TRUE(ready("t1").all_acked);
  CHECK_TRUE(publisher->publish(http01("t1", "t1.y")).ok());
  AckReport stale = ready("t1");  // the acks are of the old value
  CHECK_FALSE(stale.go);
  CHECK_TRUE((stale.missing == Names{"web1", "web2"}));
  CHECK_TRUE(c.round(*web1).ok());
  CHECK_TRUE(c.round(*web2).ok());
  CHECK_TRUE(web2->sink.serves("t1", "t1.y"));
  CHECK_TRUE(ready("t1").all_acked);
  clock.advance(Millis(1000));  // the bound still runs from the first publish
  CHECK_TRUE(publisher->publish(http01("t1", "t1.z")).ok());
  CHECK_FALSE(ready("t1").go);  // past the bound, but no node serves t1.z yet
  CHECK_TRUE(c.round(*web1).ok());
  AckReport bounded = ready("t1");
  CHECK_TRUE(bounded.go && !bounded.all_acked);
}

TEST(ChallengePublisher, WithdrawEmptiesEveryNodeAndDropsTheAcks) {
  CHECK_TRUE(publisher->publish(http01("t1", "t1.x")).ok());
  CHECK_TRUE(publisher->publish(http01("t2", "t2.x")).ok());
  CHECK_TRUE(c.round(*web1).ok());
  CHECK_TRUE(c.round(*web2).ok());
  CHECK_TRUE(publisher->withdraw("t1").ok());
  CHECK_FALSE(c.fake.kv_.count("/p/challenges/t1"));
  CHECK_FALSE(c.fake.kv_.count("/p/acks/t1/web1") || c.fake.kv_.count("/p/acks/t1/web2"));
  CHECK_TRUE(c.fake.kv_.count("/p/acks/t2/web2"));
  CHECK_TRUE(c.round(*web1).ok());
  CHECK_TRUE(c.round(*web2).ok());
  for (FanoutNode* n : {web1.get(), web2.get()}) {
    CHECK_FALSE(n->sink.served.count("t1"));
    CHECK_TRUE(n->sink.serves("t2", "t2.x"));
  }
  CHECK_TRUE(publisher->withdraw("t1").ok());  // again: nothing left, no error
  CHECK_TRUE(publisher->ready("t1").status().code() == Code::kNotFound);
}

TEST(ChallengePublisher, DeadNodeLeaseTakesItsRegistrationAndAck) {
  CHECK_TRUE(publisher->publish(http01("t1", "t1.x")).ok());
  CHECK_TRUE(c.round(*web1).ok());
  CHECK_TRUE(c.round(*web2).ok());
  c.fake.expire(web2->registry.lease());  // web2 killed: its lease runs out
  CHECK_FALSE(c.fake.kv_.count("/p/nodes/web2"));
  CHECK_FALSE(c.fake.kv_.count("/p/acks/t1/web2"));
  auto live = web1->registry.live_nodes();
  CHECK_TRUE(live.ok() && live->size() == 1);
  // A later answer waits for the live nodes only: no bound to sit out.
  CHECK_TRUE(publisher->publish(http01("t2", "t2.x")).ok());
  CHECK_TRUE(c.round(*web1).ok());
  AckReport r = ready("t2");
  CHECK_TRUE(r.go && r.all_acked);
  CHECK_TRUE((r.acked == Names{"web1"}));
}

TEST(ChallengePublisher, TheOrderingNodeItselfMustAckEvenUnregistered) {
  CHECK_TRUE(web1->registry.stop().ok());
  CHECK_TRUE(publisher->publish(http01("t1", "t1.x")).ok());
  CHECK_TRUE(c.round(*web2).ok());
  AckReport r = ready("t1");
  CHECK_FALSE(r.go);
  CHECK_TRUE((r.missing == Names{"web1"}));
}

// The module's ordering node serves its answer before publishing it
// (self_served): only the other nodes' acks are waited for.
TEST(ChallengePublisher, SelfServedWaitsForTheOtherNodesOnly) {
  ChallengePublisher::Options options;
  options.self_served = true;
  publisher = std::make_unique<ChallengePublisher>(*c.etcd, c.layout, fanout_key(), "web1", options,
                                                   &clock);
  CHECK_TRUE(publisher->publish(http01("t1", "t1.x")).ok());
  AckReport before = ready("t1");
  CHECK_FALSE(before.go);
  CHECK_TRUE((before.missing == Names{"web2"}));
  CHECK_TRUE(c.round(*web2).ok());
  AckReport after = ready("t1");
  CHECK_TRUE(after.go && after.all_acked);
  CHECK_TRUE((after.acked == Names{"web2"}));
}

// Every node acked, but each is restarting (its record says not ready for
// the CA): a balancer checking readiness would send the CA to any node, so
// the go waits for one to be ready again, or for no_ready_bound.
TEST(ChallengePublisher, AllAckedButNoneReadyWaitsForAReadyNode) {
  CHECK_TRUE(publisher->publish(http01("t1", "t1.x")).ok());
  CHECK_TRUE(c.round(*web1).ok());
  CHECK_TRUE(c.round(*web2).ok());
  CHECK_TRUE(web1->registry.set_ready(false).ok());  // restart announced
  CHECK_TRUE(web2->registry.set_ready(false).ok());
  AckReport waiting = ready("t1");
  CHECK_TRUE(waiting.all_acked);
  CHECK_FALSE(waiting.some_ready);
  CHECK_FALSE(waiting.go);
  clock.advance(Millis(5000));  // the ack bound does not lift it
  CHECK_FALSE(ready("t1").go);
  CHECK_TRUE(web2->registry.set_ready(true).ok());  // web2's next watchdog settled
  AckReport back = ready("t1");
  CHECK_TRUE(back.go && back.all_acked && back.some_ready);
}

TEST(ChallengePublisher, NoReadyNodeGoesAheadAfterItsBound) {
  CHECK_TRUE(web1->registry.set_ready(false).ok());
  CHECK_TRUE(web2->registry.set_ready(false).ok());
  CHECK_TRUE(publisher->publish(http01("t1", "t1.x")).ok());
  CHECK_TRUE(c.round(*web1).ok());
  CHECK_TRUE(c.round(*web2).ok());
  clock.advance(ChallengePublisher::kDefaultNoReadyBound - Millis(1));
  CHECK_FALSE(ready("t1").go);
  clock.advance(Millis(1));
  AckReport late = ready("t1");
  CHECK_TRUE(late.go && late.all_acked && !late.some_ready);
  std::string line = none_ready_message(http01("t1", "t1.x"), Millis(60000));
  CHECK_TEXT(line.find("example.org") != std::string::npos &&
                 line.find("60 s") != std::string::npos && line.find("t1") != std::string::npos,
             line.c_str());
}

// A ready node counts only once it serves the answer: the balancer may
// send the CA to it.
TEST(ChallengePublisher, AReadyNodeCountsOnceItAcked) {
  CHECK_TRUE(web1->registry.set_ready(false).ok());
  CHECK_TRUE(publisher->publish(http01("t1", "t1.x")).ok());
  CHECK_TRUE(c.round(*web1).ok());
  clock.advance(Millis(3000));  // past the ack bound: web2, ready, has not acked
  AckReport r = ready("t1");
  CHECK_FALSE(r.some_ready);
  CHECK_FALSE(r.go);
  CHECK_TRUE(c.round(*web2).ok());
  CHECK_TRUE(ready("t1").go);
}

// self_served: the ordering node serves its answer already, so its own
// record's readiness counts without an ack.
TEST(ChallengePublisher, SelfServedCountsItsOwnReadiness) {
  ChallengePublisher::Options options;
  options.self_served = true;
  publisher = std::make_unique<ChallengePublisher>(*c.etcd, c.layout, fanout_key(), "web1", options,
                                                   &clock);
  CHECK_TRUE(web2->registry.set_ready(false).ok());
  CHECK_TRUE(publisher->publish(http01("t1", "t1.x")).ok());
  CHECK_TRUE(c.round(*web2).ok());
  CHECK_TRUE(ready("t1").go);  // web1 itself is ready
  CHECK_TRUE(web1->registry.set_ready(false).ok());
  CHECK_FALSE(ready("t1").go);
}

// A node of a version before the "ready" field is taken as ready.
TEST(ChallengePublisher, ARecordWithoutReadyCountsAsReady) {
  CHECK_TRUE(web1->registry.set_ready(false).ok());
  CHECK_TRUE(web2->registry.set_ready(false).ok());
  CHECK_TRUE(publisher->publish(http01("t1", "t1.x")).ok());
  CHECK_TRUE(c.round(*web1).ok());
  CHECK_TRUE(c.round(*web2).ok());
  CHECK_FALSE(ready("t1").go);
  FakeEtcd::Entry& old = c.fake.kv_.at("/p/nodes/web2");
  old.value = "{\"node\":\"web2\",\"started\":1700000000,\"version\":\"0.9\"}";
  CHECK_TRUE(ready("t1").go);
}

TEST(ChallengePublisher, ErrorsNameTheKey) {
  c.fake.fail_status = 503;
  c.fake.fail_message = "etcdserver: no leader";
  Status s = publisher->publish(http01("t1", "t1.x"));
  CHECK_FALSE(s.ok());
  CHECK_TEXT(s.message().find("/p/challenges/t1") != std::string::npos, s.message().c_str());
  c.fake.fail_status = 0;
  CHECK_TRUE(publisher->publish(http01("t1", "t1.x")).ok());
  c.fake.fail_status = 503;
  auto r = publisher->ready("t1");
  CHECK_FALSE(r.ok());
  CHECK(r.status().message().find("/p/challenges/t1") != std::string::npos);
}

TEST(ChallengePublisher, RequireFiberRefusesOutsideAFiber) {
  ChallengePublisher::Options options;
  options.require_fiber = true;
  ChallengePublisher p(*c.etcd, c.layout, fanout_key(), "web1", options, &clock);
  const std::size_t requests = c.fake.paths.size();
  Status outside = p.publish(http01("t1", "t1.x"));
  CHECK_FALSE(outside.ok());
  CHECK(outside.message().find("/p/challenges/t1") != std::string::npos);
  LONGS_EQUAL(requests, c.fake.paths.size());  // no request was made
  Status inside;
  Result<AckReport> report = Status(Code::kPending, "not run");
  Fiber fiber([&] {
    inside = p.publish(http01("t1", "t1.x"));
    report = p.ready("t1");
  });
  while (fiber.resume()) {
  }
  CHECK_TRUE(inside.ok());
  CHECK_TRUE(report.ok());
}
