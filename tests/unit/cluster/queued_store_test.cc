// QueuedStore: the tick's view of the shared store. A MemoryStore plays the
// mirror (what etcd last showed) and another the EtcdStore the queue is
// flushed to; the tests move "etcd's" state into the mirror by hand, as the
// watch would.
#include "cluster/queued_store.h"

#include "base/fake_clock.h"
#include "store/memory_store.h"

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

using namespace acme;

namespace {

// A store whose writes fail while `down` (etcd unreachable).
class FlakyStore : public MemoryStore {
 public:
  bool down = false;
  Status write(const std::string& path, const std::string& data, int mode = 0644) override {
    if (down) return Status(Code::kNetwork, "etcd down");
    return MemoryStore::write(path, data, mode);
  }
  Status remove(const std::string& path) override {
    if (down) return Status(Code::kNetwork, "etcd down");
    return MemoryStore::remove(path);
  }
};

}  // namespace

TEST_GROUP(QueuedStore) {
  MemoryStore mirror;
  FlakyStore etcd;
  FakeClock clock{TimePoint{} + Seconds(1700000000)};
  std::unique_ptr<QueuedStore> store;
  void setup() override {
    store = std::make_unique<QueuedStore>(mirror, clock);
  }
  // The watch brings etcd's state back into the mirror.
  void watch_catches_up(const std::string& path) {
    auto v = etcd.read(path);
    if (v.ok()) {
      CHECK(mirror.write(path, *v).ok());
    } else {
      CHECK(mirror.remove(path).ok());
    }
  }
};

TEST(QueuedStore, ReadsTheMirrorUntilItWrites) {
  CHECK(mirror.write("status/a.test.json", "old").ok());
  STRCMP_EQUAL("old", store->read("status/a.test.json")->c_str());
  CHECK(store->write("status/a.test.json", "new").ok());
  STRCMP_EQUAL("new", store->read("status/a.test.json")->c_str());
  CHECK_FALSE(etcd.exists("status/a.test.json"));  // nothing sent from the tick
  LONGS_EQUAL(1, store->queued());
}

TEST(QueuedStore, FlushSendsInOrderAndSettlesOnceTheMirrorShowsIt) {
  CHECK(store->write("status/a.test.json", "one").ok());
  CHECK(store->write("status/b.test.json", "two").ok());
  CHECK(store->flush(etcd).ok());
  LONGS_EQUAL(0, store->queued());
  STRCMP_EQUAL("one", etcd.read("status/a.test.json")->c_str());
  store->settle();  // the mirror does not show it yet: still read from here
  STRCMP_EQUAL("two", store->read("status/b.test.json")->c_str());
  watch_catches_up("status/a.test.json");
  watch_catches_up("status/b.test.json");
  store->settle();
  CHECK(mirror.write("status/a.test.json", "another node's").ok());
  STRCMP_EQUAL("another node's", store->read("status/a.test.json")->c_str());
}

TEST(QueuedStore, ARemovedRequestIsGoneAtOnceAndStaysGone) {
  CHECK(mirror.write("requests/a.test.json", "{}").ok());
  CHECK(mirror.write("requests/b.test.json", "{}").ok());
  CHECK(etcd.write("requests/a.test.json", "{}").ok());
  CHECK(store->remove("requests/a.test.json").ok());
  CHECK_FALSE(store->exists("requests/a.test.json"));
  CHECK_FALSE(store->read("requests/a.test.json").ok());
  auto names = store->list("requests");
  LONGS_EQUAL(1, names->size());
  STRCMP_EQUAL("b.test.json", names->front().c_str());
  CHECK(store->flush(etcd).ok());
  CHECK_FALSE(etcd.exists("requests/a.test.json"));
  store->settle();  // sent, but the mirror still has it: still gone here
  CHECK_FALSE(store->exists("requests/a.test.json"));
  watch_catches_up("requests/a.test.json");
  store->settle();
  CHECK_FALSE(store->exists("requests/a.test.json"));
}

TEST(QueuedStore, ADirectoryRemovalHidesWhatLiesBelow) {
  CHECK(mirror.write("jobs/a.test/job.json", "{}").ok());
  CHECK(store->remove("jobs/a.test").ok());
  CHECK_FALSE(store->exists("jobs/a.test/job.json"));
  CHECK_FALSE(store->read("jobs/a.test/job.json").ok());
  CHECK(store->write("jobs/a.test/job.json", "{\"new\":1}").ok());  // written again after
  CHECK(store->exists("jobs/a.test"));
  STRCMP_EQUAL("{\"new\":1}", store->read("jobs/a.test/job.json")->c_str());
}

TEST(QueuedStore, ListsWhatItWroteBesideTheMirror) {
  CHECK(mirror.write("status/a.test.json", "a").ok());
  CHECK(store->write("status/b.test.json", "b").ok());
  auto names = store->list("status");
  LONGS_EQUAL(2, names->size());
  STRCMP_EQUAL("b.test.json", (*names)[1].c_str());
}

TEST(QueuedStore, AFailedFlushKeepsTheChangeAndTheLatestValueWins) {
  etcd.down = true;
  CHECK(store->write("status/a.test.json", "one").ok());
  CHECK(store->write("status/b.test.json", "b").ok());
  Status failed = store->flush(etcd);
  LONGS_EQUAL(static_cast<int>(Code::kNetwork), static_cast<int>(failed.code()));
  LONGS_EQUAL(2, store->queued());
  CHECK(store->write("status/a.test.json", "two").ok());
  LONGS_EQUAL(2, store->queued());  // once per path
  etcd.down = false;
  CHECK(store->flush(etcd).ok());
  STRCMP_EQUAL("two", etcd.read("status/a.test.json")->c_str());
  STRCMP_EQUAL("b", etcd.read("status/b.test.json")->c_str());
}

TEST(QueuedStore, AChangeTheMirrorNeverShowsStopsOverridingAfterTheLimit) {
  CHECK(mirror.write("status/a.test.json", "theirs").ok());
  CHECK(store->write("status/a.test.json", "ours").ok());
  CHECK(store->flush(etcd).ok());
  store->settle();
  STRCMP_EQUAL("ours", store->read("status/a.test.json")->c_str());
  clock.advance(QueuedStore::kSettleLimit);
  store->settle();
  STRCMP_EQUAL("theirs", store->read("status/a.test.json")->c_str());
}

TEST(QueuedStore, RefusesLinks) {
  Status s = store->link("1", "sets/a.test/current");
  LONGS_EQUAL(static_cast<int>(Code::kInvalidArgument), static_cast<int>(s.code()));
  CHECK(s.message().find("sets/a.test/current") != std::string::npos);
}
