// FanoutCluster: nodes of a cluster over one FakeEtcd for the challenge
// fan-out tests: each node has its registration, its subscriber and what it
// serves (a RecordingSink); feed() hands a node's subscriber what its watch
// would bring since its next revision.
#pragma once

#include <memory>
#include <string>

#include "cluster/challenge_subscriber.h"
#include "cluster/fake_etcd.h"
#include "cluster/recording_sink.h"
#include "fakes/fake_http_client.h"

// Last: CppUTest redefines operator new for leak detection.
#include <CppUTest/TestHarness.h>

namespace acme {
namespace testing {

inline ClusterKey fanout_key() {
  return *ClusterKey::from_bytes(std::string(ClusterKey::kKeyBytes, 'k'));
}

struct FanoutNode {
  FanoutNode(EtcdClient& etcd, const EtcdLayout& layout, const std::string& name)
      : registry(etcd, layout, name), subscriber(layout, fanout_key(), sink) {}
  NodeRegistry registry;
  RecordingSink sink;
  ChallengeSubscriber subscriber;
};

class FanoutCluster {
 public:
  FanoutCluster() {
    http.handler = [this](const HttpRequest& r) { return fake.handle(r); };
    etcd = std::make_unique<EtcdClient>(std::vector<std::string>{"http://127.0.0.1:1"},
                                        std::make_unique<ForwardingHttpClient>(http));
  }
  // Registers the node and loads its subscriber with one range, as at start;
  // ready: its record then says the CA may be sent to it, as a node's
  // watchdog writes it a second after its readiness answer said so.
  std::unique_ptr<FanoutNode> join(const std::string& name, bool ready = true) {
    auto node = std::make_unique<FanoutNode>(*etcd, layout, name);
    Status s = node->registry.start();
    if (s.ok()) s = load(*node);
    if (s.ok() && ready) s = node->registry.set_ready(true);
    if (!s.ok()) FAIL(s.to_string().c_str());
    return node;
  }
  Status load(FanoutNode& node) {
    EtcdRange all;
    all.key = node.subscriber.root();
    all.range_end = node.subscriber.range_end();
    auto r = etcd->range(all);
    return r.ok() ? node.subscriber.load(*r) : r.status();
  }
  Status feed(FanoutNode& node) {
    return node.subscriber.apply(
        fake.watch(node.subscriber.root(), node.subscriber.next_revision()));
  }
  // feed() then write_acks(): one round of a node's watchdog.
  Status round(FanoutNode& node) {
    Status s = feed(node);
    return s.ok() ? node.subscriber.write_acks(*etcd, node.registry) : s;
  }

  FakeEtcd fake;
  FakeHttpClient http;
  std::unique_ptr<EtcdClient> etcd;
  EtcdLayout layout = *EtcdLayout::make("/p");
};

}  // namespace testing
}  // namespace acme
