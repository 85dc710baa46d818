// EtcdMirror: this node's in-memory copy of the shared store
// (<prefix>/store/), so the watchdog's tick reads shared state without
// waiting for the network (issue 7; docs/cluster.md "Never blocking a tick").
//
// Fed from outside, never by a request of its own: load() with one range over
// the subtree (values included) at revision R, then apply() each message of an
// EtcdWatch started from next_revision() (R + 1). apply() refuses a message
// that says history was compacted or the watch was canceled: events may be
// missing, so the caller ranges again and load()s (the mirror keeps serving
// its last state meanwhile). Events at or below the mirror's revision (a
// replay after a restarted watch) are skipped.
//
// MirrorStore is the Store view of it: read, read_link, exists and list as
// EtcdStore answers them (same value format, sealed paths opened with the
// cluster key). It does not write: writes go through an EtcdStore from a
// fiber, and come back through the watch. Before the first load() every read
// is a kNetwork error ("not loaded yet").
#pragma once

#include <map>
#include <string>
#include <vector>

#include "cluster/cluster_key.h"
#include "cluster/etcd_layout.h"
#include "cluster/etcd_types.h"
#include "store/read_only_store.h"

namespace acme {

class EtcdMirror {
 public:
  explicit EtcdMirror(std::string root) : root_(std::move(root)) {}  // EtcdLayout::store_root()

  const std::string& root() const { return root_; }
  // [root(), prefix_end(root())): the range to load and the watch to start.
  std::string range_end() const;

  void load(const EtcdRangeResult& all);
  Status apply(const EtcdWatchResponse& message);

  bool loaded() const { return revision_ > 0; }
  long long revision() const { return revision_; }
  long long next_revision() const { return revision_ + 1; }
  std::size_t size() const { return kv_.size(); }
  // The stored value of key, nullptr when absent.
  const std::string* find(const std::string& key) const;
  // Names right below `below` (a key ending in '/'), sorted, once each.
  std::vector<std::string> names_below(const std::string& below) const;

 private:
  std::string root_;
  long long revision_ = 0;
  std::map<std::string, std::string> kv_;
};

class MirrorStore : public ReadOnlyStore {
 public:
  MirrorStore(const EtcdMirror& mirror, EtcdLayout layout, ClusterKey key)
      : mirror_(mirror), layout_(std::move(layout)), key_(std::move(key)) {}

  Result<std::string> read(const std::string& path) const override;
  bool exists(const std::string& path) const override;
  Result<std::vector<std::string>> list(const std::string& dir) const override;
  Result<std::string> read_link(const std::string& link_path) const override;
  std::string absolute(const std::string& path) const override;

 protected:
  Status refusal(const std::string& path) const override;

 private:
  Result<std::string> key_for(const std::string& path) const;
  Status loaded(const std::string& key) const;  // kNetwork before the first load()
  Result<std::string> content(const std::string& path, bool link) const;

  const EtcdMirror& mirror_;
  EtcdLayout layout_;
  ClusterKey key_;
};

}  // namespace acme
