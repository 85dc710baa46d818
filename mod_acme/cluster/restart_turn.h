// RestartTurn: the cluster's activation restarts one node at a time.
//
// Every node installs each new certificate set within a tick of the others
// and activates it with its own graceful restart, so without a rule the
// nodes restart together, and a restart of many vhosts keeps a node from
// accepting for seconds (8-20 s with 1,000 vhosts on the benchmark's 2
// cores). Meanwhile no node is ready for the CA, a balancer that checks
// readiness sends the CA's validations to every node, and those that reach
// a restarting node time out or meet a 404 (every failed validation of a
// 1,000-name run, bench/RESULTS.md). So a node restarts only while it holds
// the turn: <prefix>/restart = its node name, under its registration lease.
//
// - take(lease): created if absent (compare CREATE == 0), or taken over
//   when it names this node already (its previous watchdog's turn, whose
//   restart is over): true. Held by another node: false, holder() names it.
// - adopt(lease): after a graceful restart the next watchdog binds the turn
//   its node holds to its own lease (the previous watchdog's lapses 10 s
//   after it ends, perhaps before this restart is over).
// - release(): deleted if it names this node; called once the node's record
//   says ready for the CA again (cluster/node_registry.h), so the next node
//   restarts only once the balancer counts this one in.
// A node that dies while it holds the turn loses it with its lease (10 s).
// Each call is one or two etcd requests: a side fiber of the watchdog, as
// the registry's. Not thread-safe.
#pragma once

#include <string>

#include "cluster/etcd_client.h"
#include "cluster/etcd_layout.h"

namespace acme {

class RestartTurn {
 public:
  RestartTurn(EtcdClient& etcd, const EtcdLayout& layout, std::string node);

  Result<bool> take(long long lease);
  Status adopt(long long lease);  // nothing to do when the turn is not this node's
  Status release();               // likewise
  const std::string& holder() const { return holder_; }  // after take() said false
  const std::string& key() const { return key_; }

 private:
  EtcdCompare names_this_node() const;  // VALUE(key) == node (fails on a missing key)

  EtcdClient& etcd_;
  std::string key_;
  std::string node_;
  std::string holder_;
};

}  // namespace acme
