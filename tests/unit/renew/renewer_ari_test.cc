// The watchdog loop with renewal information (RFC 9773) and failover: due()
// follows the CA's window, the renewal names what it replaces, and a job
// whose first CA is down gets its certificate from the second.
#include <memory>
#include <string>

#include "base/time_format.h"
#include "fakes/fake_http_client.h"
#include "renew/ari_test_util.h"
#include "renew/held_network.h"
#include "renew/renewer.h"

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

using namespace acme;
using namespace acme::testing;

TEST_GROUP(RenewerAri) {
  RenewHarness h;
  Renewer::Options options;
  std::unique_ptr<Renewer> renewer;
  FakeHttpClient dead;

  void setup() override {
    options.request_poll = Seconds(365 * 86400);
    dead.handler = [](const HttpRequest& r) -> Result<HttpResponse> {
      return Status(Code::kNetwork, "connect to " + r.url + ": connection refused");
    };
  }
  void make_renewer(double random01 = 0.5) {
    renewer = std::make_unique<Renewer>(
        h.store, h.table, h.activation, h.clock, h.log,
        [this](const CaSettings& ca) -> std::unique_ptr<HttpClient> {
          if (ca.directory_url == FakeAcmeCa::kDirectoryUrl) return h.ca.client();
          return std::make_unique<ForwardingHttpClient>(dead);
        },
        [random01] { return random01; }, options);
    renewer->set_certs({h.cert});
    renewer->start();
  }
  // Runs the loop on the fake clock until done() or 200 wake-ups.
  void run_until(const std::function<bool()>& done) {
    for (int i = 0; i < 200 && !done(); ++i) {
      TimePoint wake = renewer->run_once();
      if (!done() && wake > h.clock.now()) h.clock.set(wake);
    }
    CHECK_TEXT(done(), h.log_text().c_str());
  }
};

// A window starting in 20 days (the renew window would say 60): nothing
// before the moment picked in it (0.5 of 2 days: 21 days), then a renewal
// that names the certificate it replaces.
TEST(RenewerAri, RenewsAtTheMomentPickedInTheWindow) {
  issue_live(h);
  const TimePoint start = h.clock.now() + 20 * kDay;
  h.ca.renewal_window = [start] { return std::make_pair(start, start + 2 * kDay); };
  const int orders = h.ca.orders_created();
  make_renewer(0.5);
  TimePoint wake = renewer->run_once();
  LONGS_EQUAL(1, h.ca.renewal_info_requests());
  LONGS_EQUAL(orders, h.ca.orders_created());
  CHECK(wake <= start + kDay);
  h.clock.set(start + kDay - Seconds(1));
  renewer->run_once();
  LONGS_EQUAL(orders, h.ca.orders_created());
  h.clock.set(start + kDay);
  run_until([this] { return has_staged(h.store, "a.example"); });
  CHECK(h.log.contains("is due for renewal (the CA's suggested window"));
  STRCMP_EQUAL(h.ca.cert_id(101).c_str(),
               h.ca.order_requests().back().get_string_or("replaces", "").c_str());
}

// Issue 7 item 5: a CA that does not answer renewalInfo holds a fiber of
// its own; the tick goes on (before, due() waited out libcurl's timeout),
// and the certificate is decided on when the answer comes.
TEST(RenewerAri, ASilentRenewalInfoHoldsNoTick) {
  issue_live(h);
  h.ca.renewal_window = [this] {
    return std::make_pair(h.clock.now() - 2 * kDay, h.clock.now() - kDay);
  };
  bool hold = true;
  int in_flight = 0;
  ClockDriver driver(h.clock, &in_flight);
  options.tick_budget = Millis(300);
  const int orders = h.ca.orders_created();
  renewer = std::make_unique<Renewer>(
      h.store, h.table, h.activation, h.clock, h.log,
      [&](const CaSettings&) -> std::unique_ptr<HttpClient> {
        return std::make_unique<HeldClient>(
            h.ca, h.clock, &hold, &in_flight,
            [](const HttpRequest& r) { return r.url.find("/renewal-info/") != std::string::npos; });
      },
      [] { return 0.5; }, options);
  renewer->set_http_driver(&driver);
  renewer->set_certs({h.cert});
  renewer->start();
  const TimePoint before = h.clock.now();
  renewer->run_once();
  CHECK(h.clock.now() - before <= Millis(300) + Millis(20));  // the tick did not wait
  LONGS_EQUAL(1u, renewer->side_in_flight());
  LONGS_EQUAL(orders, h.ca.orders_created());
  hold = false;  // the CA answers: a window in the past, renew at once
  run_until([this] { return has_staged(h.store, "a.example"); });
  LONGS_EQUAL(1, h.ca.renewal_info_requests());
  CHECK(h.log.contains("is due for renewal (the CA's suggested window"));
}

TEST(RenewerAri, AWindowInThePastRenewsAtOnce) {
  issue_live(h);
  h.ca.renewal_window = [this] {
    return std::make_pair(h.clock.now() - 2 * kDay, h.clock.now() - kDay);
  };
  make_renewer();
  renewer->run_once();
  CHECK(h.log.contains("is due for renewal (the CA's suggested window"));
}

TEST(RenewerAri, FailsOverToTheSecondCa) {
  CaSettings second = h.cert.ca;
  h.cert.ca.directory_url = "https://dead.test/dir";
  h.cert.failover_cas = {second};
  make_renewer();
  run_until([this] { return has_staged(h.store, "a.example"); });
  CHECK(h.log.contains("the next attempt goes to https://ca.test/dir"));
  CHECK(h.log.contains("failed (attempt 3)"));
  CHECK_FALSE(h.log.contains("failed (attempt 4)"));
  LONGS_EQUAL(1, h.ca.certificates_issued());
}
