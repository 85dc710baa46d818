#include "report/ca_counts.h"

#include "fakes/fake_http_client.h"
#include "report/status_record.h"
#include "store/memory_store.h"

#include <CppUTest/TestHarness.h>

using namespace acme;
using namespace acme::testing;

namespace {

const std::string kCa = "https://127.0.0.1:14000/dir";

RequestCounts counts(long long requests, long long bad_nonces) {
  RequestCounts c;
  c.requests = requests;
  if (bad_nonces) c.errors["badNonce"] = bad_nonces;
  return c;
}

}  // namespace

TEST_GROUP(CaCounts){};

TEST(CaCounts, RoundTrip) {
  RequestCounts c = counts(42, 3);
  c.errors["rateLimited"] = 1;
  auto parsed = parse_ca_counts(ca_counts_json(CaCounts{kCa, c}));
  CHECK(parsed.ok());
  STRCMP_EQUAL(kCa.c_str(), parsed->ca.c_str());
  LONGS_EQUAL(42, parsed->counts.requests);
  CHECK(parsed->counts.errors == c.errors);
}

TEST(CaCounts, SavedWhenChangedAndReadBack) {
  MemoryStore store;
  std::string last;
  save_ca_counts(store, kCa, counts(0, 0), &last);
  CHECK(read_all_ca_counts(store).empty());  // a CA not asked yet has no file
  save_ca_counts(store, kCa, counts(5, 1), &last);
  LONGS_EQUAL(5, read_ca_counts(store, kCa).requests);
  store.files.clear();
  save_ca_counts(store, kCa, counts(5, 1), &last);  // unchanged: not written again
  CHECK(read_all_ca_counts(store).empty());
  save_ca_counts(store, kCa, counts(6, 1), &last);
  auto all = read_all_ca_counts(store);
  LONGS_EQUAL(1, all.size());
  LONGS_EQUAL(6, all[0].counts.requests);
  LONGS_EQUAL(1, all[0].counts.errors["badNonce"]);
}

// Spellings of one CA share one file; a missing file reads as zero.
TEST(CaCounts, OneFilePerCa) {
  MemoryStore store;
  std::string last;
  save_ca_counts(store, kCa, counts(2, 0), &last);
  LONGS_EQUAL(2, read_ca_counts(store, "https://127.0.0.1:14000/dir/").requests);
  LONGS_EQUAL(0, read_ca_counts(store, "https://other.test/dir").requests);
}

// The status records' listing does not take the counts for a certificate.
TEST(CaCounts, NotAStatusRecord) {
  MemoryStore store;
  std::string last;
  save_ca_counts(store, kCa, counts(2, 0), &last);
  CHECK(collect_status_records(store)->empty());
}

// A new session (a new watchdog) starts from the saved totals and writes
// only once it has counted a request of its own.
TEST(CaCounts, NewSessionCarriesOn) {
  MemoryStore store;
  std::string first;
  save_ca_counts(store, kCa, counts(7, 2), &first);
  FakeHttpClient http;
  AcmeClient client(http, kCa);
  std::string last = carry_on_ca_counts(store, client);
  LONGS_EQUAL(7, client.counts().requests);
  LONGS_EQUAL(2, client.counts().errors.at("badNonce"));
  store.files.clear();
  save_ca_counts(store, kCa, client.counts(), &last);
  CHECK(read_all_ca_counts(store).empty());  // nothing new: nothing written back
  http.push(make_response(503, "busy"));
  CHECK_FALSE(client.directory().ok());
  save_ca_counts(store, kCa, client.counts(), &last);
  LONGS_EQUAL(8, read_ca_counts(store, kCa).requests);
  LONGS_EQUAL(1, read_ca_counts(store, kCa).errors.at("network"));
}
