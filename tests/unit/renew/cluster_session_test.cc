// ClusterSession: what a node's watchdog does for the challenge fan-out when
// it starts and when it ends (a graceful restart ends one watchdog and
// starts the next). Over FakeEtcd (tests/unit/cluster/fake_etcd.h); the
// watches point at a closed loopback port and never connect, so what a node
// serves comes from its ranges.
#include "renew/cluster_session.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/fake_clock.h"
#include "base/fiber.h"
#include "base/memory_log_sink.h"
#include "cluster/fake_etcd.h"
#include "crypto/base64url.h"
#include "fakes/fake_http_client.h"
#include "store/memory_store.h"

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

using namespace acme;
using namespace acme::testing;

namespace {

const TimePoint kStart = from_unix(1767225600);  // 2026-01-01T00:00:00Z
constexpr std::uint64_t kGeneration = 4;         // httpd's, for the kAnswering mark

template <class Table, class... Slots>
struct TableMemory {
  explicit TableMemory(Slots... slots)
      : memory(Table::region_size(slots...) / 8 + 1),
        table(*Table::format(memory.data(), memory.size() * 8, slots...)) {}
  std::vector<std::uint64_t> memory;
  Table table;
};

ChallengeAnswer http01(const std::string& token) {
  ChallengeAnswer a;
  a.kind = ChallengeKind::kHttp01;
  a.identifier = "a.example";
  a.token = token;
  a.answer = token + ".thumbprint";
  return a;
}

}  // namespace

TEST_GROUP(ClusterSession) {
  FakeEtcd fake;
  FakeHttpClient http;  // what every etcd client of the test talks to
  bool store_down = false;
  bool answers_down = false;
  bool leases_down = false;  // no lease granted: the node cannot register
  FakeClock clock{kStart};
  MemoryLogSink log;
  MemoryStore files;
  TableMemory<ChallengeTable, std::size_t> table{8};
  TableMemory<AlpnCertTable, std::size_t> alpn{4};
  TableMemory<ActivationSignal> signal;
  ClusterSettings settings;
  ClusterKey key = *ClusterKey::from_bytes(std::string(ClusterKey::kKeyBytes, 'k'));
  EtcdLayout layout = *EtcdLayout::make("/p");
  // Another node, web2, publishing an answer of its order.
  std::unique_ptr<EtcdClient> other_etcd;
  std::unique_ptr<ChallengePublisher> other;

  void setup() override {
    // A range over the shared store fails while store_down; the rest works.
    const std::string store_key = base64_encode(layout.store_root());
    const std::string answers_key = base64_encode(layout.challenges());
    http.handler = [this, store_key, answers_key](const HttpRequest& r) -> Result<HttpResponse> {
      const bool range = r.url.find("/v3/kv/range") != std::string::npos;
      if (store_down && range && r.body.find(store_key) != std::string::npos)
        return Status(Code::kNetwork, "store range refused");
      if (answers_down && range && r.body.find(answers_key) != std::string::npos)
        return Status(Code::kNetwork, "answers range refused");
      if (leases_down && r.url.find("/v3/lease/grant") != std::string::npos)
        return Status(Code::kNetwork, "lease grant refused");
      return fake.handle(r);
    };
    settings.enabled = true;
    settings.endpoints = {"http://127.0.0.1:1"};
    settings.prefix = "/p";
    settings.node_name = "web1";
    other_etcd = std::make_unique<EtcdClient>(settings.endpoints,
                                              std::make_unique<ForwardingHttpClient>(http));
    other = std::make_unique<ChallengePublisher>(*other_etcd, layout, key, "web2",
                                                 ChallengePublisher::Options(), &clock);
  }
  std::unique_ptr<ClusterSession> start_node() {
    return std::make_unique<ClusterSession>(ClusterSession::Parts{
        settings, key, files, table.table, alpn.table, signal.table, clock, log,
        std::make_unique<ForwardingHttpClient>(http), nullptr, kGeneration});
  }
  bool serves(const std::string& token) {
    std::string value;
    return table.table.lookup("a.example", token, &value) && value == token + ".thumbprint";
  }
  bool registered(const std::string& node) {
    EtcdRange r;
    r.key = layout.node(node);
    auto got = other_etcd->range(r);
    return got.ok() && got->kvs.size() == 1;
  }
  // The publisher's ack report names node among the acked.
  bool acked_by(const std::string& token, const std::string& node) {
    auto report = other->ready(token);
    if (!report.ok()) return false;
    for (const auto& n : report->acked)
      if (n == node) return true;
    return false;
  }
  // What the renewer's claim says (in a fiber, as the renewer's steps run).
  OrderCoordinator::Claim claim(ClusterSession & node, const std::string& name) {
    Result<OrderCoordinator::Claim> got = Status(Code::kPending, "not run");
    Fiber fiber([&] { got = node.claim(name, ""); });
    fiber.resume();
    CHECK_TRUE(fiber.done());
    CHECK_TRUE(got.ok());
    return *got;
  }
  int requests_to(const std::string& path) {
    int n = 0;
    for (const auto& p : fake.paths) n += p == path;
    return n;
  }
};

// A restarting node must serve and ack other nodes' answers as soon as it
// can: it loads them, registers and acks without waiting for the shared
// store (megabytes at a thousand names), and the renewer does not start.
TEST(ClusterSession, AnswersServedAndAckedBeforeTheStoreLoads) {
  CHECK_TRUE(other->publish(http01("tok1")).ok());
  store_down = true;
  auto node = start_node();
  for (int i = 0; i < 3; ++i) node->tick({});

  CHECK_TRUE(serves("tok1"));
  CHECK_TRUE(registered("web1"));
  CHECK_TRUE(acked_by("tok1", "web1"));
  CHECK_FALSE(node->ready());

  store_down = false;
  clock.advance(std::chrono::seconds(3));  // past the retry pause
  node->tick({});
  CHECK_TRUE(node->ready());
}

// A graceful restart ends the watchdog: its registration stays, so an order
// of another node still waits for this node's ack; the next watchdog
// registers again under a new lease, acks again and orders without the
// join grace of a first start.
TEST(ClusterSession, EndingKeepsTheRegistrationTheNextOneRenewsIt) {
  auto node = start_node();
  node->tick({});
  CHECK_TRUE(registered("web1"));
  CHECK_FALSE(node->settled());  // a node's first start: the join grace
  clock.advance(ClusterSession::kJoinGrace);
  CHECK_TRUE(node->settled());
  const long long first_lease = fake.kv_.at(layout.node("web1")).lease;
  node.reset();
  CHECK_EQUAL(0, requests_to("/v3/lease/revoke"));
  CHECK_TRUE(registered("web1"));

  CHECK_TRUE(other->publish(http01("tok2")).ok());
  auto waiting = other->ready("tok2");
  CHECK_TRUE(waiting.ok());
  CHECK_FALSE(waiting->go);  // web1 is live and has not acked
  CHECK_EQUAL(std::string("web1"), waiting->missing.front());

  auto next = start_node();
  next->tick({});
  CHECK_TRUE(next->settled());  // no grace: every node counted this one all along
  const long long second_lease = fake.kv_.at(layout.node("web1")).lease;
  CHECK(second_lease != first_lease);
  fake.expire(first_lease);  // the ended watchdog's lease runs out
  CHECK_TRUE(registered("web1"));
  CHECK_TRUE(acked_by("tok2", "web1"));
  CHECK_TRUE(serves("tok2"));
}

// The order a node's ended watchdog was working on stays with the node: the
// next watchdog takes its lock over (another node could not), while the
// lock of a job that ended is given up.
TEST(ClusterSession, AnOrderInProgressStaysWithTheNodeAcrossARestart) {
  auto node = start_node();
  node->tick({});
  CHECK_TRUE(OrderCoordinator::Claim::kGo == claim(*node, "a.example"));
  CHECK_TRUE(OrderCoordinator::Claim::kGo == claim(*node, "b.example"));
  node->release("b.example");  // b's job ended
  node.reset();
  CHECK_EQUAL(1u, fake.kv_.count(layout.lock("a.example")));
  CHECK_EQUAL(0u, fake.kv_.count(layout.lock("b.example")));

  auto next = start_node();
  next->tick({});
  CHECK_TRUE(OrderCoordinator::Claim::kGo == claim(*next, "a.example"));
}

// Every lock of a watchdog is bound to its one lease: one grant for the
// locks however many there are (the other grant is the registration's), and
// the renewal is one keep-alive for all of them (here from the tick: no
// keeper thread in this test).
TEST(ClusterSession, AllLocksOfAWatchdogShareOneLease) {
  auto node = start_node();
  node->tick({});
  const int grants = requests_to("/v3/lease/grant");
  CHECK_TRUE(OrderCoordinator::Claim::kGo == claim(*node, "a.example"));
  CHECK_TRUE(OrderCoordinator::Claim::kGo == claim(*node, "b.example"));
  CHECK_TRUE(OrderCoordinator::Claim::kGo == claim(*node, "c.example"));
  LONGS_EQUAL(grants + 1, requests_to("/v3/lease/grant"));
  const long long lease = fake.kv_.at(layout.lock("a.example")).lease;
  CHECK_TRUE(fake.kv_.at(layout.lock("b.example")).lease == lease);
  CHECK_TRUE(fake.kv_.at(layout.lock("c.example")).lease == lease);
  const int before = requests_to("/v3/lease/keepalive");
  clock.advance(Seconds(4));
  node->tick({});
  // The registration's renewal and the locks' one.
  LONGS_EQUAL(before + 2, requests_to("/v3/lease/keepalive"));
}

// The locks' lease ended (keep-alives too late): said once, naming how many
// locks went with it; the next claim binds a free lock to a new lease.
TEST(ClusterSession, AnEndedLockLeaseIsSaidOnceAndTheNextClaimTakesANewOne) {
  auto node = start_node();
  node->tick({});
  CHECK_TRUE(OrderCoordinator::Claim::kGo == claim(*node, "a.example"));
  CHECK_TRUE(OrderCoordinator::Claim::kGo == claim(*node, "b.example"));
  const long long ended = fake.kv_.at(layout.lock("a.example")).lease;
  fake.expire(ended);
  clock.advance(Seconds(4));
  node->tick({});  // the renewal learns it ended
  node->tick({});
  CHECK_TRUE(log.contains("the lease of this node's locks ended, and 2 lock(s) with it"));
  CHECK_TRUE(log.contains("keep-alives came too late"));
  node->tick({});
  CHECK_EQUAL(1, log.count("the lease of this node's locks ended"));
  CHECK_TRUE(OrderCoordinator::Claim::kGo == claim(*node, "a.example"));
  CHECK(fake.kv_.at(layout.lock("a.example")).lease != ended);
}

// A watchdog ending with no order in progress revokes its locks' lease; one
// with an order in progress keeps it for the next watchdog to take over.
TEST(ClusterSession, TheLockLeaseGoesWithTheLastOrder) {
  auto node = start_node();
  node->tick({});
  CHECK_TRUE(OrderCoordinator::Claim::kGo == claim(*node, "a.example"));
  const long long lease = fake.kv_.at(layout.lock("a.example")).lease;
  node->release("a.example");
  node.reset();
  CHECK_EQUAL(0u, fake.kv_.count(layout.lock("a.example")));
  CHECK_EQUAL(0u, fake.leases_.count(lease));
}

// A node registers before it has loaded the answers: from then on another
// node's order waits for its ack instead of letting the CA reach a node
// that would answer 404.
TEST(ClusterSession, RegistersBeforeItServesTheAnswers) {
  answers_down = true;
  auto node = start_node();
  node->tick({});
  CHECK_TRUE(registered("web1"));
  CHECK_TRUE(other->publish(http01("tok3")).ok());
  auto waiting = other->ready("tok3");
  CHECK_TRUE(waiting.ok());
  CHECK_FALSE(waiting->go);
  CHECK_FALSE(serves("tok3"));
  CHECK_FALSE(signal.table.answering(kGeneration));  // the balancer keeps the CA away

  answers_down = false;
  clock.advance(std::chrono::seconds(3));  // past the retry pause
  node->tick({});
  CHECK_TRUE(serves("tok3"));
  CHECK_TRUE(acked_by("tok3", "web1"));
  CHECK_TRUE(signal.table.answering(kGeneration));
}

// Answering, the watchdog beats (from its tick here; in httpd also from its
// keeper's thread): the readiness answer needs both the mark and a beat.
TEST(ClusterSession, BeatsOnceItServesEveryAnswer) {
  answers_down = true;
  auto node = start_node();
  node->tick({});
  CHECK_FALSE(signal.table.beating(ActivationSignal::steady_ms()));
  answers_down = false;
  clock.advance(std::chrono::seconds(3));
  node->tick({});
  CHECK_TRUE(signal.table.ready_for_ca(kGeneration, ActivationSignal::steady_ms()));
  CHECK_FALSE(signal.table.ready_for_ca(
      kGeneration, ActivationSignal::steady_ms() + ActivationSignal::kBeatStaleMs + 1000));
}

// The readiness a node's children report (shm/activation_signal.h,
// kAnswering): only once the node is registered and serves every published
// answer. Answers loaded while no lease is granted are not enough: no order
// of another node waits for this node's ack, so the CA must not come here.
// The next generation's children wait for their own watchdog.
TEST(ClusterSession, ReadyForTheCaOnceRegisteredAndServingEveryAnswer) {
  CHECK_TRUE(other->publish(http01("tok4")).ok());
  leases_down = true;
  auto node = start_node();
  node->tick({});
  CHECK_TRUE(serves("tok4"));
  CHECK_FALSE(registered("web1"));
  CHECK_FALSE(node->answering());
  CHECK_FALSE(signal.table.answering(kGeneration));

  leases_down = false;
  clock.advance(std::chrono::seconds(4));  // the registration's next try
  node->tick({});
  CHECK_TRUE(registered("web1"));
  CHECK_TRUE(signal.table.answering(kGeneration));
  CHECK_FALSE(signal.table.answering(kGeneration + 1));
}

// The node's record in etcd tells the ordering nodes whether the balancer
// may send the CA here (cluster/challenge_publisher.h): "ready" a second
// after the readiness answer says so, "not ready" as soon as an activation
// restart is announced, which the watchdog looks for every 250 ms.
TEST(ClusterSession, TheRecordFollowsTheReadinessAnswerASecondLate) {
  auto node = start_node();
  auto record_ready = [this] {
    auto nodes = NodeRegistry(*other_etcd, layout, "reader").live_nodes();
    CHECK_TRUE(nodes.ok() && nodes->size() == 1);
    return (*nodes)[0].ready;
  };
  node->tick({});
  CHECK_TRUE(signal.table.answering(kGeneration));
  node->tick({});
  CHECK_FALSE(record_ready());
  CHECK_TRUE(node->next_look(clock.now()) == clock.now() + ClusterSession::kReadySettle);
  clock.advance(Millis(999));
  node->tick({});
  CHECK_FALSE(record_ready());
  clock.advance(Millis(1));
  node->tick({});
  CHECK_TRUE(record_ready());
  CHECK_TRUE(log.contains("this node is ready for the CA's validations"));
  CHECK_TRUE(node->next_look(clock.now()) == clock.now() + ClusterSession::kReadyLook);

  signal.table.mark(ActivationSignal::kRestartAnnounced, kGeneration);
  clock.advance(ClusterSession::kReadyLook);
  node->tick({});
  CHECK_FALSE(record_ready());
  CHECK_TRUE(log.contains("this node is not ready for the CA's validations"));
  CHECK_TRUE(node->next_look(clock.now()) == TimePoint::max());  // nothing to follow now
}

// The next watchdog of the node (a graceful restart) registers its own
// record, not ready until its readiness answer says so; the watchdog before,
// still ending, leaves it alone.
TEST(ClusterSession, TheNextWatchdogsRecordIsItsOwn) {
  auto before = start_node();
  before->tick({});
  before->tick({});
  clock.advance(ClusterSession::kReadySettle);
  before->tick({});
  signal.table.mark(ActivationSignal::kRestartAnnounced, kGeneration);
  auto next = std::make_unique<ClusterSession>(ClusterSession::Parts{
      settings, key, files, table.table, alpn.table, signal.table, clock, log,
      std::make_unique<ForwardingHttpClient>(http), nullptr, kGeneration + 1});
  next->tick({});
  next->tick({});
  clock.advance(ClusterSession::kReadySettle);
  next->tick({});
  auto nodes = NodeRegistry(*other_etcd, layout, "reader").live_nodes();
  CHECK_TRUE(nodes.ok() && nodes->size() == 1 && (*nodes)[0].ready);
  before->tick({});  // sees its announce only now
  nodes = NodeRegistry(*other_etcd, layout, "reader").live_nodes();
  CHECK_TRUE(nodes.ok() && nodes->size() == 1 && (*nodes)[0].ready);
}

// The parent wants an activation restart: the watchdog takes the cluster's
// restart turn (one node at a time) and marks it for the parent; while
// another node holds it, it waits, looking every 250 ms, and says whom for.
TEST(ClusterSession, TakesTheRestartTurnWhenNoOtherNodeRestarts) {
  auto node = start_node();
  node->tick({});
  RestartTurn web2(*other_etcd, layout, "web2");
  auto held = web2.take(other_etcd->lease_grant(10)->id);
  CHECK_TRUE(held.ok() && *held);
  signal.table.mark(ActivationSignal::kRestartWanted, kGeneration);
  node->tick({});
  CHECK_FALSE(signal.table.marked(ActivationSignal::kRestartTurn, kGeneration));
  CHECK_TRUE(log.contains("waits for node web2 to restart"));
  CHECK_TRUE(node->next_look(clock.now()) == clock.now() + ClusterSession::kReadyLook);
  CHECK_TRUE(web2.release().ok());
  node->tick({});
  CHECK_TRUE(signal.table.marked(ActivationSignal::kRestartTurn, kGeneration));
  STRCMP_EQUAL("web1", fake.kv_.at("/p/restart").value.c_str());
}

// The node's next watchdog keeps the turn under its own lease while the
// restart goes on, and gives it up once its record says ready for the CA:
// then the next node may restart.
TEST(ClusterSession, TheNextWatchdogGivesTheTurnUpOnceReady) {
  auto before = start_node();
  before->tick({});
  signal.table.mark(ActivationSignal::kRestartWanted, kGeneration);
  before->tick({});
  CHECK_TRUE(signal.table.marked(ActivationSignal::kRestartTurn, kGeneration));
  const long long old_lease = fake.kv_.at("/p/restart").lease;
  auto next = std::make_unique<ClusterSession>(ClusterSession::Parts{
      settings, key, files, table.table, alpn.table, signal.table, clock, log,
      std::make_unique<ForwardingHttpClient>(http), nullptr, kGeneration + 1});
  next->tick({});
  CHECK_TRUE(fake.kv_.at("/p/restart").lease == fake.kv_.at("/p/nodes/web1").lease);
  CHECK_FALSE(fake.kv_.at("/p/restart").lease == old_lease);
  before->tick({});  // the ending watchdog does not give it up
  next->tick({});
  CHECK_TRUE(fake.kv_.count("/p/restart"));
  clock.advance(ClusterSession::kReadySettle);
  next->tick({});
  CHECK_FALSE(fake.kv_.count("/p/restart"));
}
