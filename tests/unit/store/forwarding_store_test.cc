// ForwardingStore: each call reaches the Store store_for() names, with its
// arguments, and a decorator's override replaces just that call.
#include "store/forwarding_store.h"

#include <string>
#include <vector>

#include "store/memory_store.h"

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

using namespace acme;

namespace {

// Notes whether write_unsynced() itself was called (MemoryStore's is Store's,
// which calls write()).
class UnsyncedNotingStore : public MemoryStore {
 public:
  Status write_unsynced(const std::string& path, const std::string& data, int mode) override {
    unsynced.push_back(path);
    return write(path, data, mode);
  }
  std::vector<std::string> unsynced;
};

// Paths under "b/" go to b, the rest to a.
class SplitStore : public ForwardingStore {
 public:
  SplitStore(Store& a, Store& b) : a_(a), b_(b) {}

 protected:
  Store& store_for(const std::string& path) const override {
    return path.compare(0, 2, "b/") == 0 ? b_ : a_;
  }

 private:
  Store& a_;
  Store& b_;
};

// A decorator that changes removal only.
class NoRemoveStore : public SplitStore {
 public:
  using SplitStore::SplitStore;
  Status remove(const std::string& path) override {
    return Status(Code::kInvalidArgument, "not removing " + path);
  }
};

}  // namespace

TEST_GROUP(ForwardingStore) {
  UnsyncedNotingStore a, b;
  SplitStore split{a, b};
};

TEST(ForwardingStore, EachPathReachesTheStoreChosenForIt) {
  CHECK_TRUE(split.write("x.txt", "to a", 0600).ok());
  CHECK_TRUE(split.write("b/y.txt", "to b").ok());
  STRCMP_EQUAL("to a", a.files.at("x.txt").c_str());
  LONGS_EQUAL(0600, a.modes.at("x.txt"));
  STRCMP_EQUAL("to b", b.files.at("b/y.txt").c_str());
  LONGS_EQUAL(0, b.files.count("x.txt") + a.files.count("b/y.txt"));
  STRCMP_EQUAL("to b", split.read("b/y.txt")->c_str());
  CHECK_TRUE(split.exists("x.txt"));
  CHECK_FALSE(split.exists("b/x.txt"));
  STRCMP_EQUAL("/mem/b/y.txt", split.absolute("b/y.txt").c_str());
}

TEST(ForwardingStore, WriteUnsyncedReachesTheTargetsOwnMethod) {
  CHECK_TRUE(split.write_unsynced("b/job.json", "{}").ok());
  LONGS_EQUAL(1, b.unsynced.size());
  STRCMP_EQUAL("b/job.json", b.unsynced[0].c_str());
  LONGS_EQUAL(0, a.unsynced.size());
}

TEST(ForwardingStore, ListsRemovesAndLinksOnTheChosenSide) {
  CHECK_TRUE(split.write("b/d/1", "one").ok());
  CHECK_TRUE(split.link("1", "b/d/current").ok());
  STRCMP_EQUAL("1", split.read_link("b/d/current")->c_str());
  STRCMP_EQUAL("1", b.links.at("b/d/current").c_str());
  auto names = split.list("b/d");
  CHECK_TRUE(names.ok());
  LONGS_EQUAL(2, names->size());
  CHECK_TRUE(split.remove("b/d").ok());
  CHECK_FALSE(b.exists("b/d/1"));
}

TEST(ForwardingStore, AnOverrideReplacesOnlyItsCall) {
  NoRemoveStore guarded(a, b);
  CHECK_TRUE(guarded.write("x.txt", "kept").ok());
  Status removed = guarded.remove("x.txt");
  STRCMP_EQUAL("not removing x.txt", removed.message().c_str());
  STRCMP_EQUAL("kept", a.files.at("x.txt").c_str());
}
