#include "store/store.h"

#include <string>
#include <vector>

#include "store/memory_store.h"

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

using namespace acme;

TEST_GROUP(TakeRequestFile) {
  MemoryStore store;
  std::set<std::string> unremovable;
  std::vector<std::string> reports;
  std::function<void(const std::string&)> report = [this](const std::string& cause) {
    reports.push_back(cause);
  };
};

TEST(TakeRequestFile, RemovesTheFileAndSaysTakeIt) {
  CHECK(store.write("requests/a.json", "{}", 0644).ok());
  CHECK(take_request_file(store, "requests/a.json", unremovable, report));
  CHECK_FALSE(store.exists("requests/a.json"));
  LONGS_EQUAL(0, reports.size());
}

TEST(TakeRequestFile, AFileThatStaysIsNotTakenAndReportedOnce) {
  CHECK(store.write("requests/a.json", "{}", 0644).ok());
  store.fail_removes = true;
  CHECK_FALSE(take_request_file(store, "requests/a.json", unremovable, report));
  CHECK_FALSE(take_request_file(store, "requests/a.json", unremovable, report));  // next tick
  CHECK(store.exists("requests/a.json"));
  LONGS_EQUAL(1, reports.size());
  CHECK_FALSE(reports[0].empty());  // the cause
  CHECK(store.write("requests/b.json", "{}", 0644).ok());
  CHECK_FALSE(take_request_file(store, "requests/b.json", unremovable, report));
  LONGS_EQUAL(2, reports.size());  // another file: said once for it too
}
