#include "acmectl/status_cmd.h"

#include <sstream>
#include <string>

#include "crypto/crypto_test_util.h"
#include "json/json.h"
#include "report/status_page.h"
#include "report/status_record.h"
#include "report/status_records.h"
#include "tools/ctl_test_util.h"

#include <CppUTest/TestHarness.h>

using namespace acme;
using namespace acme::ctl;
using namespace acme::testing;

namespace {

const TimePoint kNow = from_unix(1767225600);  // 2026-01-01T00:00:00Z
const auto kDay = std::chrono::hours(24);

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace

TEST_GROUP(StatusCmd) {
  TempStore* temp = nullptr;
  std::ostringstream out, err;

  void setup() override {
    temp = new TempStore;
  }
  void teardown() override {
    delete temp;
  }
  Store& store() {
    return temp->store();
  }
  int run(bool json = false) {
    return run_status(store(), json, kNow, out, err);
  }
  // A live set without a status record, as an older server or a fresh
  // promotion leaves it.
  void add_live_only(const std::string& name) {
    Issued root = issue("Root", nullptr, "", kNow - kDay, kNow + 365 * kDay, 1);
    Issued leaf = issue(name, &root, "DNS:" + name, kNow - kDay, kNow + 20 * kDay, 0x77);
    CHECK(store().write("live/" + name + "/cert.pem", leaf.cert.to_pem()).ok());
  }
};

TEST(StatusCmd, EmptyStoreIsWell) {
  LONGS_EQUAL(kExitOk, run());
  CHECK(contains(out.str(), "No certificates"));
}

TEST(StatusCmd, ListsRecordsAndLiveSetsSorted) {
  CHECK(write_status_record(store(), valid_status_record(kNow, "b.example")).ok());
  CHECK(write_status_record(store(), valid_status_record(kNow, "a.example")).ok());
  add_live_only("c.example");
  auto records = collect_status_records(store());
  CHECK(records.ok());
  LONGS_EQUAL(3, records->size());
  STRCMP_EQUAL("a.example", (*records)[0].name.c_str());
  STRCMP_EQUAL("c.example", (*records)[2].name.c_str());
  const StatusRecord& live = (*records)[2];
  STRCMP_EQUAL("unknown", live.state.c_str());
  STRCMP_EQUAL("p256", live.key_type.c_str());
  STRCMP_EQUAL("77", live.serial.c_str());
  CHECK(live.not_after == kNow + 20 * kDay);
}

TEST(StatusCmd, TextShowsWhatAnAdminNeeds) {
  CHECK(write_status_record(store(), valid_status_record(kNow, "a.example")).ok());
  add_live_only("c.example");
  LONGS_EQUAL(kExitOk, run());
  std::string text = out.str();
  CHECK_TEXT(contains(text, "a.example\n  names:        a.example, www.a.example\n"), text.c_str());
  CHECK(contains(text, "key type:     p256"));
  CHECK(contains(text, "serial:       0A1B2C"));
  CHECK(contains(text, "expires:      2026-03-01T00:00:00Z (59 days left)"));
  CHECK(contains(text, "next renewal: 2026-02-09T00:00:00Z (in 39 days)"));
  CHECK(contains(text, "state:        valid"));
  CHECK(contains(text, "last error:   -"));
  CHECK(contains(text, "no status record"));
  CHECK(contains(text, "2 certificates, all well."));
}

TEST(StatusCmd, FailedRenewalNeedsAttention) {
  StatusRecord r = valid_status_record(kNow, "a.example");
  r.state = "renewing";
  r.last_error = "ordering a.example: the CA said rateLimited";
  r.last_error_at = kNow - kDay;
  r.failures = 3;
  CHECK(write_status_record(store(), r).ok());
  LONGS_EQUAL(kExitProblem, run());
  std::string text = out.str();
  CHECK_TEXT(contains(text,
                      "last error:   2025-12-31T00:00:00Z: ordering a.example: the CA said "
                      "rateLimited (3 failures in a row)"),
             text.c_str());
  CHECK(contains(text, "1 needing attention:\n  a.example: the last renewal attempt failed"));
}

TEST(StatusCmd, ExpiredAndUnreadableNeedAttention) {
  StatusRecord expired = valid_status_record(kNow, "a.example");
  expired.not_after = kNow - 2 * kDay;
  CHECK(record_problem(expired, kNow) == "the certificate has expired");
  CHECK(write_status_record(store(), expired).ok());
  CHECK(store().write("status/b.example.json", "{not json").ok());
  LONGS_EQUAL(kExitProblem, run());
  CHECK(contains(out.str(), "EXPIRED 2 days ago"));
  CHECK(contains(out.str(), "state:        unreadable"));
  CHECK(record_problem(valid_status_record(kNow, "x"), kNow).empty());
}

// Issue 9 item 3: one status schema. `acmectl status --json` prints the very
// document /acme-status?json serves (status_json of the same records).
TEST(StatusCmd, JsonIsTheStatusPageDocument) {
  CHECK(write_status_record(store(), valid_status_record(kNow, "a.example")).ok());
  add_live_only("c.example");
  LONGS_EQUAL(kExitOk, run(true));
  STRCMP_EQUAL(status_json(*collect_status_records(store()), kNow).c_str(), out.str().c_str());
  auto json = Json::parse(out.str());
  CHECK_TEXT(json.ok(), out.str().c_str());
  Json certificates = json->get("certificates");
  LONGS_EQUAL(2, certificates.size());
  auto first = parse_status_record(certificates.at(0).dump());
  CHECK(first.ok());
  STRCMP_EQUAL("a.example", first->name.c_str());
  STRCMP_EQUAL("valid", first->state.c_str());
  CHECK(first->not_after == kNow + 59 * kDay);
  LONGS_EQUAL(59, certificates.at(0).get_int_or("days_left", -1));
  CHECK(contains(out.str(), "\"next_renewal\": \"2026-02-09T00:00:00Z\""));
}

TEST(StatusCmd, ManagedNames) {
  CHECK(write_status_record(store(), valid_status_record(kNow, "b.example")).ok());
  add_live_only("b.example");
  add_live_only("a.example");
  CHECK(store().write("status/notes.txt", "x").ok());
  auto names = managed_names(store());
  CHECK(names.ok());
  LONGS_EQUAL(2, names->size());
  STRCMP_EQUAL("a.example", (*names)[0].c_str());
  STRCMP_EQUAL("b.example", (*names)[1].c_str());
}
