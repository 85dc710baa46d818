// The Renewer's ACMENotifyCommand events that depend on what is live:
// `installed` is sent by the watchdog when the live serial differs from the
// one it (or, before the activating restart, its predecessor) last saw.
#include <memory>
#include <string>
#include <vector>

#include "certset/cert_files.h"
#include "crypto/crypto_test_util.h"
#include "renew/renew_test_util.h"
#include "renew/renewer.h"
#include "report/status_record.h"

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

using namespace acme;
using namespace acme::testing;

namespace {

struct RecordingNotifier : Notifier {
  void notify(const std::string& name, const std::string& event) override {
    events.push_back(name + " " + event);
  }
  std::vector<std::string> events;
};

}  // namespace

TEST_GROUP(RenewerNotify) {
  RenewHarness h;
  RecordingNotifier notifier;
  std::unique_ptr<Renewer> renewer;

  // A new watchdog (after a restart): nothing remembered but the store.
  void new_watchdog() {
    Renewer::Options options;
    renewer = std::make_unique<Renewer>(
        h.store, h.table, h.activation, h.clock, h.log,
        [this](const CaSettings&) { return h.ca.client(); }, [] { return 0.5; }, options);
    renewer->set_notifier(&notifier);
    renewer->set_certs({h.cert});
    renewer->start();
  }
  // live/a.example -> archive/a.example/<serial>, a 90-day leaf not yet due.
  void go_live(long serial) {
    Issued root =
        issue("Old Root", nullptr, "", h.clock.now() - 400 * kDay, h.clock.now() + 400 * kDay, 1);
    Issued leaf = issue("a.example", &root, "DNS:a.example,DNS:www.a.example", h.clock.now() - kDay,
                        h.clock.now() + 89 * kDay, serial);
    const std::string dir = "archive/a.example/" + std::to_string(serial);
    CHECK(h.store.write(dir + "/cert.pem", leaf.cert.to_pem()).ok());
    CHECK(h.store.remove("live/a.example").ok());
    CHECK(h.store.link("../" + dir, "live/a.example").ok());
  }
  void previous_record(const std::string& serial) {
    StatusRecord r;
    r.name = "a.example";
    r.state = serial.empty() ? "staged" : "valid";
    r.serial = serial;
    CHECK(write_status_record(h.store, r).ok());
  }
};

// The first certificate: the previous watchdog saw none live and staged
// one; the parent promoted it; the new watchdog tells.
TEST(RenewerNotify, InstalledAfterTheRestartThatActivatedIt) {
  previous_record("");
  go_live(7);
  new_watchdog();
  renewer->run_once();
  LONGS_EQUAL(1, notifier.events.size());
  STRCMP_EQUAL("a.example installed", notifier.events[0].c_str());
  renewer->run_once();
  new_watchdog();  // the next restart: the record names serial 7 now
  renewer->run_once();
  LONGS_EQUAL(1, notifier.events.size());
}

TEST(RenewerNotify, InstalledWhenTheLiveSerialChanges) {
  go_live(7);
  previous_record(read_live(h.store, "a.example")->serial);
  new_watchdog();
  renewer->run_once();
  CHECK(notifier.events.empty());
  go_live(8);
  h.clock.advance(Seconds(3601));  // the next look at the store
  renewer->run_once();
  LONGS_EQUAL(1, notifier.events.size());
  STRCMP_EQUAL("a.example installed", notifier.events[0].c_str());
}

// A store without status records (first start of this version) says
// nothing about what is new: no event rather than a wrong one.
TEST(RenewerNotify, NothingWithoutAPreviousLook) {
  go_live(7);
  new_watchdog();
  renewer->run_once();
  CHECK(notifier.events.empty());
}
