// RoutingStore: one Store over two, so the renewal job and the reporting code
// keep using the one Store interface on a cluster: each path goes to the
// shared store (an EtcdStoreView, with or without a lock) or to this
// node's local store (the FileStore) by cluster/shared_paths.h's table.
//
// - list(dir) asks dir's side; when the table puts a directory right below
//   dir on the other side ("status" is shared, "status/ca" local; the root),
//   the other side is asked for that name only, and names of one side's
//   listing that the table gives the other side are left out (a stale local
//   jobs/ never shows through the root's listing).
// - link(): the link and its target must resolve to the same side (a local
//   file cannot point into etcd); anything else is kInvalidArgument.
// - absolute() is the side's: a FileStore path, or "etcd:<key>".
#pragma once

#include <string>
#include <vector>

#include "store/forwarding_store.h"

namespace acme {

class RoutingStore : public ForwardingStore {
 public:
  RoutingStore(Store& local, Store& shared) : local_(local), shared_(shared) {}
  RoutingStore(const RoutingStore&) = delete;
  RoutingStore& operator=(const RoutingStore&) = delete;

  // The rest goes to the path's side as it is (ForwardingStore).
  bool exists(const std::string& path) const override;
  Result<std::vector<std::string>> list(const std::string& dir) const override;
  Status link(const std::string& target, const std::string& link_path) override;

 protected:
  Store& store_for(const std::string& path) const override;  // the path's side

 private:
  Store& local_;
  Store& shared_;
};

}  // namespace acme
