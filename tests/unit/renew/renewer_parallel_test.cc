// Many orders at once (issue 8 item 4): job steps run concurrently in
// fibers, bounded by max_parallel; each request takes its own nonce; a CA
// that answers 429 holds back all its jobs; a tick never waits for a CA
// that does not answer.
#include <algorithm>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/fiber.h"
#include "certset/cert_files.h"
#include "renew/held_network.h"
#include "renew/renew_test_util.h"
#include "renew/renewer.h"

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

using namespace acme;
using namespace acme::testing;

namespace {

// The fake CA with latency: inside a fiber a request is "in flight" for one
// resume before the CA sees it, so steps overlap as with CurlMulti.
// hold: while true, requests stay in flight (a CA that does not answer).
class SlowClient : public HttpClient {
 public:
  SlowClient(HttpClient& ca, int* in_flight, int* most, const bool* hold)
      : ca_(ca), in_flight_(in_flight), most_(most), hold_(hold) {}
  Result<HttpResponse> send(const HttpRequest& request) override {
    *most_ = std::max(*most_, ++*in_flight_);
    Fiber::yield();
    while (*hold_ && Fiber::current()) Fiber::yield();
    --*in_flight_;
    return ca_.send(request);
  }

 private:
  HttpClient& ca_;
  int* in_flight_;
  int* most_;
  const bool* hold_;
};

// The harness's store, counting lookups of staged sets (each due check makes one).
class CountingStore : public MemoryStore {
 public:
  bool exists(const std::string& path) const override {
    if (path.compare(0, 8, "staging/") == 0) ++staged_lookups;
    return MemoryStore::exists(path);
  }
  mutable int staged_lookups = 0;
};

}  // namespace

TEST_GROUP(RenewerParallel) {
  RenewHarness h;
  Renewer::Options options;
  std::unique_ptr<Renewer> renewer;
  int in_flight = 0;
  int most_in_flight = 0;
  bool hold = false;

  void setup() override {
    options.request_poll = Seconds(365 * 86400);
  }

  std::vector<ManagedCert> certs(int n) {
    std::vector<ManagedCert> list;
    for (int i = 0; i < n; ++i) {
      const std::string name = "n" + std::to_string(i) + ".example";
      list.push_back(managed_cert(name, {name}, h.ca.trust_anchor_file()));
    }
    return list;
  }
  void make_renewer(std::vector<ManagedCert> list, bool slow = true, Store* store = nullptr) {
    renewer = std::make_unique<Renewer>(
        store ? *store : h.store, h.table, h.activation, h.clock, h.log,
        [this, slow](const CaSettings&) -> std::unique_ptr<HttpClient> {
          if (!slow) return h.ca.client();
          return std::make_unique<SlowClient>(h.ca, &in_flight, &most_in_flight, &hold);
        },
        [] { return 0.5; }, options);
    renewer->set_certs(std::move(list));
    renewer->start();
  }
  // n0's newOrder was refused with Retry-After 120: n1 asks the CA no
  // sooner, then orders; n0 keeps its own backoff.
  void first_job_holds_back_the_other_for_120s() {
    make_renewer(certs(2), false);
    const TimePoint start = h.clock.now();
    renewer->run_once();
    LONGS_EQUAL(0, h.ca.orders_created());
    CHECK(h.log.contains("rate-limits"));
    const long seen = h.ca.requests_seen();
    h.clock.set(start + Seconds(119));
    TimePoint wake = renewer->run_once();
    LONGS_EQUAL(seen, h.ca.requests_seen());
    LONGS_EQUAL(to_unix(start + Seconds(120)), to_unix(wake));
    h.clock.set(wake);
    renewer->run_once();
    LONGS_EQUAL(1, h.ca.orders_created());
  }
  bool all_staged(int n) {
    for (int i = 0; i < n; ++i)
      if (!has_staged(h.store, "n" + std::to_string(i) + ".example")) return false;
    return true;
  }
  void run_until(const std::function<bool()>& done) {
    for (int i = 0; i < 200 && !done(); ++i) {
      TimePoint wake = renewer->run_once();
      if (wake > h.clock.now()) h.clock.set(wake);
    }
    CHECK_TEXT(done(), h.log_text().c_str());
  }
};

TEST(RenewerParallel, StepsOverlapButOrdersStayWithinMaxParallel) {
  options.max_parallel = 3;
  int most_open = 0;
  h.ca.on_request = [&](const HttpRequest&) {
    most_open = std::max(most_open, h.ca.open_orders());
  };
  make_renewer(certs(8));
  run_until([this] { return all_staged(8); });
  LONGS_EQUAL(3, most_open);       // never more orders than allowed ...
  LONGS_EQUAL(3, most_in_flight);  // ... and that many requests in flight together
  LONGS_EQUAL(8, h.ca.orders_created());
  LONGS_EQUAL(1, h.ca.accounts_created());  // the first step registers, the others wait
}

TEST(RenewerParallel, EveryConcurrentRequestHasItsOwnNonce) {
  options.max_parallel = 6;
  make_renewer(certs(6));
  run_until([this] { return all_staged(6); });
  CHECK(most_in_flight > 1);
  // The fake CA answers badNonce to a nonce it did not issue or saw before.
  LONGS_EQUAL(0, h.ca.bad_nonces_sent());
  LONGS_EQUAL(6, h.ca.certificates_issued());
}

TEST(RenewerParallel, RateLimitHoldsBackEveryJobOfThatCa) {
  h.ca.rate_limited_orders = 1;  // 429 rateLimited
  h.ca.rate_limit_retry_after = "120";
  first_job_holds_back_the_other_for_120s();
}

// An overloaded CA (503 with Retry-After, no problem document) is waited
// out as a rate limit is: no other job of that CA asks it meanwhile.
TEST(RenewerParallel, AnOverloadedCaThatSaysWhenHoldsBackEveryJobOfThatCa) {
  h.ca.busy_orders = 1;
  h.ca.rate_limit_retry_after = "120";
  first_job_holds_back_the_other_for_120s();
}

TEST(RenewerParallel, ATickDoesNotWaitForACaThatDoesNotAnswer) {
  options.tick_budget = Millis(300);
  ClockDriver driver(h.clock, &in_flight);
  make_renewer(certs(3));
  renewer->set_http_driver(&driver);
  hold = true;  // the CA does not answer: n0's first step (the account) waits,
  const TimePoint before = h.clock.now();  // and so do n1 and n2, for the account
  renewer->run_once();
  CHECK(h.clock.now() - before <= Millis(300) + Millis(20));  // the tick did not wait
  LONGS_EQUAL(1u, renewer->steps_in_flight());
  hold = false;  // the CA answers: the account, then the others' steps
  run_until([this] { return all_staged(3); });
  LONGS_EQUAL(0u, renewer->steps_in_flight());
  LONGS_EQUAL(1, h.ca.accounts_created());
}

// After a graceful restart the old watchdog drains: it finishes the order it
// has, starts none for the other names (the next watchdog's), and then says
// it has no work left.
TEST(RenewerParallel, DrainingFinishesOrdersInFlightAndStartsNone) {
  options.max_parallel = 1;
  make_renewer(certs(3), false);
  renewer->run_once();  // n0's order starts; n1 and n2 wait for a free place
  LONGS_EQUAL(1, h.ca.orders_created());
  CHECK(renewer->has_work(Millis(2000)));
  renewer->set_draining();
  run_until([this] { return has_staged(h.store, "n0.example"); });
  for (int i = 0; i < 5; ++i) renewer->run_once();
  LONGS_EQUAL(1, h.ca.orders_created());
  CHECK_FALSE(has_staged(h.store, "n1.example"));
  CHECK_FALSE(renewer->has_work(Millis(2000)));
}

// Once the next watchdog is up the old one hands over between steps: the
// steps in flight finish, no other starts, and the next watchdog resumes
// the same orders from their job files (no order placed twice).
TEST(RenewerParallel, HandingOverFinishesStepsAndLeavesOrdersToTheNext) {
  options.max_parallel = 2;
  ClockDriver driver(h.clock, &in_flight);
  make_renewer(certs(2));
  renewer->set_http_driver(&driver);
  h.ca.on_request = [this](const HttpRequest&) {
    if (h.ca.orders_created() == 2) hold = true;  // both orders placed: their next requests wait
  };
  run_until([this] { return hold; });
  h.ca.on_request = nullptr;
  CHECK(renewer->steps_in_flight() > 0);
  renewer->set_handing_over();
  hold = false;
  for (int i = 0; i < 20 && renewer->steps_in_flight() > 0; ++i) renewer->run_once();
  LONGS_EQUAL(0u, renewer->steps_in_flight());
  const long seen = h.ca.requests_seen();
  for (int i = 0; i < 5; ++i) {
    h.clock.advance(Seconds(1));
    renewer->run_once();
  }
  LONGS_EQUAL(seen, h.ca.requests_seen());  // nothing more from this one
  CHECK_FALSE(all_staged(2));
  make_renewer(certs(2));  // the next watchdog
  renewer->set_http_driver(&driver);
  run_until([this] { return all_staged(2); });
  LONGS_EQUAL(2, h.ca.orders_created());
}

// A name due while max_parallel orders run is looked at once, not again on
// every tick (1,000 names: thousands of file lookups a second); it gets
// the place the first finished order frees, within that same tick.
TEST(RenewerParallel, WaitingNamesAreNotCheckedAgainAndTakeFreedPlacesAtOnce) {
  options.max_parallel = 1;
  options.tick_budget = Millis(300);
  CountingStore store;
  ClockDriver driver(h.clock, &in_flight);
  hold = true;  // n0's order waits on the CA
  make_renewer(certs(3), true, &store);
  renewer->set_http_driver(&driver);
  renewer->run_once();
  const int lookups = store.staged_lookups;
  for (int i = 0; i < 10; ++i) {
    h.clock.advance(Seconds(3));
    renewer->run_once();
  }
  LONGS_EQUAL(lookups, store.staged_lookups);  // n1 and n2: known due, not looked at again
  hold = false;
  int ticks = 0;
  for (; ticks < 50 && !has_staged(store, "n0.example"); ++ticks) {
    CHECK(h.ca.orders_created() <= 1);
    TimePoint wake = renewer->run_once();
    if (wake > h.clock.now()) h.clock.set(wake);
  }
  CHECK(has_staged(store, "n0.example"));
  LONGS_EQUAL(2, h.ca.orders_created());  // n1 ordered in the tick that staged n0
}
