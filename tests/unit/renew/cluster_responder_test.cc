// ClusterResponder against FakeEtcd with two nodes (web1 orders, web2 does
// not): kPending until every live node serves and acks the answer, go past
// the bound with one ACME10200 line naming the silent node, withdraw through
// etcd, the tls-alpn-01 certificate and key of the local responder shared,
// local errors and etcd errors passed on, the publisher's require_fiber.
#include "renew/cluster_responder.h"

#include <cstdint>
#include <memory>
#include <vector>

#include "base/fake_clock.h"
#include "base/fiber.h"
#include "base/memory_log_sink.h"
#include "cluster/fanout_cluster.h"

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

using namespace acme;
using namespace acme::testing;

namespace {

const Identifier kId{"dns", "example.org"};

int lines_numbered(const MemoryLogSink& log, int msgno) {
  int n = 0;
  for (const auto& l : log.lines) n += l.msgno == msgno ? 1 : 0;
  return n;
}

}  // namespace

TEST_GROUP(ClusterResponder) {
  FanoutCluster c;
  FakeClock clock{from_unix(1767225600)};
  MemoryLogSink log;
  std::unique_ptr<FanoutNode> web1, web2;  // web1 orders
  std::unique_ptr<ChallengePublisher> publisher;
  std::vector<std::uint64_t> http_mem, alpn_mem;
  ChallengeTable http_table;
  AlpnCertTable alpn_table;
  std::unique_ptr<Http01Responder> http01;
  std::unique_ptr<TlsAlpn01Responder> alpn;
  void setup() override {
    web1 = c.join("web1");
    web2 = c.join("web2");
    ChallengePublisher::Options options;
    options.bound = Millis(3000);
    publisher = std::make_unique<ChallengePublisher>(*c.etcd, c.layout, fanout_key(), "web1",
                                                     options, &clock);
    http_mem.assign(ChallengeTable::region_size(4) / 8 + 1, 0);
    http_table = *ChallengeTable::format(http_mem.data(), http_mem.size() * 8, 4);
    alpn_mem.assign(AlpnCertTable::region_size(4) / 8 + 1, 0);
    alpn_table = *AlpnCertTable::format(alpn_mem.data(), alpn_mem.size() * 8, 4);
    http01 = std::make_unique<Http01Responder>(http_table);
    alpn = std::make_unique<TlsAlpn01Responder>(alpn_table, clock);
  }
  void rounds() {
    CHECK_TRUE(c.round(*web1).ok());
    CHECK_TRUE(c.round(*web2).ok());
  }
  bool in_etcd(const std::string& token) const {
    return c.fake.kv_.count("/p/challenges/" + token) != 0;
  }
};

TEST(ClusterResponder, DelegatesTypeAndCanAnswer) {
  ClusterResponder h(*http01, *publisher, log), t(*alpn, *publisher, log);
  STRCMP_EQUAL("http-01", h.type());
  STRCMP_EQUAL("tls-alpn-01", t.type());
  CHECK_FALSE(h.can_answer(kId, true));  // wildcards: dns-01 only
  CHECK_TRUE(t.can_answer({"ip", "192.0.2.1"}, false));
  alpn->answer_only({"other.example"});
  CHECK_FALSE(t.can_answer(kId, false));
  CHECK_FALSE(h.poll());
}

TEST(ClusterResponder, PendingUntilEveryLiveNodeAcked) {
  ClusterResponder r(*http01, *publisher, log);
  Status first = r.publish(kId, "t1", "t1.thumb");
  CHECK_TRUE(first.code() == Code::kPending);
  CHECK_TEXT(first.message().find("web1, web2") != std::string::npos, first.message().c_str());
  CHECK_TEXT(first.message().find("t1") != std::string::npos, first.message().c_str());
  std::string served;
  CHECK_TRUE(http_table.lookup("example.org", "t1", &served) && served == "t1.thumb");
  CHECK_TRUE(in_etcd("t1"));
  CHECK_TRUE(c.round(*web1).ok());
  Status half = r.publish(kId, "t1", "t1.thumb");
  CHECK_TRUE(half.code() == Code::kPending);
  CHECK_TEXT(half.message().find("node(s) web2 ") != std::string::npos, half.message().c_str());
  CHECK_TRUE(c.round(*web2).ok());
  CHECK_TRUE(web2->sink.serves("t1", "t1.thumb"));
  Status all = r.publish(kId, "t1", "t1.thumb");
  CHECK_TEXT(all.ok(), all.to_string().c_str());
  LONGS_EQUAL(0, lines_numbered(log, kMsgClusterChallenge));
}

// Every node serves the answer but each is restarting: pending, saying so;
// past the publisher's no-ready bound the CA is told, with one warning.
TEST(ClusterResponder, NoNodeReadyForTheCaKeepsItPendingThenGoesAheadLoggedOnce) {
  CHECK_TRUE(web1->registry.set_ready(false).ok());
  CHECK_TRUE(web2->registry.set_ready(false).ok());
  ClusterResponder r(*http01, *publisher, log);
  Status first = r.publish(kId, "t1", "t1.thumb");
  CHECK_TRUE(first.code() == Code::kPending);
  CHECK_TEXT(first.message().find("web1, web2 to serve it from etcd, and for a node ready for "
                                  "the CA,") != std::string::npos,
             first.message().c_str());
  rounds();
  Status waiting = r.publish(kId, "t1", "t1.thumb");
  CHECK_TRUE(waiting.code() == Code::kPending);
  CHECK_TEXT(waiting.message().find("waits for a node ready for the CA") != std::string::npos,
             waiting.message().c_str());
  clock.advance(ChallengePublisher::kDefaultNoReadyBound);
  Status late = r.publish(kId, "t1", "t1.thumb");
  CHECK_TEXT(late.ok(), late.to_string().c_str());
  CHECK_TRUE(r.publish(kId, "t1", "t1.thumb").ok());
  LONGS_EQUAL(1, lines_numbered(log, kMsgClusterChallenge));
  const MemoryLogSink::Line& line = log.lines.back();
  CHECK_TRUE(line.level == LogLevel::kWarn);
  CHECK_TEXT(line.message.find("no node that serves it was ready for the CA within 60 s") !=
                 std::string::npos,
             line.message.c_str());
}

TEST(ClusterResponder, AfterGoTheStepsWhileTheCaValidatesAskEtcdNothing) {
  ClusterResponder r(*http01, *publisher, log);
  CHECK_TRUE(r.publish(kId, "t1", "t1.thumb").code() == Code::kPending);
  rounds();
  CHECK_TRUE(r.publish(kId, "t1", "t1.thumb").ok());
  auto web3 = c.join("web3");  // has not acked: no matter once the CA was told
  const std::size_t requests = c.fake.paths.size();
  CHECK_TRUE(r.publish(kId, "t1", "t1.thumb").ok());
  LONGS_EQUAL(requests, c.fake.paths.size());
}

TEST(ClusterResponder, PastTheBoundGoesAheadAndLogsTheMissingNodeOnce) {
  ClusterResponder r(*http01, *publisher, log);
  CHECK_TRUE(r.publish(kId, "t1", "t1.thumb").code() == Code::kPending);
  CHECK_TRUE(c.round(*web1).ok());  // web2's watchdog never gets to it
  clock.advance(Millis(2999));
  CHECK_TRUE(r.publish(kId, "t1", "t1.thumb").code() == Code::kPending);
  LONGS_EQUAL(0, lines_numbered(log, kMsgClusterChallenge));
  clock.advance(Millis(1));
  Status late = r.publish(kId, "t1", "t1.thumb");
  CHECK_TEXT(late.ok(), late.to_string().c_str());
  CHECK_TRUE(r.publish(kId, "t1", "t1.thumb").ok());
  LONGS_EQUAL(1, lines_numbered(log, kMsgClusterChallenge));
  const MemoryLogSink::Line& line = log.lines.back();
  CHECK_TRUE(line.level == LogLevel::kWarn);
  CHECK_TEXT(line.message.find("web2") != std::string::npos &&
                 line.message.find("web1") == std::string::npos &&
                 line.message.find("example.org") != std::string::npos &&
                 line.message.find("t1") != std::string::npos,
             line.message.c_str());
}

TEST(ClusterResponder, WithdrawRemovesTheAnswerFromEtcdAndEveryNode) {
  ClusterResponder r(*http01, *publisher, log);
  CHECK_TRUE(r.publish(kId, "t1", "t1.thumb").code() == Code::kPending);
  CHECK_TRUE(r.publish(kId, "t2", "t2.thumb").code() == Code::kPending);
  rounds();
  r.withdraw(kId, "t1");
  std::string served;
  CHECK_FALSE(http_table.lookup("example.org", "t1", &served));
  CHECK_FALSE(in_etcd("t1"));
  CHECK_FALSE(c.fake.kv_.count("/p/acks/t1/web2"));
  CHECK_TRUE(in_etcd("t2"));
  rounds();
  CHECK_FALSE(web2->sink.served.count("t1"));
  CHECK_TRUE(web2->sink.serves("t2", "t2.thumb"));
  LONGS_EQUAL(0u, r.left_in_etcd());
  CHECK_TRUE(log.lines.empty());
}

TEST(ClusterResponder, TlsAlpn01SharesTheCertificateAndKeyTheLocalResponderServes) {
  ClusterResponder r(*alpn, *publisher, log);
  CHECK_TRUE(r.publish(kId, "t1", "t1.thumb").code() == Code::kPending);
  std::string local;
  CHECK_TRUE(alpn_table.get("example.org", &local));
  std::string cert, key;
  CHECK_TRUE(split_challenge_pems(local, &cert, &key));
  CHECK(c.fake.kv_.at("/p/challenges/t1").value.find("PRIVATE KEY") == std::string::npos);
  rounds();
  const ChallengeAnswer& shared = web2->sink.served.at("t1");
  CHECK_TRUE(shared.kind == ChallengeKind::kTlsAlpn01);
  STRCMP_EQUAL("example.org", shared.identifier.c_str());
  CHECK_TRUE(shared.answer == local);
  CHECK_TRUE(r.publish(kId, "t1", "t1.thumb").ok());
  r.withdraw(kId, "t1");
  CHECK_FALSE(alpn_table.get("example.org", &local));
  CHECK_FALSE(in_etcd("t1"));
}

TEST(ClusterResponder, LocalErrorIsPassedOnAndNothingPublished) {
  ClusterResponder r(*alpn, *publisher, log);
  CHECK_TRUE(r.publish(kId, "t1", "t1.thumb").code() == Code::kPending);
  const std::size_t requests = c.fake.paths.size();
  // One certificate per server name: a second order's token waits (kIo).
  Status busy = r.publish(kId, "t2", "t2.thumb");
  CHECK_TRUE(busy.code() == Code::kIo);
  CHECK_TEXT(busy.message().find("busy") != std::string::npos, busy.message().c_str());
  alpn->answer_only({"other.example"});
  Status refused = r.publish({"dns", "a.example"}, "t3", "t3.thumb");
  CHECK_TRUE(refused.code() == Code::kInvalidArgument);
  LONGS_EQUAL(requests, c.fake.paths.size());
  CHECK_FALSE(in_etcd("t2") || in_etcd("t3"));
}

TEST(ClusterResponder, EtcdAwayIsAnErrorNamingTheCause) {
  ClusterResponder r(*http01, *publisher, log);
  c.fake.fail_status = 503;
  c.fake.fail_message = "etcdserver: no leader";
  Status s = r.publish(kId, "t1", "t1.thumb");
  CHECK_FALSE(s.ok() || s.code() == Code::kPending);
  CHECK_TEXT(s.message().find("no leader") != std::string::npos &&
                 s.message().find("example.org") != std::string::npos,
             s.message().c_str());
  c.fake.fail_status = 0;
  CHECK_TRUE(r.publish(kId, "t1", "t1.thumb").code() == Code::kPending);
  c.fake.fail_status = 503;  // the acks cannot be read
  Status read = r.publish(kId, "t1", "t1.thumb");
  CHECK_FALSE(read.ok() || read.code() == Code::kPending);
  CHECK_TEXT(read.message().find("no leader") != std::string::npos, read.message().c_str());
}

TEST(ClusterResponder, FailedWithdrawalIsLoggedOnceAndRetriedWhenEtcdAnswers) {
  ClusterResponder r(*http01, *publisher, log);
  CHECK_TRUE(r.publish(kId, "t1", "t1.thumb").code() == Code::kPending);
  c.fake.fail_status = 503;
  c.fake.fail_message = "etcdserver: no leader";
  r.withdraw(kId, "t1");
  std::string served;
  CHECK_FALSE(http_table.lookup("example.org", "t1", &served));  // locally gone at once
  CHECK_TRUE(in_etcd("t1"));
  LONGS_EQUAL(1u, r.left_in_etcd());
  LONGS_EQUAL(1, lines_numbered(log, kMsgClusterWithdraw));
  CHECK_TRUE(log.lines.back().level == LogLevel::kWarn);
  CHECK_TEXT(log.contains("t1") && log.contains("no leader"), log.lines.back().message.c_str());
  CHECK_FALSE(r.publish(kId, "t2", "t2.thumb").ok());  // still away: no second line
  LONGS_EQUAL(1, lines_numbered(log, kMsgClusterWithdraw));
  c.fake.fail_status = 0;
  CHECK_TRUE(r.publish(kId, "t2", "t2.thumb").code() == Code::kPending);
  CHECK_FALSE(in_etcd("t1"));
  CHECK_TRUE(in_etcd("t2"));
  LONGS_EQUAL(0u, r.left_in_etcd());
}

TEST(ClusterResponder, RunsInTheJobsFiberWhenThePublisherRequiresOne) {
  ChallengePublisher::Options options;
  options.require_fiber = true;
  ChallengePublisher strict(*c.etcd, c.layout, fanout_key(), "web1", options, &clock);
  ClusterResponder r(*http01, strict, log);
  Status outside = r.publish(kId, "t1", "t1.thumb");
  CHECK_TEXT(outside.code() == Code::kInvalidArgument, outside.to_string().c_str());
  CHECK_FALSE(in_etcd("t1"));
  Status inside;
  Fiber fiber([&] { inside = r.publish(kId, "t1", "t1.thumb"); });
  while (fiber.resume()) {
  }
  CHECK_TEXT(inside.code() == Code::kPending, inside.to_string().c_str());
  CHECK_TRUE(in_etcd("t1"));
}
