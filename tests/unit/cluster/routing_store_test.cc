// RoutingStore: a MemoryStore for the node's files, an EtcdStore over
// FakeEtcd for the shared state; each path lands on its side only.
#include "cluster/routing_store.h"

#include "cluster/etcd_store.h"
#include "cluster/fake_etcd.h"
#include "fakes/fake_http_client.h"
#include "store/memory_store.h"

#include <CppUTest/TestHarness.h>

using namespace acme;
using acme::testing::FakeEtcd;
using acme::testing::FakeHttpClient;
using acme::testing::ForwardingHttpClient;

namespace {

const char* kPem = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMG\n-----END PRIVATE KEY-----\n";

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_GROUP(RoutingStore) {
  FakeEtcd fake;
  FakeHttpClient http;
  MemoryStore local;
  std::unique_ptr<EtcdClient> etcd;
  std::unique_ptr<EtcdStore> shared;
  std::unique_ptr<EtcdStoreView> shared_view;
  std::unique_ptr<RoutingStore> store;
  void setup() override {
    http.handler = [this](const HttpRequest& r) { return fake.handle(r); };
    etcd = std::make_unique<EtcdClient>(std::vector<std::string>{"http://127.0.0.1:1"},
                                        std::make_unique<ForwardingHttpClient>(http));
    shared = std::make_unique<EtcdStore>(
        *etcd, std::move(EtcdLayout::make("/mod_acme").value()),
        std::move(ClusterKey::from_bytes(std::string(32, '\x42')).value()));
    shared_view = std::make_unique<EtcdStoreView>(*shared);
    store = std::make_unique<RoutingStore>(local, *shared_view);
  }
  bool in_etcd(const std::string& path) {
    return fake.kv_.count("/mod_acme/store/" + path) > 0;
  }
};

TEST(RoutingStore, SharedStateGoesToEtcdOnly) {
  CHECK_TRUE(store->write_unsynced("jobs/a.test/job.json", "{}").ok());
  CHECK_TRUE(store->write("accounts/ca/account.key.pem", kPem, 0600).ok());
  CHECK_TRUE(store->write("status/a.test.json", "{}").ok());
  CHECK_TRUE(in_etcd("jobs/a.test/job.json"));
  CHECK_TRUE(in_etcd("status/a.test.json"));
  CHECK_FALSE(contains(fake.kv_["/mod_acme/store/accounts/ca/account.key.pem"].value, "PRIVATE"));
  CHECK_TRUE(local.files.empty());
  STRCMP_EQUAL(kPem, store->read("accounts/ca/account.key.pem")->c_str());
  CHECK_TRUE(store->exists("jobs/a.test"));
  STRCMP_EQUAL("etcd:/mod_acme/store/jobs/a.test/job.json",
               store->absolute("jobs/a.test/job.json").c_str());
}

TEST(RoutingStore, TheFileContractStaysOnThisNodeWithoutARequest) {
  CHECK_TRUE(store->write("staging/a.test/privkey.pem", kPem, 0600).ok());
  CHECK_TRUE(store->write("archive/a.test/1/cert.pem", "cert").ok());
  CHECK_TRUE(store->link("../archive/a.test/1", "live/a.test").ok());
  CHECK_TRUE(store->write("status/ca/x.json", "{}").ok());  // this node's counters
  STRCMP_EQUAL("cert", store->read("live/a.test/cert.pem")->c_str());
  STRCMP_EQUAL("../archive/a.test/1", store->read_link("live/a.test")->c_str());
  CHECK_TRUE(store->exists("staging/a.test/privkey.pem"));
  LONGS_EQUAL(1, store->list("live")->size());
  CHECK_TRUE(store->remove("staging/a.test").ok());
  STRCMP_EQUAL("/mem/live/a.test", store->absolute("live/a.test").c_str());
  CHECK_TRUE(fake.paths.empty());
  STRCMP_EQUAL("{}", local.files["status/ca/x.json"].c_str());
}

TEST(RoutingStore, ListMergesADirectoryWhoseChildIsOnTheOtherSide) {
  CHECK_TRUE(store->write("status/b.test.json", "{}").ok());
  CHECK_TRUE(store->write("status/a.test.json", "{}").ok());
  CHECK_TRUE(store->write("status/ca/x.json", "{}").ok());
  auto names = store->list("status");
  CHECK_TRUE(names.ok());
  LONGS_EQUAL(3, names->size());
  STRCMP_EQUAL("a.test.json", (*names)[0].c_str());
  STRCMP_EQUAL("b.test.json", (*names)[1].c_str());
  STRCMP_EQUAL("ca", (*names)[2].c_str());
  LONGS_EQUAL(1, store->list("status/ca")->size());
}

TEST(RoutingStore, ADirectoryExistsWhenOnlyItsOtherSideChildDoes) {
  CHECK_FALSE(store->exists("status"));
  CHECK_TRUE(store->write("status/ca/x.json", "{}").ok());  // local only
  CHECK_TRUE(store->exists("status"));
  CHECK_FALSE(in_etcd("status/ca/x.json"));
}

TEST(RoutingStore, TheRootListsEachNameFromItsOwnSide) {
  CHECK_TRUE(store->write("jobs/a.test/job.json", "{}").ok());
  CHECK_TRUE(store->write("live/x", "x").ok());
  CHECK_TRUE(local.write("jobs/stale/job.json", "{}").ok());  // from before the cluster
  auto names = store->list("");
  CHECK_TRUE(names.ok());
  LONGS_EQUAL(2, names->size());
  STRCMP_EQUAL("jobs", (*names)[0].c_str());
  STRCMP_EQUAL("live", (*names)[1].c_str());
  auto jobs = store->list("jobs");
  LONGS_EQUAL(1, jobs->size());
  STRCMP_EQUAL("a.test", (*jobs)[0].c_str());  // the stale local one does not show
}

TEST(RoutingStore, ALinkAcrossTheSidesIsRefused) {
  Status s = store->link("../../sets/a.test/1", "live/a.test");
  LONGS_EQUAL(static_cast<int>(Code::kInvalidArgument), static_cast<int>(s.code()));
  CHECK_TRUE(contains(s.message(), "live/a.test"));
  CHECK_FALSE(store->link("../../live/a.test", "sets/a.test/current").ok());
  CHECK_FALSE(store->link("../../../x", "sets/a.test/current").ok());  // out of the store
  CHECK_TRUE(store->link("1", "sets/a.test/current").ok());
  CHECK_TRUE(in_etcd("sets/a.test/current"));
  STRCMP_EQUAL("1", store->read_link("sets/a.test/current")->c_str());
  CHECK_TRUE(local.links.empty());
}

// A job's store on a cluster: its files here, its shared state under its lock.
TEST(RoutingStore, AJobsStoreWritesSharedStateUnderItsLock) {
  EtcdLock lock(*etcd, "/mod_acme/locks/a.test", "web1");
  CHECK_TRUE(*lock.acquire());
  EtcdStoreView under(*shared, &lock);
  RoutingStore job_store(local, under);
  CHECK_TRUE(job_store.write("jobs/a.test/job.json", "{}").ok());
  fake.expire(lock.lease());
  Status late = job_store.write("jobs/a.test/job.json", "{\"late\":1}");
  LONGS_EQUAL(static_cast<int>(Code::kNotFound), static_cast<int>(late.code()));
  CHECK_TRUE(contains(late.message(), "/mod_acme/locks/a.test"));
  STRCMP_EQUAL("{}", job_store.read("jobs/a.test/job.json")->c_str());
  CHECK_TRUE(job_store.write("staging/a.test/fullchain.pem", "chain").ok());  // local: no lock
}

TEST(RoutingStore, ErrorsOfTheSharedSideReachTheCaller) {
  fake.fail_status = 503;
  fake.fail_code = 14;
  fake.fail_message = "etcdserver: no leader";
  auto r = store->read("jobs/a.test/job.json");
  CHECK_FALSE(r.ok());
  CHECK_TRUE(contains(r.status().message(), "/mod_acme/store/jobs/a.test/job.json"));
  CHECK_FALSE(store->list("status").ok());
  CHECK_TRUE(store->write("live/x", "x").ok());  // this node's files do not need etcd
}
