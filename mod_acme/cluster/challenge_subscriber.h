// ChallengeSubscriber: every node's side of the challenge fan-out (issue 10
// item 4). It serves each answer published under <prefix>/challenges/ from
// this node's shared memory, takes it away when the key goes, and acknowledges
// each answer it serves under <prefix>/acks/<token>/<node>, bound to this
// node's registration lease (cluster/node_registry.h), so the ordering node
// (cluster/challenge_publisher.h) knows when every live node can answer the
// CA, and a dead node's acks vanish with its lease.
//
// Fed from outside, as EtcdMirror is: load() with one range over
// challenges/ at start (and whenever apply() refuses a message: compacted
// history or a canceled watch), then apply() each message of an EtcdWatch
// started from next_revision(). Both only touch the sink (shared memory),
// never the network, so the tick may call them. write_acks() makes the etcd
// requests: from a fiber (docs/cluster.md, "Never blocking a tick").
//
// The ack's value is the mod_revision of the challenge value served: a
// re-publication of the token (a resumed job) is acknowledged anew. A value
// that does not decode (cluster/challenge_record.h) is refused with an error
// naming its key, the other events of the message still apply, and a token's
// earlier answer is withdrawn (it is no longer the published one). A sink
// that refuses an answer (a full table) leaves it unacked; write_acks() tries
// the sink again first. Not thread-safe.
#pragma once

#include <map>
#include <string>

#include "cluster/challenge_record.h"
#include "cluster/etcd_client.h"
#include "cluster/etcd_layout.h"
#include "cluster/etcd_types.h"
#include "cluster/node_registry.h"

namespace acme {

// Where this node serves answers from: in the module, the shared-memory
// ChallengeTable (http-01, by identifier and token) and AlpnCertTable
// (tls-alpn-01, by the server name the CA sends). An adapter over those
// lives above cluster/ (the layer rule keeps shm/ out of cluster/).
class ChallengeSink {
 public:
  virtual ~ChallengeSink() = default;
  // Serves a (in place of an earlier answer of the same token). An error: not served.
  virtual Status publish(const ChallengeAnswer& a) = 0;
  // Stops serving what publish(a) served.
  virtual void withdraw(const ChallengeAnswer& a) = 0;
};

class ChallengeSubscriber {
 public:
  ChallengeSubscriber(EtcdLayout layout, ClusterKey key, ChallengeSink& sink)
      : layout_(std::move(layout)), key_(std::move(key)), sink_(sink) {}
  ChallengeSubscriber(const ChallengeSubscriber&) = delete;
  ChallengeSubscriber& operator=(const ChallengeSubscriber&) = delete;

  // [root(), range_end()): the range to load and the watch to start.
  std::string root() const { return layout_.challenges(); }
  std::string range_end() const { return prefix_end(root()); }

  // Serves exactly what the range holds (withdrawing what it no longer does).
  // The error names every refused key; the rest is served.
  Status load(const EtcdRangeResult& all);
  Status apply(const EtcdWatchResponse& message);
  bool loaded() const { return revision_ > 0; }
  long long next_revision() const { return revision_ + 1; }

  // Puts the ack of every served answer not yet acked under registry's
  // current lease (all of them again after a re-registration), kAckBatch
  // to a transaction: a busy node acks a burst of answers in one request.
  static constexpr std::size_t kAckBatch = 64;  // etcd's --max-txn-ops is 128
  Status write_acks(EtcdClient& etcd, const NodeRegistry& registry);

  std::size_t serving() const;  // answers the sink holds now
  // Answers known and not acknowledged yet (the sink refused them, or
  // write_acks() has not run since they came).
  std::size_t unacked() const;

 private:
  struct Entry {
    ChallengeAnswer answer;
    long long revision = 0;     // mod_revision of the value
    bool served = false;        // the sink took it
    long long acked_lease = 0;  // the lease its ack was written with; 0: none
  };
  Status put(const EtcdKeyValue& kv);
  void remove(const std::string& key);
  Result<std::string> token_of(const std::string& key) const;

  EtcdLayout layout_;
  ClusterKey key_;
  ChallengeSink& sink_;
  long long revision_ = 0;
  std::map<std::string, Entry> entries_;  // by etcd key
};

}  // namespace acme
