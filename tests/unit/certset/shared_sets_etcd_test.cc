// shared_sets over the cluster's real store classes: two nodes, each a
// RoutingStore over its own files (MemoryStore) and one EtcdStore (FakeEtcd),
// as the wiring will build them. Shows that the paths shared_sets writes reach
// etcd, the key sealed, and that EtcdStore's links (pointer keys, not
// resolved inside paths) and removals serve publish, install and pruning.
#include <memory>
#include <string>

#include "base/memory_log_sink.h"
#include "certset/cert_files.h"
#include "certset/shared_sets.h"
#include "cluster/etcd_store.h"
#include "cluster/fake_etcd.h"
#include "cluster/routing_store.h"
#include "config/managed_cert.h"
#include "crypto/crypto_test_util.h"
#include "fakes/fake_http_client.h"
#include "store/layout.h"
#include "store/memory_store.h"

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

using namespace acme;
using namespace acme::testing;

namespace {

const TimePoint kNow = from_unix(1767225600);  // 2026-01-01T00:00:00Z
const auto kDay = std::chrono::hours(24);
const char kSets[] = "/mod_acme/store/sets/_.a.example/";

struct Node {
  explicit Node(EtcdStore& etcd) : shared(etcd), store(files, shared) {}
  MemoryStore files;
  EtcdStoreView shared;
  RoutingStore store;
  SharedSetMemory memory;
};

}  // namespace

TEST_GROUP(SharedSetsOverEtcd) {
  Issued root = issue("Test Root", nullptr, "", kNow - 365 * kDay, kNow + 3650 * kDay, 1);
  Issued intermediate =
      issue("Test Intermediate", &root, "", kNow - 30 * kDay, kNow + 365 * kDay, 2);
  std::unique_ptr<TempFile> anchors = std::make_unique<TempFile>(root.cert.to_pem());
  FakeEtcd fake;
  FakeHttpClient http;
  std::unique_ptr<EtcdClient> client;
  std::unique_ptr<EtcdStore> etcd;
  std::unique_ptr<Node> orderer, other;
  MemoryLogSink log;
  ManagedCert cert;

  void setup() override {
    http.handler = [this](const HttpRequest& r) { return fake.handle(r); };
    client = std::make_unique<EtcdClient>(std::vector<std::string>{"http://127.0.0.1:1"},
                                          std::make_unique<ForwardingHttpClient>(http));
    etcd = std::make_unique<EtcdStore>(
        *client, std::move(EtcdLayout::make(EtcdLayout::kDefaultPrefix).value()),
        std::move(ClusterKey::from_bytes(std::string(32, '\x42')).value()));
    orderer = std::make_unique<Node>(*etcd);
    other = std::make_unique<Node>(*etcd);
    cert.name = "*.a.example";
    cert.names = {"*.a.example"};
    cert.trust_anchor_file = anchors->path();
  }
  // The ordering node: stages its verified order, then publishes it.
  std::string order(long serial, TimePoint not_before) {
    Issued leaf = issue("a.example", &intermediate, "DNS:*.a.example", not_before,
                        not_before + 90 * kDay, serial);
    const std::string chain = leaf.cert.to_pem() + intermediate.cert.to_pem();
    CHECK(stage_set(orderer->store, cert.name, chain, *leaf.key.to_pem()).ok());
    auto seq = publish_shared_set(orderer->store, cert.name, chain, *leaf.key.to_pem(), log);
    CHECK_TEXT(seq.ok(), seq.status().to_string().c_str());
    return seq.ok() ? *seq : "";
  }
  bool install(Node & node) {
    auto r = install_shared_set(node.store, node.store, cert, kNow, node.memory, log);
    CHECK_TEXT(r.ok(), r.status().to_string().c_str());
    return r.ok() && *r;
  }
  static std::string staged(const Node& node, const char* file) {
    auto it = node.files.files.find(std::string("staging/_.a.example/") + file);
    return it == node.files.files.end() ? "(none)" : it->second;
  }
};

TEST(SharedSetsOverEtcd, TheSetGoesThroughEtcdSealedAndLandsInTheOtherNodesStaging) {
  const std::string seq = order(3, kNow - kDay);
  STRCMP_EQUAL(("l" + seq).c_str(), fake.kv_.at(std::string(kSets) + "current").value.c_str());
  const std::string key_value = fake.kv_.at(kSets + seq + "/privkey.pem").value;
  CHECK(key_value.find("PRIVATE KEY") == std::string::npos);  // sealed
  CHECK(fake.kv_.count(kSets + seq + "/fullchain.pem"));
  CHECK(orderer->files.files.count(layout::staging_dir(cert.name) + "/fullchain.pem"));
  CHECK(other->files.files.empty());  // nothing of the set on the other node's disk yet

  CHECK(install(*other));
  STRCMP_EQUAL(staged(*orderer, "fullchain.pem").c_str(), staged(*other, "fullchain.pem").c_str());
  STRCMP_EQUAL(staged(*orderer, "privkey.pem").c_str(), staged(*other, "privkey.pem").c_str());
  CHECK_FALSE(install(*orderer));  // its own order is staged already
}

TEST(SharedSetsOverEtcd, PruningRemovesTheOldestSetsKeys) {
  const std::string s3 = order(3, kNow - 3 * kDay);
  const std::string s4 = order(4, kNow - 2 * kDay);
  const std::string s5 = order(5, kNow - kDay);
  CHECK_FALSE(fake.kv_.count(kSets + s3 + "/fullchain.pem"));
  CHECK_FALSE(fake.kv_.count(kSets + s3 + "/privkey.pem"));
  CHECK(fake.kv_.count(kSets + s4 + "/privkey.pem"));
  CHECK(fake.kv_.count(kSets + s5 + "/privkey.pem"));
  CHECK(install(*other));
  STRCMP_EQUAL(staged(*orderer, "fullchain.pem").c_str(), staged(*other, "fullchain.pem").c_str());
}
