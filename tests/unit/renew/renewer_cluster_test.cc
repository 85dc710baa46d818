// The Renewer with an OrderCoordinator (a cluster): a scripted coordinator
// (a test double) says whether this node holds a certificate's lock, and
// records what the renewer asks of it.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "certset/cert_files.h"
#include "crypto/crypto_test_util.h"
#include "renew/order_coordinator.h"
#include "renew/renew_test_util.h"
#include "renew/renewer.h"
#include "store/layout.h"

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

using namespace acme;
using namespace acme::testing;

namespace {

class ScriptedCoordinator : public OrderCoordinator {
 public:
  explicit ScriptedCoordinator(Store& store) : store_(&store) {}
  // What a job reads under the lock (etcd), when it differs from the tick's view.
  void set_job_store(Store& store) { store_ = &store; }
  Claim answer = Claim::kGo;
  std::map<std::string, Claim> answers;  // by name; else `answer`
  Claim account_answer = Claim::kGo;
  std::string shared_seq;  // what shared_set_seen() says
  std::vector<std::string> calls;
  std::vector<std::string> published;  // cert names

  std::string shared_set_seen(const std::string&) override { return shared_seq; }
  Store& job_store(const std::string& name) override {
    calls.push_back("store " + name);
    return *store_;
  }
  Result<Claim> claim(const std::string& name, const std::string& seen) override {
    calls.push_back("claim " + name + " seen=" + seen);
    auto it = answers.find(name);
    return it != answers.end() ? it->second : answer;
  }
  Status publish(const std::string& name, const std::string& chain,
                 const std::string& key) override {
    CHECK(chain.find("BEGIN CERTIFICATE") != std::string::npos);
    CHECK(key.find("PRIVATE KEY") != std::string::npos);
    published.push_back(name);
    return Status();
  }
  void release(const std::string& name) override { calls.push_back("release " + name); }
  Result<Claim> claim_account(const std::string& ca) override {
    calls.push_back("account " + ca);
    return account_answer;
  }
  void release_account(const std::string& ca) override { calls.push_back("unaccount " + ca); }
  int count(const std::string& prefix) const {
    int n = 0;
    for (const auto& c : calls) n += c.rfind(prefix, 0) == 0;
    return n;
  }

 private:
  Store* store_;
};

}  // namespace

TEST_GROUP(RenewerCluster) {
  RenewHarness h;
  std::unique_ptr<ScriptedCoordinator> coordinator;
  std::unique_ptr<Renewer> renewer;

  void setup() override {
    make(Renewer::Options());
  }
  void make(Renewer::Options options) {
    coordinator = std::make_unique<ScriptedCoordinator>(h.store);
    options.request_poll = Seconds(365 * 86400);
    renewer = std::make_unique<Renewer>(
        h.store, h.table, h.activation, h.clock, h.log,
        [this](const CaSettings&) { return h.ca.client(); }, [] { return 0.5; }, options);
    renewer->set_coordinator(coordinator.get());
    renewer->set_certs({h.cert});
    renewer->start();
  }
  void run(int ticks) {
    for (int i = 0; i < ticks; ++i) {
      TimePoint wake = renewer->run_once();
      if (wake > h.clock.now()) h.clock.set(wake);
    }
  }
};

TEST(RenewerCluster, WhileAnotherNodeHoldsTheLockNothingIsAskedOfTheCa) {
  coordinator->answer = OrderCoordinator::Claim::kElsewhere;
  run(5);
  LONGS_EQUAL(0, h.ca.requests_seen());
  CHECK(coordinator->count("claim a.example") >= 2);  // looked at again, later
  CHECK_FALSE(has_staged(h.store, "a.example"));
  CHECK(coordinator->count("release a.example") >= 1);  // the job is dropped each time
}

// While this node's own request on the lock runs (a keep-alive), the job
// keeps its place and steps again shortly.
TEST(RenewerCluster, WhileItsOwnLockRequestRunsTheJobWaits) {
  coordinator->answer = OrderCoordinator::Claim::kWait;
  run(3);
  CHECK(coordinator->count("claim a.example") >= 2);
  LONGS_EQUAL(0, coordinator->count("release"));
  coordinator->answer = OrderCoordinator::Claim::kGo;
  run(30);
  CHECK_TEXT(has_staged(h.store, "a.example"), h.log_text().c_str());
}

// Nodes wait on each other's orders: a name another node orders gives its
// place under ACMEMaxParallel to one nobody orders yet.
TEST(RenewerCluster, ANameOrderedElsewhereFreesItsPlace) {
  Renewer::Options one;
  one.max_parallel = 1;
  make(one);
  ManagedCert b = managed_cert("b.example", {"b.example"}, h.ca.trust_anchor_file());
  renewer->set_certs({h.cert, b});
  coordinator->answers["a.example"] = OrderCoordinator::Claim::kElsewhere;
  run(30);
  CHECK_TEXT(has_staged(h.store, "b.example"), h.log_text().c_str());
  CHECK_FALSE(has_staged(h.store, "a.example"));
}

TEST(RenewerCluster, WithTheLockTheJobOrdersPublishesAndReleases) {
  coordinator->shared_seq = "20260101T000000Z-01";
  run(30);
  CHECK_TEXT(has_staged(h.store, "a.example"), h.log_text().c_str());
  LONGS_EQUAL(1, coordinator->published.size());
  STRCMP_EQUAL("a.example", coordinator->published[0].c_str());
  CHECK(coordinator->count("claim a.example seen=20260101T000000Z-01") > 0);
  LONGS_EQUAL(1, coordinator->count("release a.example"));
  LONGS_EQUAL(1, coordinator->count("account "));  // the first step registers, under its lock
  LONGS_EQUAL(1, coordinator->count("unaccount "));
}

TEST(RenewerCluster, AnotherNodeRenewedItTheJobIsDroppedWithoutAnOrder) {
  coordinator->answer = OrderCoordinator::Claim::kDone;
  run(1);
  LONGS_EQUAL(1, coordinator->count("release a.example"));
  CHECK_FALSE(has_staged(h.store, "a.example"));
  CHECK(coordinator->published.empty());
  // Only the directory (account step) may have been asked; no order.
  CHECK_FALSE(h.log.contains("ordering certificate"));
}

TEST(RenewerCluster, TheAccountOfACaIsRegisteredByOneNodeAtATime) {
  coordinator->account_answer = OrderCoordinator::Claim::kElsewhere;
  run(4);
  LONGS_EQUAL(0, h.ca.requests_seen());
  CHECK(coordinator->count("account ") >= 2);
  LONGS_EQUAL(0, coordinator->count("claim a.example"));  // never got as far as the job
  coordinator->account_answer = OrderCoordinator::Claim::kGo;
  run(30);
  CHECK_TEXT(has_staged(h.store, "a.example"), h.log_text().c_str());
}

// The tick's view (the mirror) still shows a job that its holder has ended
// since; under the lock etcd has none, and the live certificate is not due:
// no new order, and the name is looked at again later.
TEST(RenewerCluster, AJobEndedElsewhereMeanwhileIsNotOrderedAgain) {
  Issued root =
      issue("Root", nullptr, "", h.clock.now() - 400 * kDay, h.clock.now() + 400 * kDay, 1);
  Issued leaf = issue("a.example", &root, "DNS:a.example,DNS:www.a.example", h.clock.now() - kDay,
                      h.clock.now() + 89 * kDay, 7);
  CHECK(h.store.write("archive/a.example/1/cert.pem", leaf.cert.to_pem()).ok());
  CHECK(h.store.link("../archive/a.example/1", "live/a.example").ok());
  CHECK(h.store.write(layout::job_file("a.example"), "{}").ok());  // the mirror's stale view
  MemoryStore etcd_now;  // under the lock: the job is gone
  coordinator->set_job_store(etcd_now);
  run(3);
  CHECK_FALSE(h.log.contains("ordering certificate"));
  CHECK_TEXT(h.log.contains("ended on another node meanwhile"), h.log_text().c_str());
  CHECK(coordinator->count("release a.example") >= 1);
  LONGS_EQUAL(0, h.ca.requests_seen());
}
