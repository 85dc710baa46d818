#include "store/memory_store.h"

#include <CppUTest/TestHarness.h>

#include <string>

using namespace acme;

TEST_GROUP(MemoryStore) {
  MemoryStore store;
};

TEST(MemoryStore, WriteReadRoundTripRecordsMode) {
  CHECK(store.write("accounts/ca/key.pem", "k", 0600).ok());
  STRCMP_EQUAL("k", store.read("accounts/ca/key.pem")->c_str());
  LONGS_EQUAL(0600, store.modes["accounts/ca/key.pem"]);
  CHECK(store.exists("accounts/ca/key.pem"));
  CHECK(store.exists("accounts"));  // directories exist through their files
  STRCMP_EQUAL("/mem/accounts", store.absolute("accounts").c_str());
}

TEST(MemoryStore, ReadMissingIsNotFound) {
  auto r = store.read("nope");
  CHECK(r.status().code() == Code::kNotFound);
  CHECK(r.status().message().find("/mem/nope") != std::string::npos);
  CHECK_FALSE(store.exists("nope"));
}

TEST(MemoryStore, FailWritesKeepsOldContent) {
  CHECK(store.write("jobs/a/job.json", "old").ok());
  store.fail_writes = true;
  Status s = store.write("jobs/a/job.json", "new");
  CHECK(s.code() == Code::kIo);
  CHECK(s.message().find("No space left on device") != std::string::npos);
  CHECK(s.message().find("jobs/a/job.json") != std::string::npos);
  STRCMP_EQUAL("old", store.read("jobs/a/job.json")->c_str());
}

TEST(MemoryStore, ListSortedFirstComponentOnly) {
  CHECK(store.write("jobs/c", "").ok());
  CHECK(store.write("jobs/a", "").ok());
  CHECK(store.write("jobs/b/x", "").ok());
  CHECK(store.write("jobsx", "").ok());  // a sibling with the same prefix
  auto names = store.list("jobs");
  LONGS_EQUAL(3, names->size());
  STRCMP_EQUAL("a", (*names)[0].c_str());
  STRCMP_EQUAL("b", (*names)[1].c_str());
  STRCMP_EQUAL("c", (*names)[2].c_str());
  CHECK(store.list("missing")->empty());
  LONGS_EQUAL(2, store.list("")->size());
}

TEST(MemoryStore, RemoveTree) {
  CHECK(store.write("t/a", "1").ok());
  CHECK(store.write("t/b/c", "2").ok());
  CHECK(store.write("tt", "3").ok());
  CHECK(store.remove("t").ok());
  CHECK_FALSE(store.exists("t"));
  CHECK_FALSE(store.exists("t/b/c"));
  CHECK(store.exists("tt"));
  CHECK(store.remove("t").ok());
}

TEST(MemoryStore, ReadsThroughLinksAndSwaps) {
  CHECK(store.write("archive/a/1/cert.pem", "one").ok());
  CHECK(store.write("archive/a/2/cert.pem", "two").ok());
  CHECK(store.link("../archive/a/1", "live/a").ok());
  STRCMP_EQUAL("one", store.read("live/a/cert.pem")->c_str());
  LONGS_EQUAL(1, store.list("live/a")->size());
  CHECK(store.link("../archive/a/2", "live/a").ok());
  STRCMP_EQUAL("two", store.read("live/a/cert.pem")->c_str());
  STRCMP_EQUAL("../archive/a/2", store.read_link("live/a")->c_str());
  CHECK(store.read_link("archive/a/1/cert.pem").status().code() == Code::kInvalidArgument);
  CHECK(store.read_link("live/b").status().code() == Code::kNotFound);
}

TEST(MemoryStore, WriteThroughLinkedDirectoryLandsInTarget) {
  CHECK(store.link("../archive/a/1", "live/a").ok());
  CHECK(store.write("live/a/chain.pem", "c").ok());
  STRCMP_EQUAL("c", store.read("archive/a/1/chain.pem")->c_str());
}

TEST(MemoryStore, RemoveLinkKeepsTarget) {
  CHECK(store.write("archive/1/cert.pem", "one").ok());
  CHECK(store.link("../archive/1", "live/a").ok());
  CHECK(store.remove("live/a").ok());
  CHECK_FALSE(store.exists("live/a"));
  CHECK(store.exists("archive/1/cert.pem"));
}

TEST(MemoryStore, RejectsEscapingPaths) {
  CHECK(store.write("../x", "").code() == Code::kInvalidArgument);
  CHECK(store.read("/etc/passwd").status().code() == Code::kInvalidArgument);
  CHECK(store.link("../../outside", "live/a").code() == Code::kInvalidArgument);
  CHECK(store.link("/etc", "live/a").code() == Code::kInvalidArgument);
  CHECK(store.files.empty());
  CHECK(store.links.empty());
}
