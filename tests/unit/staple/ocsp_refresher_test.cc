// OcspRefresher: the persisted response comes back after a full restart
// (Renewer::start loads it into the empty shared-memory table) only when it
// still verifies for the live certificate and is fresh, and an entry is only
// ever stapled for the leaf serial it was fetched for.
#include "staple/ocsp_refresher.h"

#include <openssl/ocsp.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "crypto/crypto_test_util.h"
#include "crypto/test_ocsp.h"
#include "fakes/fake_http_client.h"
#include "renew/held_network.h"
#include "renew/renew_test_util.h"
#include "renew/renewer.h"
#include "store/layout.h"

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

using namespace acme;
using namespace acme::testing;

namespace {

Issued ocsp_leaf(const Issued& issuer, long serial) {
  return issue_with_extensions("a.example", issuer, kStart - kDay, kStart + 60 * kDay, serial,
                               {{NID_basic_constraints, "critical,CA:FALSE"},
                                {NID_ext_key_usage, "serverAuth"},
                                {NID_subject_alt_name, "DNS:a.example"},
                                {NID_info_access, "OCSP;URI:http://ocsp.test/"}});
}

}  // namespace

TEST_GROUP(OcspRefresher) {
  RenewHarness h;
  std::vector<std::uint64_t> memory =
      std::vector<std::uint64_t>(OcspTable::region_size(4) / 8 + 1, 0);
  OcspTable ocsp_table = *OcspTable::format(memory.data(), memory.size() * 8, 4);
  Issued ca = issue("Test CA", nullptr, "", kStart - 365 * kDay, kStart + 365 * kDay, 1);
  Issued leaf = ocsp_leaf(ca, 7);
  FakeHttpClient* http = nullptr;  // owned by the refresher

  void go_live(const Issued& cert) {
    CHECK(h.store.write("archive/a.example/1/fullchain.pem", cert.cert.to_pem() + ca.cert.to_pem())
              .ok());
    CHECK(h.store.write("archive/a.example/1/cert.pem", cert.cert.to_pem()).ok());
    CHECK(h.store.link("../archive/a.example/1", "live/a.example").ok());
  }
  std::unique_ptr<OcspRefresher> refresher() {
    auto fake = std::make_unique<FakeHttpClient>();
    http = fake.get();
    return std::make_unique<OcspRefresher>(h.store, ocsp_table, h.clock, h.log, std::move(fake));
  }
  // The watchdog after a full restart: a new Renewer, started.
  void restart(OcspRefresher & ocsp) {
    Renewer renewer(
        h.store, h.table, h.activation, h.clock, h.log,
        [this](const CaSettings&) { return h.ca.client(); }, [] { return 0.5; },
        Renewer::Options());
    renewer.set_ocsp(&ocsp);
    renewer.set_certs({h.cert});
    renewer.start();
  }
  bool stapled_for(const std::string& serial, std::string* der) {
    std::string entry;
    return ocsp_table.get("a.example", &entry) && staple_for_serial(entry, serial, der);
  }
};

// The README's promise: a restart staples at once, from ocsp/<name>.der.
TEST(OcspRefresher, PersistedResponseIsStapledAfterARestart) {
  go_live(leaf);
  const std::string der = good_ocsp_response(leaf, ca, kStart - kDay, kStart + 3 * kDay);
  CHECK(h.store.write("ocsp/a.example.der", der).ok());
  auto ocsp = refresher();
  restart(*ocsp);
  std::string stapled;
  CHECK_TEXT(stapled_for(leaf.cert.serial_hex(), &stapled), h.log_text().c_str());
  CHECK(stapled == der);
  CHECK(ocsp->state("a.example") && ocsp->state("a.example")->have_response);
  LONGS_EQUAL(0, http->requests.size());  // nothing fetched: half its validity is ahead
}

TEST(OcspRefresher, StaleOrForeignResponseIsNotRestored) {
  go_live(leaf);
  Issued other = ocsp_leaf(ca, 8);
  for (const std::string& der :
       {good_ocsp_response(leaf, ca, kStart - 5 * kDay, kStart - kDay),      // stale
        good_ocsp_response(other, ca, kStart - kDay, kStart + 3 * kDay)}) {  // another serial
    CHECK(h.store.write("ocsp/a.example.der", der).ok());
    auto ocsp = refresher();
    restart(*ocsp);
    std::string entry;
    CHECK_FALSE(ocsp_table.get("a.example", &entry));
  }
}

// After a renewal the entry still holds the predecessor's response until a
// new one is fetched; it must not be stapled for the new leaf.
TEST(OcspRefresher, RenewedCertificateNeverGetsItsPredecessorsResponse) {
  go_live(leaf);
  auto ocsp = refresher();
  http->push(make_response(200, good_ocsp_response(leaf, ca, kStart - kDay, kStart + 3 * kDay)));
  ocsp->refresh(h.cert);
  std::string der;
  CHECK(stapled_for(leaf.cert.serial_hex(), &der));
  Issued renewed = ocsp_leaf(ca, 9);
  CHECK(h.store.remove("live/a.example").ok());
  go_live(renewed);
  http->push_error(Status(Code::kNetwork, "responder down"));
  CHECK(ocsp->refresh(h.cert).errored);
  CHECK_FALSE(stapled_for(renewed.cert.serial_hex(), &der));
  http->push(make_response(200, good_ocsp_response(renewed, ca, kStart - kDay, kStart + 3 * kDay)));
  h.clock.advance(std::chrono::hours(1));
  ocsp->refresh(h.cert);
  CHECK(stapled_for(renewed.cert.serial_hex(), &der));
  CHECK_FALSE(stapled_for(leaf.cert.serial_hex(), &der));
}

// Issue 7 item 5: a responder that does not answer holds its own fiber, not
// the watchdog's tick (before, the refresh waited out libcurl's timeout).
TEST(OcspRefresher, ASilentResponderHoldsNoTick) {
  go_live(leaf);
  FakeHttpClient responder;
  responder.push(
      make_response(200, good_ocsp_response(leaf, ca, kStart - kDay, kStart + 3 * kDay)));
  bool hold = true;
  int in_flight = 0;
  OcspRefresher ocsp(h.store, ocsp_table, h.clock, h.log,
                     std::make_unique<HeldClient>(responder, h.clock, &hold, &in_flight));
  ClockDriver driver(h.clock, &in_flight);
  Renewer::Options options;
  options.tick_budget = Millis(300);
  Renewer renewer(
      h.store, h.table, h.activation, h.clock, h.log,
      [this](const CaSettings&) { return h.ca.client(); }, [] { return 0.5; }, options);
  renewer.set_http_driver(&driver);
  renewer.set_ocsp(&ocsp);
  renewer.set_certs({h.cert});
  renewer.start();
  const TimePoint before = h.clock.now();
  renewer.run_once();
  CHECK(h.clock.now() - before <= Millis(300) + Millis(20));  // the tick did not wait
  LONGS_EQUAL(1u, renewer.side_in_flight());
  std::string der;
  CHECK_FALSE(stapled_for(leaf.cert.serial_hex(), &der));
  hold = false;  // the responder answers: the next tick staples
  renewer.run_once();
  CHECK_TEXT(stapled_for(leaf.cert.serial_hex(), &der), h.log_text().c_str());
  LONGS_EQUAL(0u, renewer.side_in_flight());
}

TEST(OcspRefresher, StapleEntry) {
  std::string der;
  CHECK(staple_for_serial(staple_entry("0A1B", "\x30\x03"), "0A1B", &der));
  STRCMP_EQUAL("\x30\x03", der.c_str());
  CHECK_FALSE(staple_for_serial(staple_entry("0A1B", "\x30\x03"), "0A1C", &der));
  CHECK_FALSE(staple_for_serial(staple_entry("0A1B", "\x30\x03"), "0A", &der));
  CHECK_FALSE(staple_for_serial(staple_entry("0A1B", "\x30\x03"), "", &der));
  CHECK_FALSE(staple_for_serial("\x30\x03", "0A1B", &der));
}
