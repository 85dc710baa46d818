// shared_sets: one node publishes a set to the shared store, another installs
// it into its staging/. Two MemoryStores stand for etcd and a node's disk.
#include "certset/shared_sets.h"

#include <memory>
#include <string>
#include <vector>

#include "base/memory_log_sink.h"
#include "certset/cert_files.h"
#include "cluster/shared_paths.h"
#include "config/managed_cert.h"
#include "crypto/crypto_test_util.h"
#include "store/layout.h"
#include "store/memory_store.h"

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

using namespace acme;
using namespace acme::testing;

namespace {

const TimePoint kNow = from_unix(1767225600);  // 2026-01-01T00:00:00Z
const auto kDay = std::chrono::hours(24);
const char kName[] = "a.example";
const char kNames[] = "DNS:a.example,DNS:www.a.example";

struct Pki {
  Issued root = issue("Test Root", nullptr, "", kNow - 365 * kDay, kNow + 3650 * kDay, 1);
  Issued intermediate =
      issue("Test Intermediate", &root, "", kNow - 30 * kDay, kNow + 365 * kDay, 2);
  Issued leaf(long serial, TimePoint not_before = kNow - kDay, const std::string& san = kNames) {
    return issue(kName, &intermediate, san, not_before, not_before + 90 * kDay, serial);
  }
  std::string chain(const Issued& leaf) const {
    return leaf.cert.to_pem() + intermediate.cert.to_pem();
  }
};

int count(const MemoryLogSink& log, int msgno) {
  int n = 0;
  for (const auto& line : log.lines) n += line.msgno == msgno;
  return n;
}

}  // namespace

TEST_GROUP(SharedSets) {
  std::unique_ptr<Pki> pki = std::make_unique<Pki>();
  std::unique_ptr<TempFile> anchors = std::make_unique<TempFile>(pki->root.cert.to_pem());
  MemoryStore etcd;  // the cluster's shared store
  MemoryStore disk;  // the installing node's files
  MemoryLogSink log;
  SharedSetMemory memory;
  ManagedCert cert;

  void setup() override {
    cert.name = kName;
    cert.names = {"a.example", "www.a.example"};
    cert.trust_anchor_file = anchors->path();
  }
  std::string publish(const std::string& chain, const std::string& key) {
    auto seq = publish_shared_set(etcd, kName, chain, key, log);
    CHECK_TEXT(seq.ok(), seq.status().to_string().c_str());
    return seq.ok() ? *seq : "";
  }
  std::string publish(const Issued& leaf) {
    return publish(pki->chain(leaf), *leaf.key.to_pem());
  }
  bool install(TimePoint now = kNow) {
    auto r = install_shared_set(etcd, disk, cert, now, memory, log);
    CHECK_TEXT(r.ok(), r.status().to_string().c_str());
    return r.ok() && *r;
  }
  std::string staged_chain() {
    auto chain = disk.read(layout::staging_dir(kName) + "/fullchain.pem");
    return chain.ok() ? *chain : "";
  }
  bool promote() {
    auto r = promote_staged(disk, cert, HttpdVersion{2, 4, 62}, kNow, log);
    return r.ok() && *r;
  }
  // A set that must be refused: not staged, logged once with name, seq, cause.
  void check_refused(const std::string& seq, const std::string& cause) {
    CHECK_FALSE(install());
    CHECK_FALSE(has_staged(disk, kName));
    LONGS_EQUAL(1, count(log, kMsgCertRejected));
    CHECK(log.contains("certificate set " + seq + " for a.example"));
    CHECK_TEXT(log.contains(cause), log.lines.back().message.c_str());
    // The cause alone, for a caller that reports per certificate (acmectl sync).
    CHECK_TEXT(memory.refused[kName].find(cause) != std::string::npos,
               memory.refused[kName].c_str());
    CHECK_FALSE(install());  // not tried again: no second line
    LONGS_EQUAL(1, count(log, kMsgCertRejected));
  }
};

TEST(SharedSets, SeqComesFromTheLeafAndSortsByIssueTime) {
  Issued first = pki->leaf(0x1a2b), later = pki->leaf(3, kNow);
  auto seq = shared_set_seq(pki->chain(first));
  CHECK_TEXT(seq.ok(), seq.status().to_string().c_str());
  STRCMP_EQUAL("20251231T000000Z-1A2B", seq->c_str());
  CHECK(*seq < *shared_set_seq(pki->chain(later)));
  CHECK_FALSE(shared_set_seq("no certificate").ok());
}

TEST(SharedSets, PublishWritesTheSetThenLinksCurrent) {
  Issued leaf = pki->leaf(3);
  const std::string seq = publish(leaf);
  const std::string dir = layout::shared_set_dir(kName, seq);
  STRCMP_EQUAL(("sets/a.example/" + seq).c_str(), dir.c_str());
  STRCMP_EQUAL(pki->chain(leaf).c_str(), etcd.read(dir + "/fullchain.pem")->c_str());
  STRCMP_EQUAL(leaf.key.to_pem()->c_str(), etcd.read(dir + "/privkey.pem")->c_str());
  LONGS_EQUAL(0600, etcd.modes[dir + "/privkey.pem"]);
  STRCMP_EQUAL(seq.c_str(), etcd.read_link(layout::shared_set_current(kName))->c_str());
  LONGS_EQUAL(1, count(log, kMsgSharedSet));
}

// The paths the sets are written to are the ones the cluster routes to etcd,
// the key sealed (cluster/shared_paths.cc), spelled by store/layout.h.
TEST(SharedSets, ThePathsAreSharedAndTheKeySealed) {
  const std::string dir = layout::shared_set_dir("*.a.example", "20260101T000000Z-03");
  STRCMP_EQUAL("sets/_.a.example/20260101T000000Z-03", dir.c_str());
  CHECK(store_side(dir + "/fullchain.pem") == StoreSide::kShared);
  CHECK(store_side(layout::shared_set_current("*.a.example")) == StoreSide::kShared);
  CHECK(is_sealed_path(dir + "/privkey.pem"));
  CHECK_FALSE(is_sealed_path(dir + "/fullchain.pem"));
}

TEST(SharedSets, PublishingTheCurrentSetAgainWritesNothing) {
  Issued leaf = pki->leaf(3);
  const std::string seq = publish(leaf);
  etcd.fail_writes = true;  // a write would fail the call
  STRCMP_EQUAL(seq.c_str(), publish(leaf).c_str());
}

TEST(SharedSets, PublishRefusesAChainWithoutCertificate) {
  auto seq = publish_shared_set(etcd, kName, "garbage", "key", log);
  CHECK_FALSE(seq.ok());
  CHECK(etcd.files.empty());
  CHECK(etcd.links.empty());
}

TEST(SharedSets, InstallOnAnotherNodeStagesTheIdenticalSet) {
  Issued leaf = pki->leaf(3);
  publish(leaf);
  CHECK(install());
  STRCMP_EQUAL(pki->chain(leaf).c_str(), staged_chain().c_str());
  const std::string key_path = layout::staging_dir(kName) + "/privkey.pem";
  STRCMP_EQUAL(leaf.key.to_pem()->c_str(), disk.read(key_path)->c_str());
  LONGS_EQUAL(0600, disk.modes[key_path]);
  LONGS_EQUAL(1, count(log, kMsgCertStaged));
  CHECK(promote());  // the parent's existing path takes it from here
  STRCMP_EQUAL(leaf.cert.serial_hex().c_str(), read_live(disk, kName)->serial.c_str());
}

TEST(SharedSets, InstallingTwiceStagesOnce) {
  publish(pki->leaf(3));
  CHECK(install());
  CHECK_FALSE(install());
  memory = SharedSetMemory();  // a restarted watchdog: the staged leaf is compared
  CHECK_FALSE(install());
  CHECK(promote());
  memory = SharedSetMemory();  // and once promoted, the live leaf
  CHECK_FALSE(install());
  CHECK_FALSE(has_staged(disk, kName));
  LONGS_EQUAL(1, count(log, kMsgCertStaged));
}

TEST(SharedSets, TheOrderingNodeDoesNotStageItsOwnSetAgain) {
  Issued leaf = pki->leaf(3);
  CHECK(stage_set(disk, kName, pki->chain(leaf), *leaf.key.to_pem()).ok());  // its own order
  publish(leaf);
  CHECK_FALSE(install());
  LONGS_EQUAL(0, count(log, kMsgCertStaged));
}

TEST(SharedSets, ANewerCurrentReplacesTheStagedAndTheLiveSet) {
  publish(pki->leaf(3));
  CHECK(install());
  Issued newer = pki->leaf(4, kNow - kDay / 2);
  publish(newer);
  CHECK(install());  // staged 3, not yet promoted: replaced
  STRCMP_EQUAL(pki->chain(newer).c_str(), staged_chain().c_str());
  CHECK(promote());
  Issued newest = pki->leaf(5, kNow - kDay / 4);
  publish(newest);
  CHECK(install());  // live 4: replaced
  CHECK(promote());
  STRCMP_EQUAL(newest.cert.serial_hex().c_str(), read_live(disk, kName)->serial.c_str());
}

TEST(SharedSets, AHalfWrittenSetIsNotRead) {
  Issued leaf = pki->leaf(3);
  const std::string dir = layout::shared_set_dir(kName, *shared_set_seq(pki->chain(leaf)));
  CHECK(etcd.write(dir + "/fullchain.pem", pki->chain(leaf)).ok());  // no key, no current yet
  CHECK_FALSE(install());
  CHECK(etcd.write(dir + "/privkey.pem", *leaf.key.to_pem(), 0600).ok());  // still no current
  CHECK_FALSE(install());
  CHECK_FALSE(has_staged(disk, kName));
  LONGS_EQUAL(0, log.lines.size());
}

TEST(SharedSets, PruningKeepsTheCurrentAndThePreviousSet) {
  const std::string s3 = publish(pki->leaf(3, kNow - 3 * kDay));
  const std::string s4 = publish(pki->leaf(4, kNow - 2 * kDay));
  LONGS_EQUAL(3, etcd.list(layout::shared_sets_dir(kName))->size());
  const std::string s5 = publish(pki->leaf(5, kNow - kDay));
  const std::vector<std::string> want = {s4, s5, "current"};
  CHECK(want == *etcd.list(layout::shared_sets_dir(kName)));
  CHECK_FALSE(etcd.exists(layout::shared_set_dir(kName, s3) + "/privkey.pem"));
  STRCMP_EQUAL(s5.c_str(), etcd.read_link(layout::shared_set_current(kName))->c_str());
}

TEST(SharedSets, ASetMissingItsIntermediateIsRefused) {
  Issued leaf = pki->leaf(3);
  const std::string seq = publish(leaf.cert.to_pem(), *leaf.key.to_pem());
  check_refused(seq, "Test Intermediate");
}

TEST(SharedSets, ASetWhoseKeyDoesNotMatchIsRefused) {
  Issued leaf = pki->leaf(3), other = pki->leaf(4);
  const std::string seq = publish(pki->chain(leaf), *other.key.to_pem());
  check_refused(seq, "key");
}

TEST(SharedSets, ASetNotCoveringTheNamesIsRefused) {
  cert.names.push_back("b.example");  // this node's configuration names one more
  const std::string seq = publish(pki->leaf(3));
  check_refused(seq, "b.example");
}

TEST(SharedSets, AnExpiredSetIsRefused) {
  const std::string seq = publish(pki->leaf(3, kNow - 100 * kDay));  // expired 10 days ago
  check_refused(seq, "expired");
}

TEST(SharedSets, AGoodSetAfterARefusedOneIsInstalled) {
  Issued leaf = pki->leaf(3), other = pki->leaf(4);
  publish(pki->chain(leaf), *other.key.to_pem());
  CHECK_FALSE(install());
  CHECK(memory.refused.count(kName));
  publish(pki->leaf(5, kNow - kDay / 2));
  CHECK(install());
  CHECK_FALSE(memory.refused.count(kName));  // the seq in `done` is a staged one now
}

TEST(SharedSets, CurrentNamingSomethingElseIsRefused) {
  publish(pki->leaf(3));
  etcd.links[layout::shared_set_current(kName)] = "../b.example/x";
  check_refused("../b.example/x", "'current' names no set");
}

TEST(SharedSets, ASetNotValidYetByThisClockWaits) {
  Issued leaf = pki->leaf(3, kNow + std::chrono::hours(1));
  publish(leaf);
  CHECK_FALSE(install());
  CHECK_FALSE(install());
  CHECK_FALSE(has_staged(disk, kName));
  LONGS_EQUAL(1, count(log, kMsgSharedSet) - 1);  // one wait line besides the publication
  LONGS_EQUAL(0, count(log, kMsgCertRejected));
  CHECK(install(kNow + std::chrono::hours(2)));
}

TEST(SharedSets, AFailedLocalWriteIsTriedAgain) {
  publish(pki->leaf(3));
  disk.fail_writes = true;
  auto r = install_shared_set(etcd, disk, cert, kNow, memory, log);
  CHECK_FALSE(r.ok());
  disk.fail_writes = false;
  CHECK(install());
}

TEST(SharedSets, AFailedPublicationLinksNothing) {
  publish(pki->leaf(3));
  const std::string before = *etcd.read_link(layout::shared_set_current(kName));
  etcd.fail_writes = true;  // the new set cannot be written
  CHECK_FALSE(publish_shared_set(etcd, kName, pki->chain(pki->leaf(4, kNow)), "key", log).ok());
  STRCMP_EQUAL(before.c_str(), etcd.read_link(layout::shared_set_current(kName))->c_str());
}
