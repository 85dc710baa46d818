// EtcdLock against FakeEtcd: two nodes, one lock; a lease that runs out
// hands the lock over.
#include "cluster/etcd_lock.h"

#include "base/fake_clock.h"
#include "cluster/fake_etcd.h"
#include "fakes/fake_http_client.h"

#include <CppUTest/TestHarness.h>

using namespace acme;
using acme::testing::FakeEtcd;
using acme::testing::FakeHttpClient;
using acme::testing::ForwardingHttpClient;

namespace {

const char* kLock = "/mod_acme/locks/example.org";
const char* kA = "/mod_acme/locks/a.test";
const char* kB = "/mod_acme/locks/b.test";

// Two locks of one watchdog on its one lease (cluster/lock_lease.h).
struct TwoLocks {
  explicit TwoLocks(EtcdClient& etcd) : a(etcd, kA, "web1", lease), b(etcd, kB, "web1", lease) {}
  bool take() { return *a.acquire() && *b.acquire(); }
  LockLease lease;
  EtcdLock a;
  EtcdLock b;
};

}  // namespace

TEST_GROUP(EtcdLock) {
  FakeEtcd fake;
  FakeHttpClient http;
  std::unique_ptr<EtcdClient> etcd;
  void setup() override {
    http.handler = [this](const HttpRequest& r) { return fake.handle(r); };
    etcd = std::make_unique<EtcdClient>(
        std::vector<std::string>{"http://127.0.0.1:1", "http://127.0.0.1:2"},
        std::make_unique<ForwardingHttpClient>(http));
  }
};

TEST(EtcdLock, FirstNodeGetsItSecondSeesTheHolder) {
  EtcdLock web1(*etcd, kLock, "web1");
  EtcdLock web2(*etcd, kLock, "web2");
  auto got = web1.acquire();
  CHECK_TRUE(got.ok() && *got);
  LONGS_EQUAL(1, fake.kv_.size());
  STRCMP_EQUAL("web1", fake.kv_[kLock].value.c_str());
  CHECK_TRUE(fake.kv_[kLock].lease == web1.lease());
  LONGS_EQUAL(10, fake.leases_[web1.lease()]);  // the default TTL
  auto busy = web2.acquire();
  CHECK_TRUE(busy.ok());
  CHECK_FALSE(*busy);
  CHECK_FALSE(web2.held());
  STRCMP_EQUAL("web1", web2.holder().c_str());
  LONGS_EQUAL(1, fake.leases_.size());  // web2's unused lease was revoked
}

TEST(EtcdLock, KeepAliveWhileHeld) {
  EtcdLock web1(*etcd, kLock, "web1", 3);
  CHECK_TRUE(*web1.acquire());
  CHECK_TRUE(web1.keep_alive().ok());
  CHECK_TRUE(web1.held());
}

TEST(EtcdLock, ExpiredLeaseLosesTheLockToTheNextNode) {
  EtcdLock web1(*etcd, kLock, "web1");
  EtcdLock web2(*etcd, kLock, "web2");
  CHECK_TRUE(*web1.acquire());
  CHECK_FALSE(*web2.acquire());
  fake.expire(web1.lease());  // web1 stalled past its TTL
  Status lost = web1.keep_alive();
  LONGS_EQUAL(static_cast<int>(Code::kNotFound), static_cast<int>(lost.code()));
  CHECK(lost.message().find(kLock) != std::string::npos);
  CHECK_FALSE(web1.held());
  CHECK_TRUE(*web2.acquire());
  STRCMP_EQUAL("web2", fake.kv_[kLock].value.c_str());
}

TEST(EtcdLock, ReleaseHandsItOver) {
  EtcdLock web1(*etcd, kLock, "web1");
  EtcdLock web2(*etcd, kLock, "web2");
  CHECK_TRUE(*web1.acquire());
  CHECK_TRUE(web1.release().ok());
  CHECK_FALSE(web1.held());
  LONGS_EQUAL(0, fake.kv_.size());
  CHECK_TRUE(*web2.acquire());
  CHECK_TRUE(web1.release().ok());  // not held: nothing to do
}

TEST(EtcdLock, ReleaseOfAnExpiredLeaseIsNotAnError) {
  EtcdLock web1(*etcd, kLock, "web1");
  CHECK_TRUE(*web1.acquire());
  fake.expire(web1.lease());
  CHECK_TRUE(web1.release().ok());
  CHECK_FALSE(web1.held());
}

// The transaction reached etcd but its answer was lost; the client retried it
// on the next member, whose answer says the key exists: bound to our own
// lease, so the lock is ours.
TEST(EtcdLock, RetriedTransactionFindsItsOwnKey) {
  bool lost_once = false;
  http.handler = [&](const HttpRequest& r) -> Result<HttpResponse> {
    auto answer = fake.handle(r);
    if (!lost_once && r.url.find("/v3/kv/txn") != std::string::npos) {
      lost_once = true;
      return Status(Code::kNetwork, "POST " + r.url + ": Operation timed out");
    }
    return answer;
  };
  EtcdLock web1(*etcd, kLock, "web1");
  auto got = web1.acquire();
  CHECK_TEXT(got.ok(), got.status().message().c_str());
  CHECK_TRUE(*got);
  CHECK_TRUE(lost_once);
  CHECK_TRUE(fake.kv_[kLock].lease == web1.lease());
}

TEST(EtcdLock, HoldsCompareGuardsWrites) {
  EtcdLock web1(*etcd, kLock, "web1");
  CHECK_TRUE(*web1.acquire());
  EtcdTxn guarded;
  guarded.compare.push_back(web1.holds_compare());
  guarded.success.push_back(EtcdOp::put("/mod_acme/jobs/example.org", "step 2"));
  auto ok = etcd->txn(guarded);
  CHECK_TRUE(ok.ok() && ok->succeeded);
  fake.expire(web1.lease());
  auto late = etcd->txn(guarded);  // written after the lock was lost: not applied
  CHECK_TRUE(late.ok());
  CHECK_FALSE(late->succeeded);
}

TEST(EtcdLock, EtcdDownIsAnError) {
  http.handler = nullptr;  // nothing scripted: every send is a transport error
  EtcdLock web1(*etcd, kLock, "web1");
  auto got = web1.acquire();
  CHECK_FALSE(got.ok());
  LONGS_EQUAL(static_cast<int>(Code::kNetwork), static_cast<int>(got.status().code()));
  CHECK_FALSE(web1.held());
}

// Cut off from every member, the holder cannot learn that it lost the lock:
// it counts the lock as surely its own only until the last renewal's send
// time plus the TTL.
TEST(EtcdLock, HeldNowEndsOneTtlAfterTheLastRenewalWasSent) {
  FakeClock clock(from_unix(1796083200));
  EtcdLock web1(*etcd, kLock, "web1", 10, &clock);
  CHECK_TRUE(*web1.acquire());
  CHECK_TRUE(web1.valid_until() == from_unix(1796083210));
  clock.advance(Seconds(6));
  CHECK_TRUE(web1.keep_alive().ok());
  CHECK_TRUE(web1.valid_until() == from_unix(1796083216));
  http.handler = nullptr;  // etcd unreachable from here on
  clock.advance(Seconds(3));
  CHECK_FALSE(web1.keep_alive().ok());
  CHECK_TRUE(web1.held_now());
  clock.advance(Seconds(7));     // 1796083216: the renewed lease may have run out
  CHECK_TRUE(web1.held());       // etcd said nothing else...
  CHECK_FALSE(web1.held_now());  // ...but it is no longer safe to act on
}

// A graceful restart: web1's next watchdog takes over the lock web1's ended
// watchdog kept; the old lease's end no longer frees it, and web2 still
// cannot have it.
TEST(EtcdLock, TheSameNodesNextWatchdogTakesItOver) {
  auto ended = std::make_unique<EtcdLock>(*etcd, kLock, "web1");
  CHECK_TRUE(*ended->acquire());
  const long long old_lease = ended->lease();
  ended.reset();  // kept, not released
  EtcdLock next(*etcd, kLock, "web1");
  auto got = next.acquire();
  CHECK_TRUE(got.ok() && *got);
  CHECK(next.lease() != old_lease);
  CHECK_TRUE(fake.kv_[kLock].lease == next.lease());
  fake.expire(old_lease);
  LONGS_EQUAL(1, fake.kv_.count(kLock));
  EtcdLock web2(*etcd, kLock, "web2");
  CHECK_FALSE(*web2.acquire());
  STRCMP_EQUAL("web1", web2.holder().c_str());
}

// A watchdog's locks share its one lease (cluster/lock_lease.h): one grant
// however many locks, each key bound to it, and one keep-alive keeps them all.
TEST(EtcdLock, LocksOnOneLeaseShareItsGrantAndItsKeepAlive) {
  TwoLocks locks(*etcd);
  CHECK_TRUE(locks.take());
  LONGS_EQUAL(1, fake.leases_.size());
  CHECK(locks.lease.id() != 0);
  CHECK_TRUE(fake.kv_[kA].lease == locks.lease.id());
  CHECK_TRUE(fake.kv_[kB].lease == locks.lease.id());
  CHECK_TRUE(locks.a.keep_alive().ok());
  CHECK_TRUE(locks.a.held() && locks.b.held());
}

// Giving one lock up deletes its key only: the lease and the other locks stay.
TEST(EtcdLock, ReleasingALockOnASharedLeaseLeavesTheOthers) {
  TwoLocks locks(*etcd);
  CHECK_TRUE(locks.take());
  CHECK_TRUE(locks.a.release().ok());
  CHECK_FALSE(locks.a.held());
  LONGS_EQUAL(0, fake.kv_.count(kA));
  LONGS_EQUAL(1, fake.kv_.count(kB));
  LONGS_EQUAL(1, fake.leases_.count(locks.lease.id()));
  CHECK_TRUE(locks.b.held());
  EtcdLock web2(*etcd, kA, "web2");
  CHECK_TRUE(*web2.acquire());
}

// Another node holds the lock: the failed try leaves the shared lease (the
// other locks' lease) alone.
TEST(EtcdLock, AFailedTryKeepsTheSharedLease) {
  EtcdLock web2(*etcd, kLock, "web2");
  CHECK_TRUE(*web2.acquire());
  LockLease lease;
  EtcdLock web1(*etcd, kLock, "web1", lease);
  auto got = web1.acquire();
  CHECK_TRUE(got.ok());
  CHECK_FALSE(*got);
  STRCMP_EQUAL("web2", web1.holder().c_str());
  LONGS_EQUAL(1, fake.leases_.count(lease.id()));
}

// The shared lease ended (the node stalled past its TTL): every lock bound to
// it is lost at once, the other node takes them, and the next try binds what
// is still free to a new lease.
TEST(EtcdLock, AnEndedSharedLeaseTakesEveryLockWithIt) {
  TwoLocks locks(*etcd);
  CHECK_TRUE(locks.take());
  const long long ended = locks.lease.id();
  fake.expire(ended);
  Status lost = locks.a.keep_alive();
  LONGS_EQUAL(static_cast<int>(Code::kNotFound), static_cast<int>(lost.code()));
  CHECK_FALSE(locks.a.held());
  CHECK_FALSE(locks.b.held());
  EtcdLock web2(*etcd, kA, "web2");
  CHECK_TRUE(*web2.acquire());
  CHECK_FALSE(*locks.a.acquire());
  CHECK_TRUE(*locks.b.acquire());
  CHECK(locks.lease.id() != ended);
  CHECK_TRUE(fake.kv_[kB].lease == locks.lease.id());
}

// A graceful restart with shared leases: the next watchdog's lease takes the
// key over from the ended watchdog's, which may then run out harmlessly.
TEST(EtcdLock, TheNextWatchdogsLeaseTakesTheLockOver) {
  auto ended_lease = std::make_unique<LockLease>();
  auto ended = std::make_unique<EtcdLock>(*etcd, kLock, "web1", *ended_lease);
  CHECK_TRUE(*ended->acquire());
  const long long old_lease = ended_lease->id();
  ended.reset();  // kept, not released
  ended_lease.reset();
  LockLease lease;
  EtcdLock next(*etcd, kLock, "web1", lease);
  CHECK_TRUE(*next.acquire());
  CHECK_TRUE(fake.kv_[kLock].lease == lease.id());
  fake.expire(old_lease);
  LONGS_EQUAL(1, fake.kv_.count(kLock));
  EtcdLock web2(*etcd, kLock, "web2");
  CHECK_FALSE(*web2.acquire());
}
