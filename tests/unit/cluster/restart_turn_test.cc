// RestartTurn against FakeEtcd: one node at a time holds the cluster's
// restart turn; a node takes back its own; the next watchdog binds it to its
// lease; only the holder gives it up; a dead holder's lease frees it.
#include "cluster/restart_turn.h"

#include "cluster/fake_etcd.h"
#include "fakes/fake_http_client.h"

#include <CppUTest/TestHarness.h>

using namespace acme;
using acme::testing::FakeEtcd;
using acme::testing::FakeHttpClient;
using acme::testing::ForwardingHttpClient;

TEST_GROUP(RestartTurn) {
  FakeEtcd fake;
  FakeHttpClient http;
  std::unique_ptr<EtcdClient> etcd;
  EtcdLayout layout = *EtcdLayout::make("/p");
  void setup() override {
    http.handler = [this](const HttpRequest& r) { return fake.handle(r); };
    etcd = std::make_unique<EtcdClient>(std::vector<std::string>{"http://127.0.0.1:1"},
                                        std::make_unique<ForwardingHttpClient>(http));
  }
  long long lease() {
    return etcd->lease_grant(10)->id;
  }
  bool take(RestartTurn & turn, long long l) {
    auto got = turn.take(l);
    CHECK_TRUE(got.ok());
    return *got;
  }
};

TEST(RestartTurn, OneNodeAtATime) {
  RestartTurn web1(*etcd, layout, "web1"), web2(*etcd, layout, "web2");
  const long long l1 = lease(), l2 = lease();
  CHECK_TRUE(take(web1, l1));
  STRCMP_EQUAL("web1", fake.kv_.at("/p/restart").value.c_str());
  CHECK_TRUE(fake.kv_.at("/p/restart").lease == l1);
  CHECK_FALSE(take(web2, l2));
  STRCMP_EQUAL("web1", web2.holder().c_str());
  CHECK_TRUE(web2.release().ok());  // not web2's: stays
  STRCMP_EQUAL("web1", fake.kv_.at("/p/restart").value.c_str());
  CHECK_TRUE(web1.release().ok());
  CHECK_FALSE(fake.kv_.count("/p/restart"));
  CHECK_TRUE(take(web2, l2));
  CHECK_TRUE(web1.release().ok());  // gone or another's: nothing to do
  STRCMP_EQUAL("web2", fake.kv_.at("/p/restart").value.c_str());
}

// The turn a node took before its last restart is its own: taken again
// (and bound to the new lease), and bound to the next watchdog's lease.
TEST(RestartTurn, ANodesOwnTurnCarriesOverItsRestart) {
  RestartTurn before(*etcd, layout, "web1");
  const long long old_lease = lease();
  CHECK_TRUE(take(before, old_lease));
  RestartTurn next(*etcd, layout, "web1");
  const long long new_lease = lease();
  CHECK_TRUE(next.adopt(new_lease).ok());
  CHECK_TRUE(fake.kv_.at("/p/restart").lease == new_lease);
  fake.expire(old_lease);  // the watchdog before ended
  CHECK_TRUE(fake.kv_.count("/p/restart"));
  const long long newer = lease();
  CHECK_TRUE(take(next, newer));
  CHECK_TRUE(fake.kv_.at("/p/restart").lease == newer);
  RestartTurn web2(*etcd, layout, "web2");
  CHECK_TRUE(web2.adopt(lease()).ok());  // not web2's: left alone
  CHECK_TRUE(fake.kv_.at("/p/restart").lease == newer);
}

TEST(RestartTurn, ADeadHoldersLeaseFreesIt) {
  RestartTurn web1(*etcd, layout, "web1"), web2(*etcd, layout, "web2");
  const long long l1 = lease();
  CHECK_TRUE(take(web1, l1));
  fake.expire(l1);
  CHECK_TRUE(take(web2, lease()));
}

TEST(RestartTurn, ErrorsNameTheKey) {
  RestartTurn web1(*etcd, layout, "web1");
  fake.fail_status = 503;
  fake.fail_message = "etcdserver: no leader";
  auto got = web1.take(1);
  CHECK_FALSE(got.ok());
  CHECK_TEXT(got.status().message().find("/p/restart") != std::string::npos,
             got.status().message().c_str());
  CHECK_FALSE(web1.release().ok());
  CHECK_FALSE(web1.adopt(1).ok());
}
