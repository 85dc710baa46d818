// LeaseKeeper: renews the locks' lease when due while the watchdog ticks,
// lets it lapse when the watchdog is stuck, and does so from a thread of its
// own.
#include "cluster/lease_keeper.h"

#include <chrono>
#include <memory>
#include <thread>

#include "base/fake_clock.h"
#include "cluster/fake_etcd.h"
#include "fakes/fake_http_client.h"

#include <CppUTest/TestHarness.h>

using namespace acme;
using acme::testing::FakeEtcd;
using acme::testing::FakeHttpClient;
using acme::testing::ForwardingHttpClient;

TEST_GROUP(LeaseKeeper) {
  FakeEtcd fake;
  FakeHttpClient http;
  FakeClock clock{from_unix(1796083200)};
  void setup() override {
    http.handler = [this](const HttpRequest& r) { return fake.handle(r); };
  }
  std::unique_ptr<EtcdClient> client() {
    return std::make_unique<EtcdClient>(std::vector<std::string>{"http://127.0.0.1:1"},
                                        std::make_unique<ForwardingHttpClient>(http));
  }
  LeaseKeeper::ClientFactory make_client = [this](const std::atomic<bool>&) { return client(); };
  int keep_alives() {
    int n = 0;
    for (const auto& p : fake.paths) n += p == "/v3/lease/keepalive";
    return n;
  }
};

TEST(LeaseKeeper, RenewsWhenDueWhileTheWatchdogTicks) {
  LockLease lease(9, &clock);
  auto etcd = client();
  CHECK_TRUE(lease.ensure(*etcd).ok());
  LeaseKeeper keeper(lease, make_client);
  keeper.look();
  LONGS_EQUAL(0, keep_alives());  // not due yet
  clock.advance(Seconds(3));
  keeper.heartbeat();
  keeper.look();
  LONGS_EQUAL(1, keep_alives());
  CHECK_TRUE(lease.valid_until() == from_unix(1796083212));
  CHECK_TRUE(keeper.status().ok());
  CHECK_FALSE(keeper.stalled());
}

// No tick for the stall bound: the watchdog is stuck, and its orders must go
// to another node; a tick again, and the renewals go on (if not too late).
TEST(LeaseKeeper, AStuckWatchdogsLeaseIsLeftToLapse) {
  LockLease lease(30, &clock);
  auto etcd = client();
  CHECK_TRUE(lease.ensure(*etcd).ok());
  LeaseKeeper::Options options;
  options.stall_bound = Seconds(15);
  LeaseKeeper keeper(lease, make_client, options);
  clock.advance(Seconds(16));
  keeper.look();
  LONGS_EQUAL(0, keep_alives());
  CHECK_TRUE(keeper.stalled());
  keeper.heartbeat();
  keeper.look();
  LONGS_EQUAL(1, keep_alives());
  CHECK_FALSE(keeper.stalled());
}

// Every look passes the watchdog's liveness on (the readiness beat), while
// it ticks; a stuck watchdog's is not passed on.
TEST(LeaseKeeper, TellsThatTheWatchdogIsAliveWhileItTicks) {
  LockLease lease(30, &clock);
  LeaseKeeper::Options options;
  options.stall_bound = Seconds(15);
  int alive = 0;
  options.alive = [&alive] { ++alive; };
  LeaseKeeper keeper(lease, make_client, options);
  keeper.look();  // no lease yet: the beat goes on all the same
  LONGS_EQUAL(1, alive);
  clock.advance(Seconds(16));
  keeper.look();
  LONGS_EQUAL(1, alive);
  keeper.heartbeat();
  keeper.look();
  LONGS_EQUAL(2, alive);
}

// The lease ran out while the watchdog was stuck: the renewal after it
// finds it gone, and the stall stays the reason given.
TEST(LeaseKeeper, ALeaseThatEndedInAStallIsReportedAsTheStalls) {
  LockLease lease(20, &clock);
  auto etcd = client();
  const long long id = *lease.ensure(*etcd);
  LeaseKeeper::Options options;
  options.stall_bound = Seconds(15);
  LeaseKeeper keeper(lease, make_client, options);
  clock.advance(Seconds(16));
  keeper.look();
  CHECK_TRUE(keeper.stalled());
  fake.expire(id);  // the TTL passed meanwhile
  keeper.heartbeat();
  keeper.look();
  LONGS_EQUAL(static_cast<int>(Code::kNotFound), static_cast<int>(keeper.status().code()));
  CHECK_TRUE(keeper.stalled());
}

TEST(LeaseKeeper, AnEndedLeaseIsReported) {
  LockLease lease(9, &clock);
  auto etcd = client();
  const long long id = *lease.ensure(*etcd);
  LeaseKeeper keeper(lease, make_client);
  fake.expire(id);
  clock.advance(Seconds(3));
  keeper.heartbeat();
  keeper.look();
  LONGS_EQUAL(static_cast<int>(Code::kNotFound), static_cast<int>(keeper.status().code()));
  LONGS_EQUAL(0, lease.id());
}

// The thread on the system clock: a lease of 3 s is renewed within ~1 s,
// with nothing but heartbeats from this thread; the keeper stops with its
// object. Only the keeper's thread talks to the fake meanwhile.
TEST(LeaseKeeper, TheThreadRenewsOnItsOwn) {
  LockLease lease(3);
  auto etcd = client();
  CHECK_TRUE(lease.ensure(*etcd).ok());
  const TimePoint granted = lease.valid_until();
  LeaseKeeper::Options options;
  options.look = Millis(20);
  {
    LeaseKeeper keeper(lease, make_client, options);
    CHECK_TRUE(keeper.start());
    const auto until = std::chrono::steady_clock::now() + Seconds(10);
    while (lease.valid_until() == granted && std::chrono::steady_clock::now() < until) {
      keeper.heartbeat();
      std::this_thread::sleep_for(Millis(20));
    }
  }
  CHECK_TRUE(lease.valid_until() > granted);
  CHECK(keep_alives() >= 1);
}
