// shared_paths: the routing table and the sealed list, checked against the
// store layout's own spellings (store/layout.h), so a layout change that
// adds a directory or moves a private key fails here, not in etcd.
#include "cluster/shared_paths.h"

#include <map>
#include <string>

#include "store/layout.h"

#include <CppUTest/TestHarness.h>

using namespace acme;

namespace {

const char* kCa = "https://acme.example.org/directory";

bool shared(const std::string& path) {
  return store_side(path) == StoreSide::kShared;
}

}  // namespace

TEST_GROUP(SharedPaths){};

// Every directory the watchdog writes has a decision; a new one must be given
// one here (and in shared_paths.cc) before it can be added to the layout.
TEST(SharedPaths, EveryChildWritableDirectoryIsDecided) {
  const std::map<std::string, bool> decided = {
      {"accounts", true}, {"jobs", true}, {"staging", false}, {"status", true}, {"requests", true},
      {"ocsp", true},     {"keys", true}, {"dns01", true},    {"ari", true}};
  std::size_t n = 0;
  for (const char* dir : layout::kChildWritable) {
    ++n;
    auto it = decided.find(dir);
    CHECK_TEXT(it != decided.end(), dir);
    CHECK_EQUAL_TEXT(it->second, shared(std::string(dir) + "/x"), dir);
  }
  LONGS_EQUAL(decided.size(), n);
}

TEST(SharedPaths, TheFileContractStaysLocal) {
  CHECK_FALSE(shared(layout::live_dir("a.test")));
  CHECK_FALSE(shared(layout::archive_dir("a.test") + "/3/privkey.pem"));
  CHECK_FALSE(shared(layout::staging_dir("*.a.test") + "/fullchain.pem"));
  CHECK_FALSE(shared(layout::fallback_dir("a.test") + "/cert.pem"));
  CHECK_FALSE(shared("status/ca/x.json"));  // this node's counters
  CHECK_FALSE(shared("unknown/x"));         // unlisted: local
  CHECK_FALSE(shared("jobsx/a"));           // whole components only
}

TEST(SharedPaths, SharedStateGoesToEtcd) {
  CHECK_TRUE(shared(layout::account_dir(kCa) + "/account.json"));
  CHECK_TRUE(shared(layout::job_dir("*.a.test") + "/job.json"));
  CHECK_TRUE(shared(layout::status_file("a.test")));
  CHECK_TRUE(shared(layout::request_file("a.test")));
  CHECK_TRUE(shared(std::string(layout::kRequestsDir) + "/" + layout::kAccountRolloverRequest));
  CHECK_TRUE(shared(layout::ari_file("a.test")));
  CHECK_TRUE(shared(layout::kept_key("a.test")));
  CHECK_TRUE(
      shared(layout::file_in(layout::shared_set_dir("a.test", "3"), layout::kFullchainFile)));
  CHECK_TRUE(shared(layout::shared_set_current("a.test")));
}

TEST(SharedPaths, PrivateKeysOfTheLayoutAreSealed) {
  const std::string account_key = layout::account_dir(kCa) + "/account.key.pem";
  CHECK_TRUE(is_sealed_path(account_key));
  CHECK_TRUE(is_sealed_path(account_key + ".new"));  // ca_session's rollover siblings
  CHECK_TRUE(is_sealed_path(account_key + ".old"));
  CHECK_TRUE(is_sealed_path(layout::job_dir("*.a.test") + "/privkey.pem"));
  CHECK_TRUE(is_sealed_path(layout::kept_key("a.test")));
  CHECK_TRUE(
      is_sealed_path(layout::file_in(layout::shared_set_dir("a.test", "3"), layout::kPrivkeyFile)));
}

TEST(SharedPaths, NothingElseIsSealed) {
  CHECK_FALSE(is_sealed_path(layout::account_dir(kCa) + "/account.json"));
  CHECK_FALSE(is_sealed_path(layout::job_dir("a.test") + "/job.json"));
  CHECK_FALSE(is_sealed_path(
      layout::file_in(layout::shared_set_dir("a.test", "3"), layout::kFullchainFile)));
  CHECK_FALSE(is_sealed_path("jobs/a.test/sub/privkey.pem"));  // one component per '*'
  CHECK_FALSE(is_sealed_path("privkey.pem"));
}

TEST(SharedPaths, OtherSideBelowADirectory) {
  auto below_status = other_side_below("status");
  LONGS_EQUAL(1, below_status.size());
  STRCMP_EQUAL("ca", below_status[0].c_str());
  CHECK_TRUE(other_side_below("jobs").empty());
  CHECK_TRUE(other_side_below("status/ca").empty());
  auto below_root = other_side_below("");  // the root is local: the shared tops
  LONGS_EQUAL(9, below_root.size());
  for (const auto& name : below_root) CHECK_TEXT(shared(name), name.c_str());
}
