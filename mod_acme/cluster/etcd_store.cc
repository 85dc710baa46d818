// EtcdStore: implements cluster/etcd_store.h (the Store contract over etcd).
#include "cluster/etcd_store.h"

#include <algorithm>

#include "cluster/shared_paths.h"

namespace acme {

namespace {

constexpr char kFile = 'f';
constexpr char kLink = 'l';
// etcd's default --max-request-bytes: a put carries the key, the value and a
// few bytes of framing; a file at our own limit must fit.
constexpr std::size_t kEtcdRequestLimit = 1536 * 1024;
static_assert(kMaxStoreFileSize + EtcdStore::kValueOverhead + 4096 < kEtcdRequestLimit,
              "a store file at kMaxStoreFileSize must fit in one etcd request");

}  // namespace

// A store path as FileStore accepts it, and stricter: no empty or "."
// component, so one path has one key.
bool etcd_store_path_ok(const std::string& path) {
  if (path.empty() || path[0] == '/' || path.back() == '/') return false;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = std::min(path.find('/', start), path.size());
    std::string part = path.substr(start, end - start);
    if (part.empty() || part == "." || part == ".." || part.find('\0') != std::string::npos)
      return false;
    start = end + 1;
  }
  return true;
}

namespace {

// A link target: relative to the link's directory, staying inside the store.
bool target_ok(const std::string& target, const std::string& link_path) {
  long depth = static_cast<long>(std::count(link_path.begin(), link_path.end(), '/'));
  if (target.empty() || target[0] == '/') return false;
  std::size_t start = 0;
  while (start < target.size()) {
    std::size_t end = std::min(target.find('/', start), target.size());
    std::string part = target.substr(start, end - start);
    if (part == ".." && --depth < 0) return false;
    if (part != ".." && !part.empty() && part != ".") ++depth;
    start = end + 1;
  }
  return true;
}

bool owner_only(int mode) {
  return (mode & 077) == 0;
}

EtcdRange keys_only(const std::string& key, const std::string& range_end, long long limit) {
  EtcdRange r;
  r.key = key;
  r.range_end = range_end;
  r.keys_only = true;
  r.limit = limit;
  return r;
}

}  // namespace

EtcdStore::EtcdStore(EtcdClient& etcd, EtcdLayout layout, ClusterKey key, Options options)
    : etcd_(etcd), layout_(std::move(layout)), key_(std::move(key)), options_(options) {}

std::string EtcdStore::absolute(const std::string& path) const {
  return "etcd:" + layout_.store(path);
}

Result<std::string> EtcdStore::key_for(const std::string& path, const char* doing) const {
  if (!etcd_store_path_ok(path)) {
    return Status(Code::kInvalidArgument, std::string("etcd store: ") + doing + " '" + path +
                                              "': a store path is relative, with no empty, "
                                              "'.' or '..' component");
  }
  const std::string key = layout_.store(path);
  ACME_RETURN_IF_ERROR(etcd_call_in_fiber(options_.require_fiber, "etcd store", doing, key));
  return key;
}

Result<std::string> etcd_store_content(const ClusterKey& cluster_key, const std::string& path,
                                       const std::string& key, const std::string& value,
                                       EtcdValueType want) {
  const char type = value.empty() ? '\0' : value.front();
  if (type != kFile && type != kLink) {
    return Status(Code::kProtocol, "etcd store: " + key +
                                       " holds a value mod_acme did not write (no type byte); "
                                       "remove it with etcdctl del");
  }
  if (want == EtcdValueType::kLink) {
    if (type != kLink)
      return Status(Code::kInvalidArgument, "etcd store: " + key + " is a file, not a link");
    return value.substr(1);
  }
  if (type != kFile)
    return Status(Code::kInvalidArgument, "etcd store: " + key + " is a link, not a file");
  if (value.size() > kMaxStoreFileSize + EtcdStore::kValueOverhead) {
    return Status(Code::kInvalidArgument, "etcd store: " + key + " holds " +
                                              std::to_string(value.size()) +
                                              " bytes, more than mod_acme ever writes");
  }
  if (!is_sealed_path(path)) return value.substr(1);
  auto opened = cluster_key.open_sealed(value.substr(1), key);
  if (!opened.ok()) {
    return opened.status().with_context(
        "etcd store: the private key " + key +
        " does not open with ACMESharedStoreKeyFile (altered, copied from another key, or "
        "sealed with another cluster key); every node needs the same key file");
  }
  return opened;
}

Result<std::string> EtcdStore::get_content(const std::string& path, const char* doing,
                                           EtcdValueType want) const {
  auto key = key_for(path, doing);
  ACME_RETURN_IF_ERROR(key);
  auto got = etcd_.get(*key);
  if (!got.ok()) return got.status().with_context("etcd store: reading " + *key);
  if (got->kvs.empty()) return Status(Code::kNotFound, "etcd store: " + *key + " does not exist");
  return etcd_store_content(key_, path, *key, got->kvs[0].value, want);
}

Result<std::string> EtcdStore::read(const std::string& path) const {
  return get_content(path, "reading", EtcdValueType::kFile);
}

Status EtcdStore::commit(const std::string& key, std::vector<EtcdOp> ops, const EtcdLock* lock) {
  EtcdTxn txn;
  txn.success = std::move(ops);
  if (lock != nullptr) {
    // Not held (lease 0): refused unsent, and must be: LEASE(key) == 0 holds
    // for a key that does not exist. Held, even past held_now() (a keep-alive
    // answered late by the local clock): etcd decides, since it deletes the
    // lock key the moment the lease ends and a key another node took is under
    // that node's lease; the compare fails then (below).
    if (!lock->held()) {
      return Status(Code::kNotFound, "etcd store: " + key + " not written: the lock " +
                                         lock->key() +
                                         " is not held by this node (not taken, given up or "
                                         "found lost); the next holder carries on");
    }
    txn.compare.push_back(lock->holds_compare());
  }
  auto done = etcd_.txn(txn);
  if (!done.ok()) return done.status().with_context("etcd store: writing " + key);
  if (done->succeeded) return Status();
  if (lock == nullptr)  // no compare: etcd runs the success branch
    return Status(Code::kProtocol, "etcd store: writing " + key + ": etcd said not succeeded");
  return Status(Code::kNotFound, "etcd store: " + key + " not written: the lock " + lock->key() +
                                     " is no longer held by this node (its lease ended); "
                                     "the next holder carries on from the shared state");
}

Status EtcdStore::write(const std::string& path, const std::string& data, int mode,
                        const EtcdLock* lock) {
  auto key = key_for(path, "writing");
  ACME_RETURN_IF_ERROR(key);
  if (data.size() > kMaxStoreFileSize) {
    return Status(Code::kInvalidArgument,
                  "etcd store: " + *key + ": " + std::to_string(data.size()) +
                      " bytes is more than a store file may hold (" +
                      std::to_string(kMaxStoreFileSize) + ", within etcd's 1.5 MiB request)");
  }
  const bool sealed = is_sealed_path(path);
  if (owner_only(mode) && !sealed) {
    return Status(Code::kInvalidArgument,
                  "etcd store: " + *key +
                      " is written owner-only (a private key?) but is not a sealed path; "
                      "it is not sent to etcd in clear: list it in cluster/shared_paths.cc");
  }
  std::string value(1, kFile);
  if (sealed) {
    auto box = key_.seal(data, *key);
    if (!box.ok()) return box.status().with_context("etcd store: sealing " + *key);
    value += *box;
  } else {
    value += data;
  }
  return commit(*key, {EtcdOp::put(*key, value)}, lock);
}

Status EtcdStore::remove(const std::string& path, const EtcdLock* lock) {
  auto key = key_for(path, "removing");
  ACME_RETURN_IF_ERROR(key);
  const std::string below = *key + "/";
  return commit(*key, {EtcdOp::remove(*key), EtcdOp::remove(below, prefix_end(below))}, lock);
}

Status EtcdStore::link(const std::string& target, const std::string& link_path,
                       const EtcdLock* lock) {
  auto key = key_for(link_path, "linking");
  ACME_RETURN_IF_ERROR(key);
  if (!target_ok(target, link_path) || target.size() > 4096) {
    return Status(Code::kInvalidArgument, "etcd store: link target '" + target + "' for " + *key +
                                              " must be relative and stay inside the store");
  }
  return commit(*key, {EtcdOp::put(*key, std::string(1, kLink) + target)}, lock);
}

Result<std::string> EtcdStore::read_link(const std::string& link_path) const {
  return get_content(link_path, "reading the link", EtcdValueType::kLink);
}

Result<bool> EtcdStore::any_key(const std::string& key, const std::string& range_end) const {
  auto r = etcd_.range(keys_only(key, range_end, 1));
  if (!r.ok()) return r.status();
  return !r->kvs.empty();
}

bool EtcdStore::exists(const std::string& path) const {
  auto key = key_for(path, "looking up");
  if (!key.ok()) return false;
  auto file = any_key(*key, "");
  if (!file.ok() || *file) return file.ok();
  const std::string below = *key + "/";
  auto dir = any_key(below, prefix_end(below));
  return dir.ok() && *dir;
}

Result<std::vector<std::string>> EtcdStore::list(const std::string& dir) const {
  std::string below = layout_.store_root();
  if (!dir.empty()) {
    auto key = key_for(dir, "listing");
    ACME_RETURN_IF_ERROR(key);
    below = *key + "/";
  } else {
    ACME_RETURN_IF_ERROR(
        etcd_call_in_fiber(options_.require_fiber, "etcd store", "listing", below));
  }
  auto r = etcd_.range(keys_only(below, prefix_end(below), 0));
  if (!r.ok()) return r.status().with_context("etcd store: listing " + below);
  std::vector<std::string> names;
  for (const EtcdKeyValue& kv : r->kvs) {
    std::string rest = kv.key.substr(below.size());
    names.push_back(rest.substr(0, rest.find('/')));
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

}  // namespace acme
