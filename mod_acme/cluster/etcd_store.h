// EtcdStore: the store of store/store.h's paths over etcd (issue 10), for the
// subtrees the nodes of a cluster share (cluster/shared_paths.h). It is the
// transport, not itself a Store: each write says which lock it is made under
// (or none), and EtcdStoreView below is the Store over it, with or without a
// lock (RoutingStore sends each path to a view or to the node's FileStore).
// docs/cluster.md "The shared store" has the design.
//
// Store path P is the etcd key <prefix>/store/P (cluster/etcd_layout.h). Its
// value is one type byte, 'f' (a file) or 'l' (a link), then the content: a
// file's bytes, sealed with the cluster key (cluster/cluster_key.h, bound to
// the key name) when is_sealed_path(P); a link's target. Directories are not
// stored: a directory exists while a key lies under it.
//
// - Sealed paths are opened on read; a value that does not open (altered,
//   moved from another key, another cluster key) is a kCrypto error naming the
//   key, never returned raw. An owner-only write (mode 0600) to a path that is
//   not sealed is refused: an unlisted private key never enters etcd in clear.
// - Files are limited to kMaxStoreFileSize (1 MiB) as in the file store; the
//   stored value (+30 bytes) stays below etcd's default request limit of
//   1.5 MiB (--max-request-bytes), so etcd never refuses a write we allowed.
// - Every write is one transaction, atomic as the file store's rename, and
//   durable once etcd answers (raft commit): write_unsynced() is write().
//   remove() deletes the key and everything under it in one transaction.
// - Writes through a view under a lock carry the lock's holds_compare().
// - Links do not resolve inside paths (read("sets/a/current/x") finds
//   nothing): read_link() and then read() the target.
// - Blocking: each call is one or two etcd requests, each bounded by the
//   client's timeouts (2 s connect, 5 s in all, per member tried). With
//   Options::require_fiber, a call made outside a fiber (base/fiber.h) fails
//   at once instead of blocking the watchdog's tick: in the module the client
//   sends over the watchdog's CurlMulti, where a fiber's request suspends only
//   that fiber. exists() answers false on an etcd error (as the file store
//   does on an unreadable directory).
// Errors name the etcd key and, from EtcdClient, the endpoint and etcd's cause.
#pragma once

#include <string>
#include <vector>

#include "cluster/cluster_key.h"
#include "cluster/etcd_client.h"
#include "cluster/etcd_layout.h"
#include "cluster/etcd_lock.h"
#include "store/store.h"

namespace acme {

enum class EtcdValueType { kFile, kLink };

// What read() (kFile) or read_link() (kLink) returns for `value` as stored
// under etcd `key` for store `path`: checks the type byte and the size, and
// opens a sealed path's value. Shared with the mirror (cluster/etcd_mirror.h).
Result<std::string> etcd_store_content(const ClusterKey& cluster_key, const std::string& path,
                                       const std::string& key, const std::string& value,
                                       EtcdValueType want);
// A store path EtcdStore accepts: relative, no empty, '.' or '..' component.
bool etcd_store_path_ok(const std::string& path);

class EtcdStore {
 public:
  struct Options {
    bool require_fiber = false;
  };
  // Type byte + sealing's version, nonce and tag: what a file adds in etcd.
  static constexpr std::size_t kValueOverhead = 1 + 1 + 12 + 16;

  EtcdStore(EtcdClient& etcd, EtcdLayout layout, ClusterKey key, Options options);
  EtcdStore(EtcdClient& etcd, EtcdLayout layout, ClusterKey key)
      : EtcdStore(etcd, std::move(layout), std::move(key), Options()) {}
  EtcdStore(const EtcdStore&) = delete;
  EtcdStore& operator=(const EtcdStore&) = delete;

  // As Store's reads (store/store.h), with the errors described above.
  Result<std::string> read(const std::string& path) const;
  bool exists(const std::string& path) const;
  Result<std::vector<std::string>> list(const std::string& dir) const;
  Result<std::string> read_link(const std::string& link_path) const;
  // "etcd:<key>", for messages (nothing in a shared subtree is handed to mod_ssl).
  std::string absolute(const std::string& path) const;

  // As Store's writes, with the compare of the lock they are made under
  // (nullptr: none).
  Status write(const std::string& path, const std::string& data, int mode, const EtcdLock* lock);
  Status remove(const std::string& path, const EtcdLock* lock);
  Status link(const std::string& target, const std::string& link_path, const EtcdLock* lock);

 private:
  Result<std::string> key_for(const std::string& path, const char* doing) const;
  Result<std::string> get_content(const std::string& path, const char* doing,
                                  EtcdValueType want) const;
  Status commit(const std::string& key, std::vector<EtcdOp> ops, const EtcdLock* lock);
  Result<bool> any_key(const std::string& key, const std::string& range_end) const;

  EtcdClient& etcd_;
  EtcdLayout layout_;
  ClusterKey key_;
  Options options_;
};

// The Store over an EtcdStore. Reads as the store. With a lock (work done
// under a certificate's lock: the renewal job of that certificate is built
// with such a view), every write, link and removal carries
// lock->holds_compare(), so etcd applies it only while this node's lease
// still holds the lock (a lease that ended took the key with it; a key
// another node took is under its lease). That compare is the fence: a write
// is sent whenever lock->held(), even once the local clock says a keep-alive
// is late (held_now() false), and refused without a request only when the
// lock is not held at all (lease 0). A refused write is kNotFound naming the
// key and the lock. One view per job, so interleaved fibers never share a
// "current lock".
class EtcdStoreView : public Store {
 public:
  explicit EtcdStoreView(EtcdStore& store, const EtcdLock* lock = nullptr)
      : store_(store), lock_(lock) {}

  Result<std::string> read(const std::string& path) const override { return store_.read(path); }
  Status write(const std::string& path, const std::string& data, int mode = 0644) override {
    return store_.write(path, data, mode, lock_);
  }
  // Durable once etcd answers, as every EtcdStore write (see above).
  Status write_unsynced(const std::string& path, const std::string& data,
                        int mode = 0644) override {
    return write(path, data, mode);
  }
  bool exists(const std::string& path) const override { return store_.exists(path); }
  Status remove(const std::string& path) override { return store_.remove(path, lock_); }
  Result<std::vector<std::string>> list(const std::string& dir) const override {
    return store_.list(dir);
  }
  Status link(const std::string& target, const std::string& link_path) override {
    return store_.link(target, link_path, lock_);
  }
  Result<std::string> read_link(const std::string& link_path) const override {
    return store_.read_link(link_path);
  }
  std::string absolute(const std::string& path) const override { return store_.absolute(path); }

 private:
  EtcdStore& store_;
  const EtcdLock* lock_;
};

}  // namespace acme
