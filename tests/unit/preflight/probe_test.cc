#include "preflight/probe.h"

#include <cstdint>
#include <vector>

#include "base/memory_log_sink.h"
#include "store/memory_store.h"

#include <CppUTest/TestHarness.h>  // last: it redefines new

using namespace acme;

namespace {

const TimePoint kNow = TimePoint(std::chrono::seconds(1'800'000'000));

}  // namespace

TEST_GROUP(ProbePublisher) {
  std::vector<std::uint64_t> memory =
      std::vector<std::uint64_t>(ChallengeTable::region_size(8) / 8 + 1, 0);
  ChallengeTable table;
  MemoryStore store;
  MemoryLogSink log;

  void setup() override {
    table = *ChallengeTable::format(memory.data(), memory.size() * 8, 8);
  }

  std::vector<std::string> requests() {
    return *store.list("requests");
  }
};

TEST(ProbePublisher, PublishesThenRemovesTheRequest) {
  ProbePublisher publisher(store, table, log);
  Probe p = new_probe("a.example");
  CHECK(p.token.rfind(kProbeTokenPrefix, 0) == 0);
  CHECK(p.value.size() >= 32);
  CHECK(write_probe_request(store, "id1", {p}).ok());
  CHECK(store.exists(probe_request_path("id1")));
  publisher.take(requests(), kNow);
  CHECK_FALSE(store.exists(probe_request_path("id1")));  // how acmectl knows it is served
  std::string value;
  CHECK(table.lookup("a.example", p.token, &value));
  STRCMP_EQUAL(p.value.c_str(), value.c_str());
  CHECK_FALSE(table.lookup("b.example", p.token, &value));
}

TEST(ProbePublisher, WithdrawsOnRequestAndAfterItsLifetime) {
  ProbePublisher publisher(store, table, log);
  Probe p = new_probe("a.example"), q = new_probe("b.example");
  CHECK(write_probe_request(store, "id1", {p, q}).ok());
  publisher.take(requests(), kNow);
  CHECK(write_probe_withdrawal(store, "id1", {p}).ok());
  publisher.take(requests(), kNow);
  CHECK_FALSE(table.lookup("a.example", p.token, nullptr));
  CHECK(table.lookup("b.example", q.token, nullptr));
  publisher.take(requests(), kNow + kProbeLifetime - std::chrono::seconds(1));
  CHECK(table.lookup("b.example", q.token, nullptr));
  publisher.take(requests(), kNow + kProbeLifetime);
  CHECK_FALSE(table.lookup("b.example", q.token, nullptr));
}

TEST(ProbePublisher, NeverTouchesAJobsAnswer) {
  ProbePublisher publisher(store, table, log);
  CHECK(table.put("a.example", "job-token", "key-authorization").ok());
  Probe fake{"a.example", "job-token", "x"};
  CHECK(write_probe_withdrawal(store, "id1", {fake}).ok());
  CHECK(write_probe_request(store, "id2", {Probe{"b.example", "other", "y"}}).ok());
  publisher.take(requests(), kNow);
  CHECK(table.lookup("a.example", "job-token", nullptr));
  CHECK_FALSE(table.lookup("b.example", "other", nullptr));
}

TEST(ProbePublisher, ABadRequestIsLoggedAndRemoved) {
  ProbePublisher publisher(store, table, log);
  CHECK(store.write("requests/_preflight-bad.json", "not json").ok());
  CHECK(store.write("requests/a.example.json", "{}").ok());  // an admin request: not ours
  publisher.take(requests(), kNow);
  CHECK_FALSE(store.exists("requests/_preflight-bad.json"));
  CHECK(store.exists("requests/a.example.json"));
  CHECK(log.contains("_preflight-bad.json"));
  LONGS_EQUAL(kMsgPreflight, log.lines.at(0).msgno);
}
