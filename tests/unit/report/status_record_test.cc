#include "report/status_record.h"

#include "store/memory_store.h"

#include <CppUTest/TestHarness.h>

using namespace acme;

namespace {

const TimePoint kNow = from_unix(1767225600);  // 2026-01-01T00:00:00Z

StatusRecord record(const std::string& state) {
  StatusRecord r;
  r.name = "a.test";
  r.state = state;
  return r;
}

}  // namespace

TEST_GROUP(StatusRecord){};

TEST(StatusRecord, LastSuccessRoundTrips) {
  StatusRecord r = record("staged");
  r.last_success = kNow;
  auto parsed = parse_status_record(status_record_json(r));
  CHECK(parsed.ok());
  CHECK(parsed->last_success == kNow);
}

// The records written after a success (valid, renewing, error) keep its time.
TEST(StatusRecord, LastSuccessKeptByLaterRecords) {
  MemoryStore store;
  StatusRecord staged = record("staged");
  staged.last_success = kNow;
  CHECK(write_status_record(store, staged).ok());
  CHECK(write_status_record(store, record("valid")).ok());
  CHECK(write_status_record(store, record("error")).ok());
  auto read = read_status_record(store, "a.test");
  CHECK(read.ok());
  STRCMP_EQUAL("error", read->state.c_str());
  CHECK(read->last_success == kNow);
  StatusRecord again = record("staged");
  again.last_success = kNow + std::chrono::hours(1);
  CHECK(write_status_record(store, again).ok());
  CHECK(read_status_record(store, "a.test")->last_success == kNow + std::chrono::hours(1));
}

TEST(StatusRecord, NoSuccessYetStaysAbsent) {
  MemoryStore store;
  CHECK(write_status_record(store, record("error")).ok());
  CHECK(read_status_record(store, "a.test")->last_success == TimePoint{});
  CHECK(status_record_json(record("error")).find("last_success") == std::string::npos);
}
