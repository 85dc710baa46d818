// LockLease against FakeEtcd: granted once and shared, renewed a third of the
// TTL after the last renewal, forgotten once etcd says it ended.
#include "cluster/lock_lease.h"

#include <memory>

#include "base/fake_clock.h"
#include "cluster/fake_etcd.h"
#include "fakes/fake_http_client.h"

#include <CppUTest/TestHarness.h>

using namespace acme;
using acme::testing::FakeEtcd;
using acme::testing::FakeHttpClient;
using acme::testing::ForwardingHttpClient;

TEST_GROUP(LockLease) {
  FakeEtcd fake;
  FakeHttpClient http;
  FakeClock clock{from_unix(1796083200)};
  std::unique_ptr<EtcdClient> etcd;
  void setup() override {
    http.handler = [this](const HttpRequest& r) { return fake.handle(r); };
    etcd = std::make_unique<EtcdClient>(std::vector<std::string>{"http://127.0.0.1:1"},
                                        std::make_unique<ForwardingHttpClient>(http));
  }
  int requests_to(const std::string& path) {
    int n = 0;
    for (const auto& p : fake.paths) n += p == path;
    return n;
  }
};

TEST(LockLease, GrantedOnceThenShared) {
  LockLease lease(10, &clock);
  CHECK_FALSE(lease.held_now());
  auto first = lease.ensure(*etcd);
  auto again = lease.ensure(*etcd);
  CHECK_TRUE(first.ok() && again.ok());
  CHECK_TRUE(*first == *again);
  LONGS_EQUAL(1, requests_to("/v3/lease/grant"));
  LONGS_EQUAL(10, fake.leases_[*first]);
  CHECK_TRUE(lease.held_now());
  CHECK_TRUE(lease.valid_until() == from_unix(1796083210));
}

TEST(LockLease, ARenewalIsDueAThirdOfTheTtlAfterTheLastOneWasSent) {
  LockLease lease(9, &clock);
  CHECK_FALSE(lease.renewal_due(clock.now()));  // none held: nothing to renew
  CHECK_TRUE(lease.ensure(*etcd).ok());
  clock.advance(Millis(2999));
  CHECK_FALSE(lease.renewal_due(clock.now()));
  clock.advance(Millis(1));
  CHECK_TRUE(lease.renewal_due(clock.now()));
  CHECK_TRUE(lease.keep_alive(*etcd).ok());
  CHECK_TRUE(lease.valid_until() == from_unix(1796083212));
  CHECK_FALSE(lease.renewal_due(clock.now()));
}

TEST(LockLease, EtcdEndedItTheLeaseIsForgotten) {
  LockLease lease(10, &clock);
  const long long id = *lease.ensure(*etcd);
  fake.expire(id);
  Status ended = lease.keep_alive(*etcd);
  LONGS_EQUAL(static_cast<int>(Code::kNotFound), static_cast<int>(ended.code()));
  LONGS_EQUAL(0, lease.id());
  CHECK_FALSE(lease.held_now());
  auto next = lease.ensure(*etcd);
  CHECK_TRUE(next.ok() && *next != id);
}

// etcd unreachable: the lease is not given up on the client's word; etcd
// decides (and the local clock's estimate runs out meanwhile).
TEST(LockLease, AnUnansweredRenewalKeepsTheLease) {
  LockLease lease(10, &clock);
  const long long id = *lease.ensure(*etcd);
  http.handler = nullptr;
  Status s = lease.keep_alive(*etcd);
  LONGS_EQUAL(static_cast<int>(Code::kNetwork), static_cast<int>(s.code()));
  LONGS_EQUAL(id, lease.id());
  clock.advance(Seconds(10));
  CHECK_FALSE(lease.held_now());
}

// Two fibers asked for it at once (the second while the first one's grant
// was in flight): one lease stays, the other is revoked.
TEST(LockLease, TwoGrantsAtOnceLeaveOneLease) {
  LockLease lease(10, &clock);
  Result<long long> inner = Status(Code::kPending, "not asked");
  bool asked = false;
  http.handler = [&](const HttpRequest& r) -> Result<HttpResponse> {
    if (!asked && r.url.find("/v3/lease/grant") != std::string::npos) {
      asked = true;
      inner = lease.ensure(*etcd);  // the other caller, before this answer arrives
    }
    return fake.handle(r);
  };
  auto outer = lease.ensure(*etcd);
  CHECK_TRUE(outer.ok() && inner.ok());
  CHECK_TRUE(*outer == *inner);
  LONGS_EQUAL(1, fake.leases_.size());
  LONGS_EQUAL(1, fake.leases_.count(lease.id()));
}

TEST(LockLease, RevokedItIsGoneAndSoAreItsKeys) {
  LockLease lease(10, &clock);
  const long long id = *lease.ensure(*etcd);
  CHECK_TRUE(etcd->put("/mod_acme/locks/a.test", "web1", id).ok());
  CHECK_TRUE(lease.revoke(*etcd).ok());
  LONGS_EQUAL(0, lease.id());
  LONGS_EQUAL(0, fake.kv_.count("/mod_acme/locks/a.test"));
  CHECK_TRUE(lease.revoke(*etcd).ok());  // none held: nothing to do
}
