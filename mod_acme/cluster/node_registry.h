// NodeRegistry: this node's entry among the live nodes of the cluster
// (issue 10 item 4), and the list of them, so the ordering node knows whose
// acknowledgement of a challenge answer to wait for (cluster/challenge_publisher.h).
//
// start() grants a lease (TTL kDefaultTtlS) and puts <prefix>/nodes/<node>
// bound to it, value {"node":NAME,"started":UNIX_S,"version":MODULE_VERSION}.
// keep_alive() renews the lease (every TTL/3, as the locks' LeaseKeeper does); a
// node that stops renewing (killed, partitioned, paused past the TTL) drops
// out when etcd expires the lease, and every key under that lease with it (its
// acks). When keep_alive() learns that the lease is gone while this node is
// alive after all, it registers again under a new lease: lease() changes, and
// the subscriber writes its acks again under it. stop() revokes the lease:
// the node and its acks disappear at once.
//
// The record also says whether the CA may be sent to the node now ("ready",
// docs/cluster.md "The load balancer"): false from start() (each watchdog
// registers anew, and its node's readiness answer waits for it), set_ready()
// changes it. An ordering node waits for a ready node before it tells the CA
// to validate (cluster/challenge_publisher.h): with none, a balancer that
// checks readiness sends the CA to every node, restarting ones too.
// set_ready() writes only while the key is bound to this registry's lease:
// the next watchdog of the same node (a graceful restart) registers the key
// under its own lease, and the watchdog before must not overwrite its record.
//
// live_nodes() is one range over <prefix>/nodes/: the names come from the
// keys (unescaped), so a value this version cannot read does not hide a node
// its lease says is alive, and a record without "ready" (a node of a version
// before it) counts as ready.
//
// Every call is one or two etcd requests, bounded by the client's timeouts:
// in the module they run in a side fiber of the watchdog (docs/cluster.md,
// "Never blocking a tick"), never in the tick itself. Not thread-safe.
#pragma once

#include <string>
#include <vector>

#include "base/clock.h"
#include "cluster/etcd_client.h"
#include "cluster/etcd_layout.h"

namespace acme {

struct ClusterNode {
  std::string name;
  long long lease = 0;
  long long started = 0;  // unix seconds; 0 when the value could not be read
  std::string version;
  bool ready = true;  // the CA may be sent here (see above)
};

// The value of <prefix>/nodes/<name>.
std::string node_record_json(const std::string& name, long long started_unix, bool ready);

class NodeRegistry {
 public:
  static constexpr long long kDefaultTtlS = 10;

  // clock: nullptr = the system clock.
  NodeRegistry(EtcdClient& etcd, EtcdLayout layout, std::string node,
               long long ttl_s = kDefaultTtlS, const Clock* clock = nullptr);
  NodeRegistry(const NodeRegistry&) = delete;
  NodeRegistry& operator=(const NodeRegistry&) = delete;

  Status start();
  // Renews the lease; registers again when etcd says it is gone.
  Status keep_alive();
  Status stop();  // a lease already gone is not an error
  // Writes the record's "ready" (see above). Not registered, or the key
  // found under another lease (this node's next watchdog; superseded()
  // from then on): nothing is written, and ready() keeps what this
  // registry last wrote.
  Status set_ready(bool ready);
  bool superseded() const { return superseded_; }

  bool registered() const { return lease_ != 0; }
  bool ready() const { return ready_; }       // as last written by this registry
  long long lease() const { return lease_; }  // 0 while not registered
  const std::string& node() const { return node_; }
  const std::string& key() const { return key_; }

  Result<std::vector<ClusterNode>> live_nodes() const;

 private:
  EtcdClient& etcd_;
  EtcdLayout layout_;
  SystemClock system_clock_;
  const Clock& clock_;
  std::string node_;
  std::string key_;
  long long ttl_s_;
  long long lease_ = 0;
  TimePoint started_{};  // the record's "started"
  bool ready_ = false;
  bool superseded_ = false;
};

// The nodes of a range over layout.nodes() (also read inside the publisher's
// transaction). Keys that are not node keys are skipped.
std::vector<ClusterNode> parse_node_range(const EtcdLayout& layout,
                                          const std::vector<EtcdKeyValue>& kvs);

}  // namespace acme
