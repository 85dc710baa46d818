// acmectl sync: every set `current` names in the cluster store is verified
// by install_shared_set and staged in the node's store, one line each. A
// MemoryStore stands for etcd (and a FakeEtcd where the cluster key matters),
// another for the node's files.
#include "acmectl/sync_cmd.h"

#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "base/memory_log_sink.h"
#include "certset/shared_sets.h"
#include "cluster/etcd_store.h"
#include "cluster/fake_etcd.h"
#include "cluster/routing_store.h"
#include "crypto/crypto_test_util.h"
#include "fakes/fake_http_client.h"
#include "report/status_record.h"
#include "store/layout.h"
#include "store/memory_store.h"

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

using namespace acme;
using namespace acme::ctl;
using namespace acme::testing;

namespace {

const TimePoint kNow = kTestNow;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// test_pki.h's chain, with leaves of any name valid from not_before for 90 days.
struct Pki : TestChain {
  Issued leaf(const std::string& san, long serial, TimePoint not_before = kTestNow - kTestDay) {
    return issue("leaf", &intermediate, san, not_before, not_before + 90 * kTestDay, serial);
  }
  std::string chain(const Issued& leaf) const {
    return leaf.cert.to_pem() + intermediate.cert.to_pem();
  }
};

}  // namespace

TEST_GROUP(Sync) {
  std::unique_ptr<Pki> pki = std::make_unique<Pki>();
  std::unique_ptr<TempFile> anchors = std::make_unique<TempFile>(pki->root.cert.to_pem());
  MemoryStore etcd;  // the cluster's shared store
  MemoryStore disk;  // the joining node's files
  MemoryLogSink log;
  std::ostringstream out, err;

  void publish(const std::string& name, const std::string& chain, const std::string& key) {
    auto seq = publish_shared_set(etcd, name, chain, key, log);
    CHECK_TEXT(seq.ok(), seq.status().to_string().c_str());
  }
  void publish(const std::string& name, const Issued& leaf) {
    publish(name, pki->chain(leaf), *leaf.key.to_pem());
  }
  SyncCounts sync(const Store& shared) {
    auto entries = shared_set_names(shared);
    CHECK_TEXT(entries.ok(), entries.status().to_string().c_str());
    SyncSetup setup{"/etc/apache2/acme-cluster.conf", anchors->path(), kNow};
    return sync_sets(shared, disk, entries.ok() ? *entries : std::vector<std::string>(), setup, out,
                     err);
  }
  SyncCounts sync() {
    return sync(etcd);
  }
  // None staged, `failed` refused, the exit status a problem, nothing written.
  void check_none_staged(const SyncCounts& counts, long failed) {
    LONGS_EQUAL(failed, counts.failed);
    LONGS_EQUAL(0, counts.staged);
    LONGS_EQUAL(kExitProblem, sync_exit_status(counts));
    CHECK(disk.files.empty());
  }
  std::string staged(const std::string& dir, const char* file) {
    auto it = disk.files.find("staging/" + dir + "/" + file);
    return it == disk.files.end() ? "(none)" : it->second;
  }
};

TEST(Sync, EverySharedCurrentIsStaged) {
  Issued a = pki->leaf("DNS:a.example", 0x0a), b = pki->leaf("DNS:*.b.example", 0x0b);
  publish("a.example", a);
  publish("*.b.example", b);
  SyncCounts counts = sync();
  LONGS_EQUAL(2, counts.staged);
  LONGS_EQUAL(0, counts.failed);
  LONGS_EQUAL(kExitOk, sync_exit_status(counts));
  STRCMP_EQUAL(pki->chain(a).c_str(), staged("a.example", "fullchain.pem").c_str());
  STRCMP_EQUAL(a.key.to_pem()->c_str(), staged("a.example", "privkey.pem").c_str());
  LONGS_EQUAL(0600, disk.modes["staging/a.example/privkey.pem"]);
  STRCMP_EQUAL(pki->chain(b).c_str(), staged("_.b.example", "fullchain.pem").c_str());
  CHECK_TEXT(contains(out.str(), "a.example: staged (serial 0A,"), out.str().c_str());
  CHECK_TEXT(contains(out.str(), "*.b.example: staged (serial 0B,"), out.str().c_str());
  STRCMP_EQUAL("", err.str().c_str());
}

TEST(Sync, AnAlreadyCurrentNameIsNotRewritten) {
  Issued a = pki->leaf("DNS:a.example", 0x0a);
  publish("a.example", a);
  CHECK(disk.write("live/a.example/cert.pem", a.cert.to_pem()).ok());
  disk.fail_writes = true;  // any write would fail the name
  SyncCounts counts = sync();
  LONGS_EQUAL(1, counts.current);
  LONGS_EQUAL(0, counts.staged + counts.failed);
  STRCMP_EQUAL("(none)", staged("a.example", "fullchain.pem").c_str());
  CHECK_TEXT(contains(out.str(), "a.example: already current (serial 0A"), out.str().c_str());
}

TEST(Sync, ASetStagedBeforeIsCurrentOnTheNextRun) {
  publish("a.example", pki->leaf("DNS:a.example", 0x0a));
  LONGS_EQUAL(1, sync().staged);
  disk.fail_writes = true;
  SyncCounts again = sync();
  LONGS_EQUAL(1, again.current);
  LONGS_EQUAL(0, again.failed);
}

TEST(Sync, AKeyThatIsNotTheLeafsIsNotStaged) {
  Issued a = pki->leaf("DNS:a.example", 0x0a), other = pki->leaf("DNS:a.example", 0x0c);
  publish("a.example", pki->chain(a), *other.key.to_pem());
  publish("b.example", pki->leaf("DNS:b.example", 0x0b));
  SyncCounts counts = sync();
  LONGS_EQUAL(1, counts.failed);
  LONGS_EQUAL(1, counts.staged);
  LONGS_EQUAL(kExitProblem, sync_exit_status(counts));
  STRCMP_EQUAL("(none)", staged("a.example", "fullchain.pem").c_str());
  CHECK_TEXT(contains(err.str(), "acmectl sync: a.example: not staged: its set "),
             err.str().c_str());
  CHECK_TEXT(contains(err.str(), "fails verification on this node: "), err.str().c_str());
  CHECK_TEXT(contains(err.str(), "Fix: "), err.str().c_str());
  CHECK_TEXT(contains(err.str(), "renew a.example"), err.str().c_str());
}

TEST(Sync, AChainThatLeadsToNoTrustAnchorIsNotStaged) {
  Issued a = pki->leaf("DNS:a.example", 0x0a);
  publish("a.example", a.cert.to_pem(), *a.key.to_pem());  // the intermediate left out
  Pki stranger;                                            // a CA this node does not trust
  publish("b.example", stranger.leaf("DNS:b.example", 0x0b));
  check_none_staged(sync(), 2);
  CHECK_TEXT(contains(err.str(), "acmectl sync: a.example: not staged"), err.str().c_str());
  CHECK_TEXT(contains(err.str(), "acmectl sync: b.example: not staged"), err.str().c_str());
  CHECK_TEXT(contains(err.str(), "ACMETrustAnchorFile " + anchors->path()), err.str().c_str());
}

// The names are the cluster's, from its status record: a set that lacks one
// of them is refused, as the watchdog of a node with that ACMEDomain would.
TEST(Sync, TheStatusRecordsNamesMustBeCovered) {
  publish("a.example", pki->leaf("DNS:a.example", 0x0a));
  StatusRecord record;
  record.name = "a.example";
  record.names = {"a.example", "www.a.example"};
  CHECK(write_status_record(etcd, record).ok());
  ManagedCert cert = sync_cert(etcd, "a.example", anchors->path());
  LONGS_EQUAL(2, cert.names.size());
  SyncCounts counts = sync();
  LONGS_EQUAL(1, counts.failed);
  CHECK_TEXT(contains(err.str(), "www.a.example"), err.str().c_str());
}

TEST(Sync, WithoutARecordTheNameItselfLessItsKeyType) {
  ManagedCert wildcard = sync_cert(etcd, "_.b.example", "");
  STRCMP_EQUAL("*.b.example", wildcard.name.c_str());
  STRCMP_EQUAL("*.b.example", wildcard.names.at(0).c_str());
  ManagedCert variant = sync_cert(etcd, "_.b.example_rsa2048", "");
  STRCMP_EQUAL("*.b.example_rsa2048", variant.name.c_str());
  LONGS_EQUAL(1, variant.names.size());
  STRCMP_EQUAL("*.b.example", variant.names.at(0).c_str());
}

TEST(Sync, ASetNotValidYetIsNotStaged) {
  publish("a.example", pki->leaf("DNS:a.example", 0x0a, kNow + kTestDay));
  SyncCounts counts = sync();
  LONGS_EQUAL(1, counts.failed);
  CHECK(disk.files.empty());
  CHECK_TEXT(contains(err.str(),
                      "a.example: not staged: its set 20260102T000000Z-0A is valid "
                      "only from 20260102T000000Z"),
             err.str().c_str());
}

TEST(Sync, ANameWithoutCurrentIsSkipped) {
  CHECK(etcd.write("sets/a.example/20260101T000000Z-0A/fullchain.pem", "half a set").ok());
  SyncCounts counts = sync();
  LONGS_EQUAL(1, counts.skipped);
  LONGS_EQUAL(0, counts.failed);
  LONGS_EQUAL(kExitOk, sync_exit_status(counts));
  CHECK(disk.files.empty());
}

TEST(Sync, ALocalWriteThatFailsNamesTheCertificate) {
  publish("a.example", pki->leaf("DNS:a.example", 0x0a));
  disk.fail_writes = true;
  SyncCounts counts = sync();
  LONGS_EQUAL(1, counts.failed);
  CHECK_TEXT(contains(err.str(), "acmectl sync: a.example: not staged: "), err.str().c_str());
  CHECK_TEXT(contains(err.str(), "Fix: "), err.str().c_str());
}

// Over the cluster's own store classes: a set sealed with another cluster key
// does not open on this node, and is not staged.
TEST(Sync, ASetSealedWithAnotherClusterKeyIsNotStaged) {
  FakeEtcd fake;
  FakeHttpClient http;
  http.handler = [&fake](const HttpRequest& r) { return fake.handle(r); };
  EtcdClient client({"http://127.0.0.1:1"}, std::make_unique<ForwardingHttpClient>(http));
  auto layout = [] { return std::move(EtcdLayout::make(EtcdLayout::kDefaultPrefix).value()); };
  auto key = [](char byte) {
    return std::move(ClusterKey::from_bytes(std::string(32, byte)).value());
  };
  EtcdStore theirs(client, layout(), key('\x41')), ours(client, layout(), key('\x42'));
  EtcdStoreView their_view(theirs), our_view(ours);
  MemoryStore their_files;
  RoutingStore orderer(their_files, their_view), node(disk, our_view);
  Issued a = pki->leaf("DNS:a.example", 0x0a);
  CHECK(publish_shared_set(orderer, "a.example", pki->chain(a), *a.key.to_pem(), log).ok());
  check_none_staged(sync(node), 1);
  CHECK_TEXT(contains(err.str(), "acmectl sync: a.example: not staged: "), err.str().c_str());
  CHECK_TEXT(contains(err.str(), "ACMESharedStoreKeyFile"), err.str().c_str());
}

TEST(Sync, AnUnreachableEtcdIsAnErrorNamingTheMember) {
  FakeHttpClient http;  // nothing scripted: every request is a transport error
  EtcdClient client({"http://127.0.0.1:1"}, std::make_unique<ForwardingHttpClient>(http));
  EtcdStore shared(client, std::move(EtcdLayout::make(EtcdLayout::kDefaultPrefix).value()),
                   std::move(ClusterKey::from_bytes(std::string(32, 'k')).value()));
  EtcdStoreView view(shared);
  RoutingStore node(disk, view);
  auto entries = shared_set_names(node);
  CHECK_FALSE(entries.ok());
  CHECK_TEXT(contains(entries.status().message(), "http://127.0.0.1:1"),
             entries.status().message().c_str());
}
