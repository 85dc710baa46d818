// EtcdMirror and MirrorStore: loaded from a range, kept current by watch
// messages, read like the EtcdStore that wrote the values, without a request.
#include "cluster/etcd_mirror.h"

#include "cluster/etcd_store.h"
#include "cluster/fake_etcd.h"
#include "fakes/fake_http_client.h"

#include <CppUTest/TestHarness.h>

using namespace acme;
using acme::testing::FakeEtcd;
using acme::testing::FakeHttpClient;
using acme::testing::ForwardingHttpClient;

namespace {

const char* kPem = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMG\n-----END PRIVATE KEY-----\n";
const char* kRoot = "/mod_acme/store/";

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

ClusterKey cluster_key() {
  return std::move(ClusterKey::from_bytes(std::string(32, '\x42')).value());
}

EtcdLayout etcd_layout() {
  return std::move(EtcdLayout::make("/mod_acme").value());
}

EtcdEvent event(EtcdEvent::Type type, const std::string& key, const std::string& value,
                long long revision) {
  EtcdEvent e;
  e.type = type;
  e.kv.key = key;
  e.kv.value = value;
  e.kv.mod_revision = revision;
  return e;
}

}  // namespace

TEST_GROUP(EtcdMirror) {
  FakeEtcd fake;
  FakeHttpClient http;
  std::unique_ptr<EtcdClient> etcd;
  std::unique_ptr<EtcdStore> etcd_store;
  std::unique_ptr<EtcdStoreView> store;  // what writes the values
  EtcdMirror mirror{kRoot};
  std::unique_ptr<MirrorStore> view;
  void setup() override {
    http.handler = [this](const HttpRequest& r) { return fake.handle(r); };
    etcd = std::make_unique<EtcdClient>(std::vector<std::string>{"http://127.0.0.1:1"},
                                        std::make_unique<ForwardingHttpClient>(http));
    etcd_store = std::make_unique<EtcdStore>(*etcd, etcd_layout(), cluster_key());
    store = std::make_unique<EtcdStoreView>(*etcd_store);
    view = std::make_unique<MirrorStore>(mirror, etcd_layout(), cluster_key());
  }
  void load() {
    EtcdRange all;
    all.key = mirror.root();
    all.range_end = mirror.range_end();
    auto r = etcd->range(all);
    CHECK_TRUE(r.ok());
    mirror.load(*r);
  }
};

TEST(EtcdMirror, ReadsWhatTheEtcdStoreWroteWithoutARequest) {
  CHECK_TRUE(store->write("jobs/a.test/job.json", "{\"step\":1}").ok());
  CHECK_TRUE(store->write("jobs/a.test/privkey.pem", kPem, 0600).ok());
  CHECK_TRUE(store->write("jobs/b.test/job.json", "{}").ok());
  CHECK_TRUE(store->link("2", "sets/a.test/current").ok());
  fake.kv_["/mod_acme/locks/a.test"] = FakeEtcd::Entry{"web1", 9, 9, 0};  // outside the root
  load();
  CHECK_EQUAL(fake.revision_, mirror.revision());
  const std::size_t sent = fake.paths.size();
  STRCMP_EQUAL("{\"step\":1}", view->read("jobs/a.test/job.json")->c_str());
  STRCMP_EQUAL(kPem, view->read("jobs/a.test/privkey.pem")->c_str());  // opened
  STRCMP_EQUAL("2", view->read_link("sets/a.test/current")->c_str());
  auto jobs = view->list("jobs");
  LONGS_EQUAL(2, jobs->size());
  STRCMP_EQUAL("a.test", (*jobs)[0].c_str());
  STRCMP_EQUAL("b.test", (*jobs)[1].c_str());
  LONGS_EQUAL(2, view->list("")->size());  // jobs, sets; nothing outside the root
  CHECK_TRUE(view->exists("jobs/a.test"));
  CHECK_FALSE(view->exists("jobs/a"));
  LONGS_EQUAL(static_cast<int>(Code::kNotFound),
              static_cast<int>(view->read("jobs/c.test/job.json").status().code()));
  LONGS_EQUAL(sent, fake.paths.size());
}

TEST(EtcdMirror, WatchEventsKeepItCurrent) {
  CHECK_TRUE(store->write("status/a.test.json", "f1").ok());
  CHECK_TRUE(store->write("status/b.test.json", "f1").ok());
  load();
  const long long r = mirror.revision();
  EtcdWatchResponse m;
  m.events.push_back(
      event(EtcdEvent::Type::kPut, "/mod_acme/store/status/a.test.json", "f2", r + 1));
  m.events.push_back(
      event(EtcdEvent::Type::kDelete, "/mod_acme/store/status/b.test.json", "", r + 2));
  m.events.push_back(event(EtcdEvent::Type::kPut, "/mod_acme/other", "fx", r + 3));
  CHECK_TRUE(mirror.apply(m).ok());
  STRCMP_EQUAL("2", view->read("status/a.test.json")->c_str());
  CHECK_FALSE(view->exists("status/b.test.json"));
  CHECK_FALSE(mirror.find("/mod_acme/other"));
  CHECK_EQUAL(r + 3, mirror.revision());
  CHECK_EQUAL(r + 4, mirror.next_revision());
  EtcdWatchResponse replay;  // a restarted watch repeats an older put
  replay.events.push_back(
      event(EtcdEvent::Type::kPut, "/mod_acme/store/status/b.test.json", "f1", r));
  CHECK_TRUE(mirror.apply(replay).ok());
  CHECK_FALSE(view->exists("status/b.test.json"));
}

TEST(EtcdMirror, CompactedOrCanceledHistoryAsksForANewLoad) {
  CHECK_TRUE(store->write("status/a.test.json", "{}").ok());
  load();
  EtcdWatchResponse compacted;
  compacted.compact_revision = 40;
  compacted.events.push_back(
      event(EtcdEvent::Type::kDelete, "/mod_acme/store/status/a.test.json", "", 41));
  Status s = mirror.apply(compacted);
  CHECK_FALSE(s.ok());
  CHECK_TRUE(contains(s.message(), "40"));
  CHECK_TRUE(contains(s.message(), "range the subtree again"));
  CHECK_TRUE(view->exists("status/a.test.json"));  // serves its last state meanwhile
  EtcdWatchResponse canceled;
  canceled.canceled = true;
  canceled.cancel_reason = "mvcc: required revision has been compacted";
  CHECK_TRUE(contains(mirror.apply(canceled).message(), "required revision"));
}

TEST(EtcdMirror, NothingIsKnownBeforeTheFirstLoad) {
  auto r = view->read("jobs/a.test/job.json");
  LONGS_EQUAL(static_cast<int>(Code::kNetwork), static_cast<int>(r.status().code()));
  CHECK_TRUE(contains(r.status().message(), "/mod_acme/store/jobs/a.test/job.json"));
  CHECK_FALSE(view->exists("jobs"));
  CHECK_FALSE(view->list("").ok());
  CHECK_FALSE(view->list("jobs").ok());
}

TEST(EtcdMirror, AnAlteredSealedValueIsRefusedAsByTheStore) {
  CHECK_TRUE(store->write("keys/a.test/privkey.pem", kPem, 0600).ok());
  fake.kv_["/mod_acme/store/keys/a.test/privkey.pem"].value[9] ^= 0x01;
  load();
  auto r = view->read("keys/a.test/privkey.pem");
  LONGS_EQUAL(static_cast<int>(Code::kCrypto), static_cast<int>(r.status().code()));
  CHECK_TRUE(contains(r.status().message(), "/mod_acme/store/keys/a.test/privkey.pem"));
}

TEST(EtcdMirror, ItDoesNotWrite) {
  load();
  Status s = view->write("status/a.test.json", "{}");
  LONGS_EQUAL(static_cast<int>(Code::kInvalidArgument), static_cast<int>(s.code()));
  CHECK_TRUE(contains(s.message(), "/mod_acme/store/status/a.test.json"));
  CHECK_FALSE(view->remove("status").ok());
  CHECK_TRUE(contains(view->link("1", "sets/a/current").message(), "sets/a/current"));
  CHECK_TRUE(contains(view->write_unsynced("status/b.test.json", "{}").message(),
                      "/mod_acme/store/status/b.test.json"));
  CHECK_TRUE(fake.kv_.empty());
}
