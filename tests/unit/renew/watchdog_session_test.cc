// WatchdogSession: the store lock hand-over between an old and a new
// watchdog, the wait a tick asks for, and the drain after a graceful
// restart (the parent's word, the successor, the halt). A real FileLock in a
// temp dir, the fake CA, tables over heap buffers.
#include "renew/watchdog_session.h"

#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "certset/cert_files.h"
#include "renew/renew_test_util.h"
#include "store/layout.h"

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

using namespace acme;
using namespace acme::testing;

namespace {

constexpr std::uint64_t kGeneration = 7;

template <class Table>
struct TableMemory {
  std::vector<std::uint64_t> memory = std::vector<std::uint64_t>(Table::region_size(4) / 8 + 1);
  Table table = *Table::format(memory.data(), memory.size() * 8, 4);
};

}  // namespace

TEST_GROUP(WatchdogSession) {
  RenewHarness h;
  TableMemory<OcspTable> ocsp;
  TableMemory<AlpnCertTable> alpn;
  std::string dir;
  WatchdogSession::Options options;
  bool parent_gone = false;
  int sleeps = 0;
  int successor_after_sleeps = -1;  // the drain's nth wait: the next watchdog is up
  std::unique_ptr<WatchdogSession> session;

  void setup() override {
    char tmpl[] = "/tmp/watchdog_session_test.XXXXXX";
    CHECK(mkdtemp(tmpl) != nullptr);
    dir = tmpl;
    options.lock_path = dir + "/lock";
    options.generation = kGeneration;
    options.verdict_wait = Millis(20);
    options.renewer.request_poll = Seconds(30);
  }
  void teardown() override {
    session.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  void make_session(std::vector<ManagedCert> certs) {
    options.certs = std::move(certs);
    session = std::make_unique<WatchdogSession>(
        WatchdogSession::Parts{h.store, h.table, h.activation, ocsp.table, alpn.table, h.clock,
                               h.log, [this](const CaSettings&) { return h.ca.client(); },
                               h.ca.client(), nullptr, [] { return 0.5; },
                               // A drain's waits pass on the fake clock.
                               [this](std::chrono::system_clock::duration d) {
                                 h.clock.advance(d);
                                 if (++sleeps == successor_after_sleeps)
                                   h.activation.mark(ActivationSignal::kWatchdogWaiting,
                                                     options.generation + 1);
                               }},
        options, [this] { return parent_gone; }, [] { return false; });
  }
  std::vector<ManagedCert> certs(int n) {
    std::vector<ManagedCert> list;
    for (int i = 0; i < n; ++i) {
      const std::string name = "n" + std::to_string(i) + ".example";
      list.push_back(managed_cert(name, {name}, h.ca.trust_anchor_file()));
    }
    return list;
  }
  int lines_with(const std::string& needle) {
    int n = 0;
    for (const auto& line : h.log.lines)
      if (line.message.find(needle) != std::string::npos) ++n;
    return n;
  }
  // A watchdog with one order in flight and two names waiting for a place.
  void order_in_flight() {
    options.renewer.max_parallel = 1;
    make_session(certs(3));
    session->tick();
    LONGS_EQUAL(1, h.ca.orders_created());
  }
};

TEST(WatchdogSession, SaysFirstWhereItRunsAndForHowMany) {
  make_session(certs(2));
  STRCMP_EQUAL(
      ("watchdog running in pid " + std::to_string(getpid()) + " for 2 certificate(s)").c_str(),
      h.log.lines.at(0).message.c_str());
  LONGS_EQUAL(kMsgWatchdog, h.log.lines.at(0).msgno);
}

TEST(WatchdogSession, TakesTheFreeLockAndOrdersAtOnce) {
  make_session(certs(1));
  session->tick();
  CHECK(session->holds_store());
  LONGS_EQUAL(1, h.ca.orders_created());
  LONGS_EQUAL(0, lines_with("store lock"));  // nothing to tell when it was free
  CHECK_FALSE(h.activation.marked(ActivationSignal::kWatchdogWaiting, kGeneration - 1 + 1));
}

TEST(WatchdogSession, WaitsForTheOldWatchdogAndTellsItOnce) {
  FileLock old_watchdog(options.lock_path);
  CHECK(old_watchdog.try_lock().ok());
  make_session(certs(1));
  for (int i = 0; i < 3; ++i) {
    LONGS_EQUAL(100000, session->tick().count());  // asks again within a slice
    h.clock.advance(Seconds(1));
  }
  CHECK_FALSE(session->holds_store());
  LONGS_EQUAL(0, h.ca.requests_seen());
  CHECK(h.activation.marked(ActivationSignal::kWatchdogWaiting,
                            kGeneration - 1 + 1));  // the old one hands over
  LONGS_EQUAL(1, lines_with("waiting for the store lock"));
  CHECK(h.log.contains("(another watchdog is still working)"));
  CHECK(h.log.lines.at(1).level == LogLevel::kInfo);
  old_watchdog.unlock();
  session->tick();
  CHECK(session->holds_store());
  LONGS_EQUAL(1, lines_with("store lock " + options.lock_path + " taken"));
  LONGS_EQUAL(1, h.ca.orders_created());
}

TEST(WatchdogSession, AnUnusableLockFileIsAWarning) {
  options.lock_path = dir + "/missing/lock";
  make_session(certs(1));
  session->tick();
  session->tick();
  CHECK_FALSE(session->holds_store());
  LONGS_EQUAL(1, lines_with("waiting for the store lock"));
  CHECK(h.log.lines.at(1).level == LogLevel::kWarn);
  CHECK_FALSE(h.log.contains("another watchdog"));
}

// What the previous watchdog left in shared memory goes once this one holds
// the lock: never while the old one may still be answering with it.
TEST(WatchdogSession, ClearsTheAnswersLeftOnlyOnceItHoldsTheLock) {
  CHECK(h.table.put("old.example", "tok", "tok.thumb").ok());
  CHECK(alpn.table.put("old.example", "cert+key").ok());
  FileLock old_watchdog(options.lock_path);
  CHECK(old_watchdog.try_lock().ok());
  make_session({});
  session->tick();
  std::string value;
  CHECK(h.table.lookup("old.example", "tok", &value));
  CHECK(alpn.table.get("old.example", &value));
  old_watchdog.unlock();
  session->tick();
  CHECK_FALSE(h.table.lookup("old.example", "tok", &value));
  CHECK_FALSE(alpn.table.get("old.example", &value));
}

TEST(WatchdogSession, SleepsAsLongAsTheRenewerAsks) {
  make_session({});
  LONGS_EQUAL(30 * 1000000L, session->tick().count());  // the admin-request poll
}

TEST(WatchdogSession, NoDrainWithoutTheParentsWord) {
  order_in_flight();
  session->drain();
  LONGS_EQUAL(0, lines_with("graceful restart"));
  LONGS_EQUAL(1, h.ca.orders_created());
}

TEST(WatchdogSession, NoDrainOnAStopOrWithoutAParent) {
  order_in_flight();
  h.activation.mark(ActivationSignal::kDrainPermitted, kGeneration);
  h.activation.mark(ActivationSignal::kDrainHalted, kGeneration);
  session->drain();
  LONGS_EQUAL(0, lines_with("graceful restart"));
  make_session(certs(3));
  parent_gone = true;
  session->drain();
  LONGS_EQUAL(0, lines_with("graceful restart"));
}

TEST(WatchdogSession, NoDrainWithoutTheLock) {
  FileLock old_watchdog(options.lock_path);
  CHECK(old_watchdog.try_lock().ok());
  make_session(certs(1));
  session->tick();
  h.activation.mark(ActivationSignal::kDrainPermitted, kGeneration);
  session->drain();
  LONGS_EQUAL(0, lines_with("graceful restart"));
}

TEST(WatchdogSession, NoDrainWithNothingInFlight) {
  make_session({});
  session->tick();
  h.activation.mark(ActivationSignal::kDrainPermitted, kGeneration);
  session->drain();
  LONGS_EQUAL(0, lines_with("graceful restart"));
}

// The successor already waits: the steps in flight end (none with a
// synchronous CA) and the orders stay in their job files for it.
TEST(WatchdogSession, HandsOverOnceTheSuccessorWaits) {
  order_in_flight();
  h.activation.mark(ActivationSignal::kDrainPermitted, kGeneration);
  h.activation.mark(ActivationSignal::kWorkOnPermitted, kGeneration);
  h.activation.mark(ActivationSignal::kWatchdogWaiting, kGeneration + 1);
  session->drain();
  CHECK(h.log.contains("graceful restart: this watchdog works on until the next one is up"));
  CHECK(h.log.contains("(at most 20 s)"));
  CHECK(h.log.contains("handing over with orders left: the next watchdog resumes them"));
  LONGS_EQUAL(1, h.ca.orders_created());  // no new order for the waiting names
}

// One order past its validation (the CA issues it) and two names waiting
// for a place.
void issuing_order_in_flight(TEST_GROUP_CppUTestGroupWatchdogSession& t) {
  t.h.ca.issue_on_poll = true;
  t.order_in_flight();
  t.h.clock.advance(Millis(100));
  t.session->tick();  // ready: finalized, processing
  CHECK_FALSE(has_staged(t.h.store, "n0.example"));
}

// After an admin's graceful restart (perhaps a changed configuration) the
// order in flight is finished and no other starts.
TEST(WatchdogSession, AfterAnAdminRestartFinishesTheOrderInFlightOnly) {
  issuing_order_in_flight(*this);
  h.activation.mark(ActivationSignal::kDrainPermitted, kGeneration);
  session->drain();
  CHECK(h.log.contains("graceful restart: this watchdog works on"));
  CHECK_TEXT(h.log.contains("orders finished: the next watchdog takes over"), h.log_text().c_str());
  CHECK(has_staged(h.store, "n0.example"));
  LONGS_EQUAL(1, h.ca.orders_created());
}

// After an activation (same configuration) it works on: a place freed goes
// to a name waiting for one, until the successor shows up.
TEST(WatchdogSession, AfterAnActivationWorksOnUntilTheSuccessorIsUp) {
  issuing_order_in_flight(*this);
  h.activation.mark(ActivationSignal::kDrainPermitted, kGeneration);
  h.activation.mark(ActivationSignal::kWorkOnPermitted, kGeneration);
  h.ca.on_request = [this](const HttpRequest&) {
    if (h.ca.orders_created() == 2 && successor_after_sleeps < 0)
      successor_after_sleeps = sleeps + 1;
  };
  session->drain();
  CHECK(has_staged(h.store, "n0.example"));
  LONGS_EQUAL(2, h.ca.orders_created());
  CHECK_TEXT(h.log.contains("handing over with orders left"), h.log_text().c_str());
}

// During the drain this generation's workers are gone: an order waiting for
// the CA to validate its http-01 answer is not polled (every poll would find
// it unchanged until the next generation's workers answer), nor finalized
// in place of a poll (refused as not ready, for the same reason). The next
// watchdog resumes it from its job file and polls once the CA has had its
// validation time, fetching no authorization again.
TEST(WatchdogSession, AnOrderWaitingForItsValidationIsLeftToTheSuccessor) {
  h.ca.defer_validation = true;
  order_in_flight();
  int order_fetches = 0, authz_fetches = 0, finalizes = 0;
  h.ca.on_request = [&](const HttpRequest& r) {
    if (r.url == std::string(FakeAcmeCa::kBase) + "/order/0") ++order_fetches;
    if (r.url == std::string(FakeAcmeCa::kBase) + "/order/0/finalize") ++finalizes;
    if (r.url == std::string(FakeAcmeCa::kBase) + "/authz/0") ++authz_fetches;
  };
  h.activation.mark(ActivationSignal::kDrainPermitted, kGeneration);
  h.activation.mark(ActivationSignal::kWorkOnPermitted, kGeneration);
  successor_after_sleeps = 5;
  session->drain();
  LONGS_EQUAL(0, order_fetches);
  LONGS_EQUAL(0, finalizes);
  CHECK(h.log.contains("handing over with orders left"));

  session.reset();  // the old watchdog exits
  options.generation = kGeneration + 1;
  make_session(certs(3));
  h.ca.run_validations();  // the new workers answer the CA's waiting requests
  session->tick();
  LONGS_EQUAL(0, order_fetches);  // not at once: the CA needs its validation time
  for (int i = 0; i < 20 && !has_staged(h.store, "n0.example"); ++i) {
    h.clock.advance(Millis(100));
    session->tick();
  }
  CHECK_TEXT(has_staged(h.store, "n0.example"), h.log_text().c_str());
  LONGS_EQUAL(0, authz_fetches);
  CHECK(order_fetches >= 1);
}

// The next watchdog (a new child after each graceful restart) starts with
// the old one's unused nonces (renew/nonce_handover.h): its first requests
// send no HEAD newNonce, and no nonce goes out twice (the fake CA would
// answer badNonce).
TEST(WatchdogSession, TheNextWatchdogStartsWithTheUnusedNonces) {
  const std::string saved = layout::ca_nonces_file(FakeAcmeCa::kDirectoryUrl);
  order_in_flight();
  h.activation.mark(ActivationSignal::kDrainPermitted, kGeneration);
  h.activation.mark(ActivationSignal::kWorkOnPermitted, kGeneration);
  h.activation.mark(ActivationSignal::kWatchdogWaiting, kGeneration + 1);
  session->drain();
  CHECK_FALSE(h.store.exists(saved));  // written as the watchdog ends, with the lock
  session.reset();
  CHECK(h.store.exists(saved));

  int heads = 0, posts = 0;
  h.ca.on_request = [&](const HttpRequest& r) {
    heads += r.method == "HEAD" ? 1 : 0;
    posts += r.method == "POST" ? 1 : 0;
  };
  options.generation = kGeneration + 1;
  make_session(certs(3));
  session->tick();
  for (int i = 0; i < 50 && posts < 3; ++i) {  // the resumed order's first poll is paced
    h.clock.advance(Millis(100));
    session->tick();
  }
  CHECK(posts >= 3);
  LONGS_EQUAL(0, heads);
  LONGS_EQUAL(0, h.ca.bad_nonces_sent());
  CHECK_FALSE(h.store.exists(saved));  // taken: never used twice
}

// A stop without a drain hands them over too.
TEST(WatchdogSession, AStopHandsTheNoncesOverToo) {
  make_session(certs(1));
  session->tick();
  session->drain();  // no word from the parent: returns at once
  CHECK(h.store.exists(layout::ca_nonces_file(FakeAcmeCa::kDirectoryUrl)) == false);
  session.reset();
  CHECK(h.store.exists(layout::ca_nonces_file(FakeAcmeCa::kDirectoryUrl)));
}

// Without the store lock it has no session and writes nothing.
TEST(WatchdogSession, NoNoncesSavedWithoutTheLock) {
  FileLock old_watchdog(options.lock_path);
  CHECK(old_watchdog.try_lock().ok());
  make_session(certs(1));
  session->tick();
  session.reset();
  CHECK_FALSE(h.store.exists(layout::ca_nonces_file(FakeAcmeCa::kDirectoryUrl)));
}
