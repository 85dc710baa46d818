#include "renew/renewer.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "certset/cert_files.h"
#include "crypto/crypto_test_util.h"
#include "preflight/probe.h"
#include "renew/renew_test_util.h"

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

using namespace acme;
using namespace acme::testing;

TEST_GROUP(Renewer) {
  RenewHarness h;
  Renewer::Options options;
  std::unique_ptr<Renewer> renewer;

  void setup() override {
    // These tests look at due-time wake-ups; the admin-request poll (which
    // caps every wait) has its own tests below.
    options.request_poll = Seconds(365 * 86400);
  }

  void make_renewer(std::vector<ManagedCert> certs) {
    renewer = std::make_unique<Renewer>(
        h.store, h.table, h.activation, h.clock, h.log,
        [this](const CaSettings&) { return h.ca.client(); }, [] { return 0.5; }, options);
    renewer->set_certs(std::move(certs));
    renewer->start();
  }
  // A live set for a.example valid over [now + from, now + to], naming san.
  void live_set(std::chrono::hours from, std::chrono::hours to,
                const std::string& san = "DNS:a.example,DNS:www.a.example") {
    Issued root =
        issue("Old Root", nullptr, "", h.clock.now() - 400 * kDay, h.clock.now() + 400 * kDay, 1);
    Issued leaf = issue("a.example", &root, san, h.clock.now() + from, h.clock.now() + to, 7);
    CHECK(h.store.write("archive/a.example/1/cert.pem", leaf.cert.to_pem()).ok());
    CHECK(h.store.link("../archive/a.example/1", "live/a.example").ok());
  }
  // Runs the watchdog loop, sleeping on the fake clock, until done() right
  // after a run (the clock stays where that run left it).
  void run_until(const std::function<bool()>& done) {
    for (int i = 0; i < 100; ++i) {
      TimePoint wake = renewer->run_once();
      if (done()) break;
      if (wake > h.clock.now()) h.clock.set(wake);
    }
    CHECK_TEXT(done(), h.log_text().c_str());
  }
};

TEST(Renewer, NotDueMakesNoRequests) {
  live_set(-1 * kDay, 89 * kDay);  // 90 days, due after 60 (the default third)
  make_renewer({h.cert});
  TimePoint wake = renewer->run_once();
  LONGS_EQUAL(0, h.ca.requests_seen());
  LONGS_EQUAL(to_unix(h.clock.now() + options.check_interval), to_unix(wake));
  h.clock.advance(58 * kDay);
  renewer->run_once();
  LONGS_EQUAL(0, h.ca.requests_seen());
  h.clock.advance(1 * kDay + std::chrono::hours(1));
  renewer->run_once();
  CHECK(h.ca.requests_seen() > 0);
  CHECK(h.log.contains("is due for renewal"));
}

TEST(Renewer, WakesAtTheRenewalTimeWhenSooner) {
  // Lifetime 90 d - 1 h; due when a third (30 d - 20 min) is left: in 20 minutes.
  live_set(-60 * kDay + std::chrono::hours(1), 30 * kDay);
  make_renewer({h.cert});
  TimePoint wake = renewer->run_once();
  LONGS_EQUAL(0, h.ca.requests_seen());
  LONGS_EQUAL(to_unix(h.clock.now() + std::chrono::minutes(20)), to_unix(wake));
  h.clock.set(wake);
  renewer->run_once();
  CHECK(h.ca.requests_seen() > 0);
}

TEST(Renewer, InsideTheWindowRunsTheJobUntilStaged) {
  live_set(-80 * kDay, 10 * kDay);
  make_renewer({h.cert});
  run_until([this] { return has_staged(h.store, "a.example"); });
  LONGS_EQUAL(1, h.ca.certificates_issued());
  LONGS_EQUAL(1, h.activation.activation_generation());
  // A staged set waits for activation: no new order however often we look.
  const long seen = h.ca.requests_seen();
  for (int i = 0; i < 3; ++i) {
    h.clock.advance(options.check_interval + Seconds(1));
    renewer->run_once();
  }
  LONGS_EQUAL(seen, h.ca.requests_seen());
  LONGS_EQUAL(1, h.ca.orders_created());
}

TEST(Renewer, NamesChangedIsDue) {
  live_set(-1 * kDay, 89 * kDay, "DNS:a.example");
  make_renewer({h.cert});
  renewer->run_once();
  CHECK(h.ca.requests_seen() > 0);
  CHECK(h.log.contains("lacks configured names"));
}

TEST(Renewer, NoLiveSetIsDue) {
  make_renewer({h.cert});
  run_until([this] { return has_staged(h.store, "a.example"); });
}

TEST(Renewer, FailedJobWaitsForItsBackoff) {
  h.ca.invalid_challenge = true;
  make_renewer({h.cert});
  run_until([this] { return h.log.contains("failed (attempt 1)"); });
  const long seen = h.ca.requests_seen();
  TimePoint wake = renewer->run_once();
  LONGS_EQUAL(seen, h.ca.requests_seen());
  CHECK(wake >= h.clock.now() + Seconds(300));  // retry_delay 600 s jittered with 0.5
  h.clock.set(wake);
  renewer->run_once();
  CHECK(h.ca.requests_seen() > seen);
}

TEST(Renewer, MaxParallelBoundsJobsInFlight) {
  options.max_parallel = 2;
  std::vector<ManagedCert> certs;
  for (const char* name : {"a.example", "b.example", "c.example"})
    certs.push_back(managed_cert(name, {name}, h.ca.trust_anchor_file()));
  make_renewer(certs);
  renewer->run_once();
  LONGS_EQUAL(2, h.ca.orders_created());
  int most_open = h.ca.open_orders();
  run_until([&] {
    most_open = std::max(most_open, h.ca.open_orders());
    return has_staged(h.store, "a.example") && has_staged(h.store, "b.example") &&
           has_staged(h.store, "c.example");
  });
  LONGS_EQUAL(2, most_open);
  LONGS_EQUAL(3, h.ca.orders_created());
  LONGS_EQUAL(1, h.ca.accounts_created());  // one session per CA
}

TEST(Renewer, StartWithdrawsLeftoverAnswers) {
  CHECK(h.table.put("a.example", "leftover-token-from-before", "x").ok());
  make_renewer({h.cert});
  LONGS_EQUAL(0, h.table.used());
}

// A watchdog killed just after answering: the CA may be validating that
// answer while the next watchdog starts. The job on disk records it, so it
// stays served; anything no job records goes.
// A watchdog killed while it removed a finished job (file by file) leaves
// the job's key without job.json: nothing to resume, removed, no order.
TEST(Renewer, RemainsOfAnEndedJobAreRemovedWithoutAnOrder) {
  live_set(-1 * kDay, 89 * kDay);
  CHECK(h.store.write("jobs/a.example/privkey.pem", "key of an ended job", 0600).ok());
  make_renewer({h.cert});
  renewer->run_once();
  CHECK_FALSE(h.store.exists("jobs/a.example/privkey.pem"));
  LONGS_EQUAL(0, h.ca.orders_created());
}

TEST(Renewer, StartKeepsAnswersAJobOnDiskPublished) {
  CHECK(h.store
            .write("jobs/a.example/job.json",
                   R"({"order": "https://ca.test/order/1", "challenges": )"
                   R"([{"type": "http-01", "host": "a.example", "token": "in-flight"}]})")
            .ok());
  CHECK(h.table.put("a.example", "in-flight", "in-flight.thumb").ok());
  CHECK(h.table.put("a.example", "orphan", "orphan.thumb").ok());
  make_renewer({h.cert});
  std::string value;
  CHECK(h.table.lookup("a.example", "in-flight", &value));
  STRCMP_EQUAL("in-flight.thumb", value.c_str());
  CHECK_FALSE(h.table.lookup("a.example", "orphan", nullptr));
}

// The previous watchdog took `acmectl preflight`'s request and published its
// probe just before it handed over; acmectl, which saw the request taken, is
// probing it now: the next watchdog's start keeps it, and it still expires.
TEST(Renewer, StartKeepsAProbeThePreviousWatchdogPublishedUntilItExpires) {
  live_set(-1 * kDay, 89 * kDay);
  CHECK(h.table.put("new.example", "preflight-abc", "preflight-abc.value").ok());
  CHECK(h.table.put("a.example", "orphan", "orphan.thumb").ok());
  make_renewer({h.cert});
  std::string value;
  CHECK(h.table.lookup("new.example", "preflight-abc", &value));
  STRCMP_EQUAL("preflight-abc.value", value.c_str());
  CHECK_FALSE(h.table.lookup("a.example", "orphan", nullptr));
  h.clock.advance(kProbeLifetime - Seconds(1));
  renewer->run_once();
  CHECK(h.table.lookup("new.example", "preflight-abc", nullptr));
  h.clock.advance(Seconds(2));
  renewer->run_once();
  CHECK_FALSE(h.table.lookup("new.example", "preflight-abc", nullptr));
}

TEST(Renewer, WakesForAdminRequestsEvenWhenNothingIsDue) {
  options.request_poll = Seconds(2);
  live_set(-1 * kDay, 89 * kDay);
  make_renewer({h.cert});
  TimePoint wake = renewer->run_once();
  LONGS_EQUAL(to_unix(h.clock.now() + Seconds(2)), to_unix(wake));
  LONGS_EQUAL(0, h.ca.requests_seen());
}

TEST(Renewer, RenewRequestForcesAnOrderAndIsConsumed) {
  live_set(-1 * kDay, 89 * kDay);  // far from due
  make_renewer({h.cert});
  renewer->run_once();
  LONGS_EQUAL(0, h.ca.requests_seen());
  AdminRequest request;
  CHECK(write_admin_request(h.store, "a.example", request).ok());
  run_until([this] { return has_staged(h.store, "a.example"); });
  CHECK_FALSE(h.store.exists("requests/a.example.json"));
  CHECK(h.log.contains("renewal of a.example requested"));
  auto record = read_status_record(h.store, "a.example");
  CHECK(record.ok());
  STRCMP_EQUAL("staged", record->state.c_str());
}

// A request file the watchdog cannot remove would be taken again every
// tick (a renewal each time): it is not acted on, and that is said once.
TEST(Renewer, ARequestThatCannotBeRemovedIsNotActedOn) {
  live_set(-1 * kDay, 89 * kDay);  // far from due
  make_renewer({h.cert});
  renewer->run_once();
  CHECK(write_admin_request(h.store, "a.example", AdminRequest{}).ok());
  h.store.fail_removes = true;
  for (int i = 0; i < 5; ++i) {
    h.clock.advance(Seconds(2));
    renewer->run_once();
  }
  LONGS_EQUAL(0, h.ca.orders_created());
  CHECK_FALSE(h.log.contains("renewal of a.example requested"));
  int said = 0;
  for (const auto& line : h.log.lines)
    if (line.message.find("it cannot be removed") != std::string::npos) ++said;
  LONGS_EQUAL(1, said);
}

TEST(Renewer, StatusRecordTellsValidAndNextRenewal) {
  live_set(-1 * kDay, 89 * kDay);
  make_renewer({h.cert});
  renewer->run_once();
  auto record = read_status_record(h.store, "a.example");
  CHECK(record.ok());
  STRCMP_EQUAL("valid", record->state.c_str());
  STRCMP_EQUAL("p256", record->key_type.c_str());
  // 90-day lifetime, default window a third: due 60 days after notBefore.
  LONGS_EQUAL(to_unix(h.clock.now() + 59 * kDay), to_unix(record->next_renewal));
}

TEST(Renewer, StatusRecordTellsTheLastError) {
  h.ca.invalid_challenge = true;
  make_renewer({h.cert});
  run_until([this] { return h.log.contains("failed (attempt 1)"); });
  auto record = read_status_record(h.store, "a.example");
  CHECK(record.ok());
  STRCMP_EQUAL("error", record->state.c_str());
  LONGS_EQUAL(1, record->failures);
  CHECK(!record->last_error.empty());
}

// Nothing listens where the CA's port 80 arrives: without ACMEChallenges the
// certificate does not try http-01 (and here nothing else is registered).
TEST(Renewer, Http01NotByDefaultWhenPort80IsNotReachable) {
  options.http01_by_default = false;
  make_renewer({h.cert});
  run_until([this] { return h.log.contains("usable here: none"); });
  LONGS_EQUAL(0, h.ca.certificates_issued());
  LONGS_EQUAL(0, h.table.used());
}

TEST(Renewer, Http01StillUsedWhenTheAdminAsksForIt) {
  options.http01_by_default = false;
  h.cert.challenges = {"http-01"};
  make_renewer({h.cert});
  run_until([this] { return has_staged(h.store, "a.example"); });
}

// "https://ca.test/dir" and "https://CA.test:443/dir/" are one CA: one
// session (made once, with the spelling seen first), one account.
TEST(Renewer, SpellingsOfOneCaShareOneSession) {
  ManagedCert b = managed_cert("b.example", {"b.example"}, h.ca.trust_anchor_file());
  b.ca.directory_url = "https://CA.test:443/dir/";
  int sessions = 0;
  renewer = std::make_unique<Renewer>(
      h.store, h.table, h.activation, h.clock, h.log,
      [&](const CaSettings&) {
        ++sessions;
        return h.ca.client();
      },
      [] { return 0.5; }, options);
  renewer->set_certs({h.cert, b});
  renewer->start();
  run_until([&] { return has_staged(h.store, "a.example") && has_staged(h.store, "b.example"); });
  LONGS_EQUAL(1, sessions);
  LONGS_EQUAL(1, h.ca.accounts_created());
}

// `acmectl revoke` while the renewal of that certificate is in flight, with
// ACMEKeyReuse on: the replacement does not carry the revoked key.
TEST(Renewer, RevokeDuringAnOrderDiscardsItsKey) {
  options.request_poll = Seconds(1);
  h.cert.key_reuse = true;
  make_renewer({h.cert});
  run_until([this] { return has_staged(h.store, "a.example"); });
  CHECK(promote_staged(h.store, h.cert, HttpdVersion{2, 4, 62}, h.clock.now(), h.log).ok());
  const std::string live = *h.store.read("live/a.example/privkey.pem");
  make_renewer({h.cert});
  CHECK(write_admin_request(h.store, "a.example", AdminRequest{}).ok());  // acmectl renew
  renewer->run_once();
  LONGS_EQUAL(2, h.ca.orders_created());
  CHECK_FALSE(has_staged(h.store, "a.example"));
  AdminRequest revoke;
  revoke.action = RequestAction::kRevoke;
  revoke.reason = 1;  // keyCompromise
  CHECK(write_admin_request(h.store, "a.example", revoke).ok());
  run_until([this] { return has_staged(h.store, "a.example"); });
  LONGS_EQUAL(1, h.ca.revocations());
  CHECK(*h.store.read("staging/a.example/privkey.pem") != live);
  LONGS_EQUAL(2, h.ca.finalized_keys().size());
  CHECK(h.ca.finalized_keys()[0] != h.ca.finalized_keys()[1]);
}
