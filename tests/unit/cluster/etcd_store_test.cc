// EtcdStore against FakeEtcd: every Store method, sealing, the lock guard,
// the size limit, errors that name the key and the endpoint.
#include "cluster/etcd_store.h"

#include "base/fake_clock.h"
#include "base/fiber.h"
#include "cluster/fake_etcd.h"
#include "fakes/fake_http_client.h"

#include <CppUTest/TestHarness.h>

using namespace acme;
using acme::testing::FakeEtcd;
using acme::testing::FakeHttpClient;
using acme::testing::ForwardingHttpClient;

namespace {

const char* kPem =
    "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEG\n-----END PRIVATE KEY-----\n";
const char* kJobKey = "jobs/a.test/privkey.pem";
const char* kJobKeyEtcd = "/mod_acme/store/jobs/a.test/privkey.pem";

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

ClusterKey cluster_key(char byte = '\x42') {
  return std::move(ClusterKey::from_bytes(std::string(32, byte)).value());
}

EtcdLayout etcd_layout() {
  return std::move(EtcdLayout::make(EtcdLayout::kDefaultPrefix).value());
}

}  // namespace

TEST_GROUP(EtcdStore) {
  FakeEtcd fake;
  FakeHttpClient http;
  std::unique_ptr<EtcdClient> etcd;
  std::unique_ptr<EtcdStore> etcd_store;
  std::unique_ptr<EtcdStoreView> store;  // the Store over it, no lock
  void setup() override {
    http.handler = [this](const HttpRequest& r) { return fake.handle(r); };
    etcd = std::make_unique<EtcdClient>(
        std::vector<std::string>{"http://127.0.0.1:1", "http://127.0.0.1:2"},
        std::make_unique<ForwardingHttpClient>(http));
    etcd_store = std::make_unique<EtcdStore>(*etcd, etcd_layout(), cluster_key());
    store = std::make_unique<EtcdStoreView>(*etcd_store);
  }
  std::string stored(const std::string& key) {
    return fake.kv_.at(key).value;
  }
  FakeClock clock{TimePoint(Seconds(1000))};
  // owner's lock on a.test (TTL 10 s, by `clock`), taken when `take`.
  std::unique_ptr<EtcdLock> lock(const char* owner, bool take = true) {
    auto l = std::make_unique<EtcdLock>(*etcd, "/mod_acme/locks/a.test", owner, 10, &clock);
    if (take) CHECK_TRUE(*l->acquire());
    return l;
  }
  // No keep-alive answered within the TTL, by this clock: held(), not held_now().
  void keep_alive_late() {
    clock.advance(Seconds(11));
  }
};

TEST(EtcdStore, WriteReadOverwrite) {
  CHECK_TRUE(store->write("status/a.test.json", "{\"v\":1}").ok());
  STRCMP_EQUAL("f{\"v\":1}", stored("/mod_acme/store/status/a.test.json").c_str());
  CHECK_TRUE(store->write_unsynced("status/a.test.json", "{\"v\":2}").ok());
  auto back = store->read("status/a.test.json");
  CHECK_TRUE(back.ok());
  STRCMP_EQUAL("{\"v\":2}", back->c_str());
  CHECK_TRUE(store->write("status/empty", "").ok());  // etcd leaves an empty value out
  STRCMP_EQUAL("", store->read("status/empty")->c_str());
  CHECK_TRUE(contains(fake.paths.back(), "/v3/kv/range"));
}

TEST(EtcdStore, ReadOfAMissingPathIsNotFoundNamingTheKey) {
  auto missing = store->read("jobs/b.test/job.json");
  LONGS_EQUAL(static_cast<int>(Code::kNotFound), static_cast<int>(missing.status().code()));
  CHECK_TRUE(contains(missing.status().message(), "/mod_acme/store/jobs/b.test/job.json"));
}

TEST(EtcdStore, ExistsForFilesAndDirectoriesWithKeysOnlyRanges) {
  CHECK_TRUE(store->write("jobs/a.test/job.json", "{}").ok());
  CHECK_TRUE(store->write("jobs/ab/job.json", "{}").ok());
  CHECK_TRUE(store->exists("jobs/a.test/job.json"));
  CHECK_TRUE(store->exists("jobs/a.test"));
  CHECK_TRUE(store->exists("jobs"));
  CHECK_FALSE(store->exists("jobs/a"));  // "jobs/ab" and "jobs/a.test" are not under it
  CHECK_FALSE(store->exists("jobs/a.test/job"));
  CHECK_FALSE(store->exists("job"));
  CHECK_TRUE(contains(fake.bodies.back(), "\"keys_only\":true"));
  CHECK_TRUE(contains(fake.bodies.back(), "\"limit\":\"1\"") ||
             contains(fake.bodies.back(), "\"limit\":1"));
}

TEST(EtcdStore, ListGivesEntryNamesSortedOnce) {
  CHECK_TRUE(store->write("jobs/b.test/job.json", "{}").ok());
  CHECK_TRUE(store->write("jobs/a.test/job.json", "{}").ok());
  CHECK_TRUE(store->write(kJobKey, kPem, 0600).ok());
  CHECK_TRUE(store->write("jobsx/c.test", "{}").ok());
  auto jobs = store->list("jobs");
  CHECK_TRUE(jobs.ok());
  LONGS_EQUAL(2, jobs->size());
  STRCMP_EQUAL("a.test", (*jobs)[0].c_str());
  STRCMP_EQUAL("b.test", (*jobs)[1].c_str());
  CHECK_TRUE(contains(fake.bodies.back(), "\"keys_only\":true"));
  auto files = store->list("jobs/a.test");
  LONGS_EQUAL(2, files->size());
  STRCMP_EQUAL("job.json", (*files)[0].c_str());
  STRCMP_EQUAL("privkey.pem", (*files)[1].c_str());
  auto root = store->list("");
  LONGS_EQUAL(2, root->size());
  STRCMP_EQUAL("jobs", (*root)[0].c_str());
  CHECK_TRUE(store->list("nothing")->empty());
}

TEST(EtcdStore, RemoveTakesAFileOrAWholeTree) {
  CHECK_TRUE(store->write("jobs/a.test/job.json", "{}").ok());
  CHECK_TRUE(store->write(kJobKey, kPem, 0600).ok());
  CHECK_TRUE(store->write("jobs/a.test.json", "{}").ok());
  CHECK_TRUE(store->write("jobs/b.test/job.json", "{}").ok());
  CHECK_TRUE(store->remove("jobs/b.test/job.json").ok());
  CHECK_FALSE(store->exists("jobs/b.test"));
  CHECK_TRUE(store->remove("jobs/a.test").ok());
  CHECK_FALSE(store->exists("jobs/a.test/job.json"));
  CHECK_FALSE(store->exists(kJobKey));
  CHECK_TRUE(store->exists("jobs/a.test.json"));  // a neighbour, not under it
  CHECK_TRUE(store->remove("jobs/none").ok());    // missing: not an error
}

TEST(EtcdStore, PrivateKeysAreSealedInEtcdAndOpenedOnRead) {
  CHECK_TRUE(store->write(kJobKey, kPem, 0600).ok());
  const std::string raw = stored(kJobKeyEtcd);
  CHECK_FALSE(contains(raw, "PRIVATE KEY"));
  CHECK_FALSE(contains(raw, "MIGHAgEA"));
  LONGS_EQUAL('f', raw[0]);
  LONGS_EQUAL(ClusterKey::kVersion, static_cast<unsigned char>(raw[1]));
  LONGS_EQUAL(std::string(kPem).size() + EtcdStore::kValueOverhead, raw.size());
  auto back = store->read(kJobKey);
  CHECK_TRUE(back.ok());
  STRCMP_EQUAL(kPem, back->c_str());
  // An account key, its rollover sibling, a kept key: sealed too.
  CHECK_TRUE(store->write("accounts/ca/account.key.pem.new", kPem, 0600).ok());
  CHECK_FALSE(contains(stored("/mod_acme/store/accounts/ca/account.key.pem.new"), "PRIVATE"));
  CHECK_TRUE(store->write("keys/a.test/privkey.pem", kPem, 0600).ok());
  CHECK_FALSE(contains(stored("/mod_acme/store/keys/a.test/privkey.pem"), "PRIVATE"));
}

TEST(EtcdStore, AnAlteredSealedValueIsAnErrorNamingTheKey) {
  CHECK_TRUE(store->write(kJobKey, kPem, 0600).ok());
  fake.kv_[kJobKeyEtcd].value[20] ^= 0x01;
  auto r = store->read(kJobKey);
  LONGS_EQUAL(static_cast<int>(Code::kCrypto), static_cast<int>(r.status().code()));
  CHECK_TRUE(contains(r.status().message(), kJobKeyEtcd));
  CHECK_TRUE(contains(r.status().message(), "ACMESharedStoreKeyFile"));
}

TEST(EtcdStore, ASealedValueMovedToAnotherKeyDoesNotOpen) {
  CHECK_TRUE(store->write(kJobKey, kPem, 0600).ok());
  fake.kv_["/mod_acme/store/jobs/b.test/privkey.pem"] = fake.kv_[kJobKeyEtcd];
  auto r = store->read("jobs/b.test/privkey.pem");
  CHECK_FALSE(r.ok());
  CHECK_TRUE(contains(r.status().message(), "/mod_acme/store/jobs/b.test/privkey.pem"));
}

TEST(EtcdStore, APlainKeyPlantedInASealedSlotIsNotReturned) {
  fake.kv_[kJobKeyEtcd] = FakeEtcd::Entry{std::string("f") + kPem, 2, 2, 0};
  auto r = store->read(kJobKey);
  CHECK_FALSE(r.ok());
  CHECK_FALSE(contains(r.status().message(), "MIGHAgEA"));
}

TEST(EtcdStore, AnotherClusterKeyDoesNotOpenIt) {
  CHECK_TRUE(store->write(kJobKey, kPem, 0600).ok());
  EtcdStore other(*etcd, etcd_layout(), cluster_key('\x43'));
  auto r = other.read(kJobKey);
  LONGS_EQUAL(static_cast<int>(Code::kCrypto), static_cast<int>(r.status().code()));
}

TEST(EtcdStore, AnOwnerOnlyWriteToAPathNotSealedIsRefusedUnsent) {
  Status s = store->write("status/a.test.json", kPem, 0600);
  LONGS_EQUAL(static_cast<int>(Code::kInvalidArgument), static_cast<int>(s.code()));
  CHECK_TRUE(contains(s.message(), "/mod_acme/store/status/a.test.json"));
  CHECK_TRUE(contains(s.message(), "shared_paths"));
  CHECK_TRUE(fake.paths.empty());
}

TEST(EtcdStore, AValueOverTheLimitIsRefusedUnsent) {
  Status s = store->write("ocsp/a.test.der", std::string(kMaxStoreFileSize + 1, 'x'));
  LONGS_EQUAL(static_cast<int>(Code::kInvalidArgument), static_cast<int>(s.code()));
  CHECK_TRUE(contains(s.message(), "/mod_acme/store/ocsp/a.test.der"));
  CHECK_TRUE(contains(s.message(), std::to_string(kMaxStoreFileSize + 1)));
  CHECK_TRUE(fake.paths.empty());
  CHECK_TRUE(store->write("ocsp/a.test.der", std::string(kMaxStoreFileSize, 'x')).ok());
  LONGS_EQUAL(kMaxStoreFileSize, store->read("ocsp/a.test.der")->size());
}

TEST(EtcdStore, AnEtcdErrorNamesTheKeyTheEndpointAndTheCause) {
  fake.fail_status = 400;
  fake.fail_code = 3;
  fake.fail_message = "etcdserver: request is too large";
  Status s = store->write("status/a.test.json", "{}");
  CHECK_FALSE(s.ok());
  CHECK_TRUE(contains(s.message(), "/mod_acme/store/status/a.test.json"));
  CHECK_TRUE(contains(s.message(), "http://127.0.0.1:1/v3/kv/txn"));
  CHECK_TRUE(contains(s.message(), "request is too large"));
  fake.fail_status = 503;  // every member without a leader: each one named
  fake.fail_code = 14;
  fake.fail_message = "etcdserver: no leader";
  auto r = store->read("status/a.test.json");
  LONGS_EQUAL(static_cast<int>(Code::kNetwork), static_cast<int>(r.status().code()));
  CHECK_TRUE(contains(r.status().message(), "/mod_acme/store/status/a.test.json"));
  CHECK_TRUE(contains(r.status().message(), "http://127.0.0.1:1"));
  CHECK_TRUE(contains(r.status().message(), "http://127.0.0.1:2"));
  CHECK_FALSE(store->list("status").ok());
  CHECK_FALSE(store->exists("status/a.test.json"));  // an error reads as absent
}

TEST(EtcdStore, BadPathsAreRefusedUnsent) {
  for (const char* bad : {"", "/abs", "../x", "a/../b", "a//b", "a/./b", "a/"}) {
    CHECK_FALSE_TEXT(store->write(bad, "x").ok(), bad);
    CHECK_FALSE_TEXT(store->read(bad).ok(), bad);
    CHECK_FALSE_TEXT(store->remove(bad).ok(), bad);
    CHECK_FALSE_TEXT(store->exists(bad), bad);
  }
  CHECK_TRUE(fake.paths.empty());
}

TEST(EtcdStore, ValueMissingTheTypeByteIsRefused) {
  fake.kv_["/mod_acme/store/status/x.json"] = FakeEtcd::Entry{"{}", 2, 2, 0};
  auto r = store->read("status/x.json");
  LONGS_EQUAL(static_cast<int>(Code::kProtocol), static_cast<int>(r.status().code()));
  CHECK_TRUE(contains(r.status().message(), "/mod_acme/store/status/x.json"));
}

TEST(EtcdStore, LinksAreAPointerKey) {
  CHECK_TRUE(store->write("sets/a.test/3/fullchain.pem", "chain").ok());
  CHECK_TRUE(store->link("3", "sets/a.test/current").ok());
  STRCMP_EQUAL("l3", stored("/mod_acme/store/sets/a.test/current").c_str());
  STRCMP_EQUAL("3", store->read_link("sets/a.test/current")->c_str());
  CHECK_TRUE(store->link("4", "sets/a.test/current").ok());  // replaced
  STRCMP_EQUAL("4", store->read_link("sets/a.test/current")->c_str());
  CHECK_TRUE(contains(store->read("sets/a.test/current").status().message(), "is a link"));
  CHECK_TRUE(
      contains(store->read_link("sets/a.test/3/fullchain.pem").status().message(), "not a link"));
  auto names = store->list("sets/a.test");
  LONGS_EQUAL(2, names->size());
  STRCMP_EQUAL("current", (*names)[1].c_str());
  CHECK_FALSE(store->link("../../../x", "sets/a.test/current").ok());
  CHECK_FALSE(store->link("/etc/passwd", "sets/a.test/current").ok());
  CHECK_TRUE(store->link("../b.test/1", "sets/a.test/other").ok());  // inside the store
}

TEST(EtcdStore, AbsoluteNamesTheEtcdKey) {
  STRCMP_EQUAL("etcd:/mod_acme/store/jobs/a.test/job.json",
               store->absolute("jobs/a.test/job.json").c_str());
}

TEST(EtcdStore, WritesUnderALockCarryItsCompare) {
  EtcdLock web1(*etcd, "/mod_acme/locks/a.test", "web1");
  CHECK_TRUE(*web1.acquire());
  EtcdStoreView under(*etcd_store, &web1);
  CHECK_TRUE(under.write("jobs/a.test/job.json", "{\"by\":\"web1\"}").ok());
  CHECK_TRUE(contains(fake.bodies.back(), "\"target\":\"LEASE\""));
  STRCMP_EQUAL("{\"by\":\"web1\"}", under.read("jobs/a.test/job.json")->c_str());
  CHECK_TRUE(under.write(kJobKey, kPem, 0600).ok());  // sealed as through the store
  CHECK_FALSE(contains(stored(kJobKeyEtcd), "PRIVATE"));
}

TEST(EtcdStore, AWriteUnderALostLockIsRefusedAndLeavesTheNewHoldersState) {
  EtcdLock web1(*etcd, "/mod_acme/locks/a.test", "web1");
  EtcdLock web2(*etcd, "/mod_acme/locks/a.test", "web2");
  CHECK_TRUE(*web1.acquire());
  EtcdStoreView under1(*etcd_store, &web1), under2(*etcd_store, &web2);
  CHECK_TRUE(under1.write("jobs/a.test/job.json", "{\"by\":\"web1\"}").ok());
  fake.expire(web1.lease());  // web1 paused past its TTL; it does not know yet
  CHECK_TRUE(*web2.acquire());
  CHECK_TRUE(under2.write("jobs/a.test/job.json", "{\"by\":\"web2\"}").ok());
  Status late = under1.write("jobs/a.test/job.json", "{\"by\":\"web1, late\"}");
  LONGS_EQUAL(static_cast<int>(Code::kNotFound), static_cast<int>(late.code()));
  CHECK_TRUE(contains(late.message(), "/mod_acme/store/jobs/a.test/job.json"));
  CHECK_TRUE(contains(late.message(), "/mod_acme/locks/a.test"));
  CHECK_FALSE(under1.write_unsynced("jobs/a.test/job.json", "{\"by\":\"web1, late\"}").ok());
  CHECK_FALSE(under1.remove("jobs/a.test").ok());
  CHECK_FALSE(under1.link("1", "sets/a.test/current").ok());
  STRCMP_EQUAL("{\"by\":\"web2\"}", store->read("jobs/a.test/job.json")->c_str());
  CHECK_FALSE(store->exists("sets/a.test/current"));
}

// A keep-alive answered late by the local clock (a saturated machine) while
// etcd still has the lease: the write is sent with the lock's compare and
// applies. bench/cluster.py lost 50 orders at 1,000 names when such writes
// were refused unsent.
TEST(EtcdStore, AWriteUnderALockLateByTheLocalClockIsFencedByEtcdAndApplied) {
  auto web1 = lock("web1");
  EtcdStoreView under(*etcd_store, web1.get());
  keep_alive_late();
  CHECK_FALSE(web1->held_now());
  Status s = under.write("jobs/a.test/job.json", "{\"by\":\"web1\"}");
  CHECK_TEXT(s.ok(), s.message().c_str());
  CHECK_TRUE(contains(fake.bodies.back(), "\"target\":\"LEASE\""));
  STRCMP_EQUAL("{\"by\":\"web1\"}", store->read("jobs/a.test/job.json")->c_str());
  CHECK_TRUE(under.link("1", "sets/a.test/current").ok());
  STRCMP_EQUAL("1", store->read_link("sets/a.test/current")->c_str());
  CHECK_TRUE(under.remove("jobs/a.test").ok());
  CHECK_FALSE(store->exists("jobs/a.test/job.json"));
}

// Late by the local clock, and etcd ended the lease meanwhile: etcd refuses
// the write (the lock key went with the lease), nothing is written.
TEST(EtcdStore, AWriteUnderALockWhoseLeaseEtcdEndedIsRefusedUnapplied) {
  auto web1 = lock("web1");
  EtcdStoreView under(*etcd_store, web1.get());
  keep_alive_late();
  fake.expire(web1->lease());
  const std::size_t sent = fake.paths.size();
  Status s = under.write("jobs/a.test/job.json", "{}");
  LONGS_EQUAL(static_cast<int>(Code::kNotFound), static_cast<int>(s.code()));
  CHECK_TEXT(contains(s.message(), "no longer held by this node"), s.message().c_str());
  CHECK_TRUE(contains(s.message(), "/mod_acme/locks/a.test"));
  LONGS_EQUAL(sent + 1, fake.paths.size());  // asked etcd, which said no
  CHECK_FALSE(store->exists("jobs/a.test/job.json"));
  CHECK_TRUE(fake.kv_.empty());
}

// Late by the local clock, and another node holds the lock now: the key is
// under its lease, the late write does not apply, the new holder's state
// stays.
TEST(EtcdStore, AWriteUnderALockAnotherNodeTookIsRefusedUnapplied) {
  auto web1 = lock("web1");
  auto web2 = lock("web2", false);
  EtcdStoreView under1(*etcd_store, web1.get()), under2(*etcd_store, web2.get());
  keep_alive_late();
  fake.expire(web1->lease());
  CHECK_TRUE(*web2->acquire());
  CHECK_TRUE(under2.write("jobs/a.test/job.json", "{\"by\":\"web2\"}").ok());
  Status late = under1.write("jobs/a.test/job.json", "{\"by\":\"web1, late\"}");
  LONGS_EQUAL(static_cast<int>(Code::kNotFound), static_cast<int>(late.code()));
  CHECK_TEXT(contains(late.message(), "no longer held by this node"), late.message().c_str());
  Status link = under1.link("1", "sets/a.test/current");
  CHECK_TEXT(contains(link.message(), "no longer held by this node"), link.message().c_str());
  STRCMP_EQUAL("{\"by\":\"web2\"}", store->read("jobs/a.test/job.json")->c_str());
  CHECK_FALSE(store->exists("sets/a.test/current"));
}

// A lock never taken, or given up, has lease 0, and LEASE(key) == 0 holds for
// a key that does not exist: such a write is refused before any request.
TEST(EtcdStore, AWriteUnderALockNotHeldIsRefusedUnsent) {
  EtcdLock never(*etcd, "/mod_acme/locks/a.test", "web1");
  EtcdStoreView under(*etcd_store, &never);
  Status s = under.write("jobs/a.test/job.json", "{}");
  LONGS_EQUAL(static_cast<int>(Code::kNotFound), static_cast<int>(s.code()));
  CHECK_TRUE(contains(s.message(), "/mod_acme/locks/a.test"));
  CHECK_FALSE(under.link("1", "sets/a.test/current").ok());
  CHECK_FALSE(under.remove("jobs/a.test").ok());
  CHECK_TRUE(fake.paths.empty());
  CHECK_TRUE(fake.kv_.empty());
  CHECK_TRUE(*never.acquire());
  CHECK_TRUE(never.release().ok());
  const std::size_t sent = fake.paths.size();
  CHECK_FALSE(under.write("jobs/a.test/job.json", "{}").ok());
  LONGS_EQUAL(sent, fake.paths.size());
  CHECK_TRUE(fake.kv_.empty());
}

TEST(EtcdStore, RequireFiberRefusesCallsThatWouldBlockTheTick) {
  EtcdStore::Options options;
  options.require_fiber = true;
  EtcdStore in_fibers(*etcd, etcd_layout(), cluster_key(), options);
  Status outside = in_fibers.write("status/a.test.json", "{}", 0644, nullptr);
  CHECK_TRUE(contains(outside.message(), "outside a fiber"));
  CHECK_TRUE(contains(outside.message(), "/mod_acme/store/status/a.test.json"));
  CHECK_FALSE(in_fibers.read("status/a.test.json").ok());
  CHECK_TRUE(contains(in_fibers.list("").status().message(), "outside a fiber"));
  CHECK_TRUE(fake.paths.empty());
  Status inside(Code::kProtocol, "not run");
  Fiber fiber([&] { inside = in_fibers.write("status/a.test.json", "{}", 0644, nullptr); });
  while (fiber.resume()) {
  }
  CHECK_TRUE(inside.ok());
  CHECK_TRUE(store->exists("status/a.test.json"));
}
