// NodeRegistry against FakeEtcd: registration under a lease, the live list,
// expiry, re-registration after a lost lease, stop.
#include "cluster/node_registry.h"

#include "base/fake_clock.h"
#include "cluster/fake_etcd.h"
#include "fakes/fake_http_client.h"
#include "json/json.h"

#include <CppUTest/TestHarness.h>

using namespace acme;
using acme::testing::FakeEtcd;
using acme::testing::FakeHttpClient;
using acme::testing::ForwardingHttpClient;

TEST_GROUP(NodeRegistry) {
  FakeEtcd fake;
  FakeHttpClient http;
  std::unique_ptr<EtcdClient> etcd;
  FakeClock clock{from_unix(1700000000)};
  EtcdLayout layout = *EtcdLayout::make("/p");
  void setup() override {
    http.handler = [this](const HttpRequest& r) { return fake.handle(r); };
    etcd = std::make_unique<EtcdClient>(std::vector<std::string>{"http://127.0.0.1:1"},
                                        std::make_unique<ForwardingHttpClient>(http));
  }
  std::vector<std::string> live() {
    auto nodes = NodeRegistry(*etcd, layout, "reader").live_nodes();
    CHECK_TRUE(nodes.ok());
    std::vector<std::string> names;
    for (const auto& n : *nodes) names.push_back(n.name);
    return names;
  }
};

TEST(NodeRegistry, RegistersUnderALeaseWithItsRecord) {
  NodeRegistry web1(*etcd, layout, "web1", 6, &clock);
  CHECK_TRUE(web1.start().ok());
  CHECK_TRUE(web1.registered());
  const FakeEtcd::Entry& e = fake.kv_.at("/p/nodes/web1");
  CHECK_TRUE(e.lease == web1.lease());
  LONGS_EQUAL(6, fake.leases_.at(web1.lease()));
  auto j = Json::parse(e.value);
  STRCMP_EQUAL("web1", j->get_string_or("node", "").c_str());
  LONGS_EQUAL(1700000000, j->get_int_or("started", 0));
  STRCMP_EQUAL(ACME_VERSION, j->get_string_or("version", "").c_str());
  auto nodes = web1.live_nodes();
  CHECK_TRUE(nodes.ok());
  LONGS_EQUAL(1, nodes->size());
  LONGS_EQUAL(1700000000, (*nodes)[0].started);
  CHECK_TRUE((*nodes)[0].lease == web1.lease());
}

TEST(NodeRegistry, ExpiredNodeLeavesTheLiveList) {
  NodeRegistry web1(*etcd, layout, "web1");
  NodeRegistry web2(*etcd, layout, "web/2");  // escaped in the key, listed by its name
  CHECK_TRUE(web1.start().ok());
  CHECK_TRUE(web2.start().ok());
  CHECK_TRUE(fake.kv_.count("/p/nodes/web%2F2"));
  CHECK_TRUE((live() == std::vector<std::string>{"web/2", "web1"}));
  fake.expire(web2.lease());
  CHECK_TRUE((live() == std::vector<std::string>{"web1"}));
}

TEST(NodeRegistry, KeepAliveRegistersAgainAfterItsLeaseWasLost) {
  NodeRegistry web1(*etcd, layout, "web1");
  CHECK_TRUE(web1.start().ok());
  const long long first = web1.lease();
  CHECK_TRUE(web1.keep_alive().ok());
  CHECK_TRUE(web1.lease() == first);
  fake.expire(first);  // a pause past the TTL
  CHECK_TRUE(live().empty());
  CHECK_TRUE(web1.keep_alive().ok());
  CHECK_TRUE(web1.registered());
  CHECK_FALSE(web1.lease() == first);
  CHECK_TRUE((live() == std::vector<std::string>{"web1"}));
}

TEST(NodeRegistry, StopRevokesAndIsRepeatable) {
  NodeRegistry web1(*etcd, layout, "web1");
  CHECK_TRUE(web1.start().ok());
  CHECK_TRUE(web1.stop().ok());
  CHECK_FALSE(web1.registered());
  CHECK_TRUE(live().empty());
  CHECK_TRUE(fake.leases_.empty());
  CHECK_TRUE(web1.stop().ok());
}

TEST(NodeRegistry, UnreadableValueStillListsTheNode) {
  fake.kv_["/p/nodes/old"] = FakeEtcd::Entry{"not json", 2, 2, 0};
  fake.kv_["/p/nodes/bad%zz"] = FakeEtcd::Entry{"{}", 2, 2, 0};  // not an escaped name: skipped
  auto nodes = NodeRegistry(*etcd, layout, "reader").live_nodes();
  CHECK_TRUE(nodes.ok());
  LONGS_EQUAL(1, nodes->size());
  STRCMP_EQUAL("old", (*nodes)[0].name.c_str());
  LONGS_EQUAL(0, (*nodes)[0].started);
}

TEST(NodeRegistry, StartFailureNamesTheKeyAndLeavesNoLease) {
  fake.fail_status = 500;
  fake.fail_message = "etcdserver: no space";
  NodeRegistry web1(*etcd, layout, "web1");
  Status s = web1.start();
  CHECK_FALSE(s.ok());
  CHECK(s.message().find("/p/nodes/web1") != std::string::npos);
  CHECK(s.message().find("no space") != std::string::npos);
  CHECK_FALSE(web1.registered());
}

TEST(NodeRegistry, RegistersNotReadyForTheCaAndSaysWhenItIs) {
  NodeRegistry web1(*etcd, layout, "web1", 6, &clock);
  CHECK_TRUE(web1.start().ok());
  auto record = [this] { return *Json::parse(fake.kv_.at("/p/nodes/web1").value); };
  CHECK_FALSE(record().get_bool_or("ready", true));
  CHECK_FALSE(web1.ready());
  CHECK_FALSE((*web1.live_nodes())[0].ready);
  clock.advance(Seconds(5));
  CHECK_TRUE(web1.set_ready(true).ok());
  CHECK_TRUE(web1.ready());
  CHECK_TRUE(record().get_bool_or("ready", false));
  LONGS_EQUAL(1700000000, record().get_int_or("started", 0));  // unchanged
  CHECK_TRUE(fake.kv_.at("/p/nodes/web1").lease == web1.lease());
  CHECK_TRUE((*web1.live_nodes())[0].ready);
  CHECK_TRUE(web1.set_ready(false).ok());
  CHECK_FALSE(record().get_bool_or("ready", true));
}

// A graceful restart: the next watchdog of the node registers the same key
// under its lease; the watchdog before must not overwrite its record.
TEST(NodeRegistry, TheWatchdogBeforeLeavesTheNextOnesRecordAlone) {
  NodeRegistry before(*etcd, layout, "web1");
  CHECK_TRUE(before.start().ok());
  CHECK_TRUE(before.set_ready(true).ok());
  NodeRegistry next(*etcd, layout, "web1");
  CHECK_TRUE(next.start().ok());
  CHECK_TRUE(next.set_ready(true).ok());
  CHECK_TRUE(before.set_ready(false).ok());  // its announce, seen late
  CHECK_TRUE(before.superseded());
  CHECK_TRUE(before.ready());  // what it last wrote
  auto j = Json::parse(fake.kv_.at("/p/nodes/web1").value);
  CHECK_TRUE(j->get_bool_or("ready", false));
  CHECK_TRUE(fake.kv_.at("/p/nodes/web1").lease == next.lease());
  const std::size_t requests = fake.paths.size();
  CHECK_TRUE(before.set_ready(false).ok());  // superseded: not asked again
  LONGS_EQUAL(requests, fake.paths.size());
  CHECK_FALSE(next.superseded());
}

TEST(NodeRegistry, SetReadyFailureNamesTheKey) {
  NodeRegistry web1(*etcd, layout, "web1");
  CHECK_TRUE(web1.set_ready(true).ok());  // not registered: nothing to write
  CHECK_TRUE(fake.kv_.empty());
  CHECK_TRUE(web1.start().ok());
  fake.fail_status = 503;
  fake.fail_message = "etcdserver: no leader";
  Status s = web1.set_ready(true);
  CHECK_FALSE(s.ok());
  CHECK_TEXT(s.message().find("/p/nodes/web1") != std::string::npos, s.message().c_str());
  CHECK_FALSE(web1.ready());
  CHECK_FALSE(web1.superseded());
}
