// acmectl --cluster FILE (issue 10): the store of a node of a cluster, so
// `acmectl renew NAME` on any node renews for the whole cluster (its request
// lands in etcd, <prefix>/store/requests/NAME.json) and `acmectl status`
// reads the cluster's status records from etcd.
//
// FILE is an Apache configuration snippet holding the ACMESharedStore*,
// ACMESharedStoreKeyFile and ACMENodeName lines (admins keep them in e.g.
// /etc/apache2/conf-available/acme-cluster.conf and Include it). Those lines
// are read with the module's own directive actions (config/directive_actions.h)
// and checked with check_global, as `apachectl -t` does; other lines are
// skipped. The store is RoutingStore(FileStore(--store), EtcdStore): each path
// on the side cluster/shared_paths.h gives it. Requests to etcd are
// synchronous (a command line tool; each bounded by the client's timeouts).
#pragma once

#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "args.h"
#include "base/status.h"
#include "cluster/etcd_store.h"
#include "cluster/routing_store.h"
#include "config/settings.h"
#include "store/file_store.h"

namespace acme::ctl {

// What --cluster FILE gives acmectl: the cluster lines and, for `sync`, the
// server's ACMETrustAnchorFile line (one outside every <VirtualHost>; "" when
// FILE has none: the system's trust store), which the watchdog verifies
// installed sets against.
struct ClusterFile {
  ClusterSettings cluster;
  std::string trust_anchor_file;
};

// FILE's lines above, parsed and checked; errors name FILE:LINE, the
// directive, the value and the fix.
Result<ClusterFile> read_cluster_config(const std::string& path);
// Its cluster lines alone.
Result<ClusterSettings> read_cluster_file(const std::string& path);

class ClusterStore {
 public:
  // store_dir: this node's ACMEStoreDir (absolute).
  static Result<std::unique_ptr<ClusterStore>> open(const ClusterSettings& settings,
                                                    const std::string& store_dir);
  ClusterStore(const ClusterStore&) = delete;
  ClusterStore& operator=(const ClusterStore&) = delete;
  Store& store() { return routing_; }
  // This node's own files (--store), the local side of store().
  FileStore& local() { return local_; }

 private:
  ClusterStore(const ClusterSettings& s, EtcdLayout layout, ClusterKey key,
               const std::string& store_dir);
  EtcdClient etcd_;
  EtcdStore shared_;
  EtcdStoreView shared_view_;
  FileStore local_;
  RoutingStore routing_;
};

// The store a command works on: the cluster's with --cluster, else the
// FileStore of --store (absolute, so messages name the files wherever the
// admin ran us from). work's exit status; kExitUsage when the store cannot
// be opened (the cause on err as "acmectl COMMAND: ...").
int with_store(const Args& args, std::ostream& err, const std::function<int(Store&)>& work);

}  // namespace acme::ctl
