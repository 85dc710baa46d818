// EtcdMirror, MirrorStore: implement cluster/etcd_mirror.h.
#include "cluster/etcd_mirror.h"

#include <algorithm>

#include "cluster/etcd_store.h"

namespace acme {

std::string EtcdMirror::range_end() const {
  return prefix_end(root_);
}

void EtcdMirror::load(const EtcdRangeResult& all) {
  kv_.clear();
  for (const EtcdKeyValue& kv : all.kvs)
    if (kv.key.compare(0, root_.size(), root_) == 0) kv_[kv.key] = kv.value;
  revision_ = all.revision;
}

Status EtcdMirror::apply(const EtcdWatchResponse& message) {
  if (message.compact_revision > 0 || message.canceled) {
    return Status(Code::kNotFound,
                  "etcd mirror of " + root_ + ": the watch " +
                      (message.canceled ? "was canceled (" + message.cancel_reason + ")"
                                        : "lost history up to revision " +
                                              std::to_string(message.compact_revision)) +
                      "; range the subtree again and load() it");
  }
  for (const EtcdEvent& e : message.events) {
    if (e.kv.mod_revision <= revision_) continue;  // seen already (a replay)
    if (e.kv.key.compare(0, root_.size(), root_) != 0) continue;
    if (e.type == EtcdEvent::Type::kPut) {
      kv_[e.kv.key] = e.kv.value;
    } else {
      kv_.erase(e.kv.key);
    }
  }
  for (const EtcdEvent& e : message.events) revision_ = std::max(revision_, e.kv.mod_revision);
  return Status();
}

const std::string* EtcdMirror::find(const std::string& key) const {
  auto it = kv_.find(key);
  return it == kv_.end() ? nullptr : &it->second;
}

std::vector<std::string> EtcdMirror::names_below(const std::string& below) const {
  std::vector<std::string> names;
  for (auto it = kv_.lower_bound(below);
       it != kv_.end() && it->first.compare(0, below.size(), below) == 0; ++it) {
    std::string rest = it->first.substr(below.size());
    std::string name = rest.substr(0, rest.find('/'));
    if (names.empty() || names.back() != name) names.push_back(name);
  }
  return names;  // map order: sorted, and equal names are adjacent
}

Result<std::string> MirrorStore::key_for(const std::string& path) const {
  if (!etcd_store_path_ok(path)) {
    return Status(Code::kInvalidArgument, "etcd mirror: '" + path +
                                              "': a store path is relative, with no empty, "
                                              "'.' or '..' component");
  }
  ACME_RETURN_IF_ERROR(loaded(layout_.store(path)));
  return layout_.store(path);
}

Status MirrorStore::loaded(const std::string& key) const {
  if (mirror_.loaded()) return Status();
  return Status(Code::kNetwork, "etcd mirror: " + key +
                                    " is not known yet: the shared store was not loaded from "
                                    "etcd (unreachable since this watchdog started?)");
}

Result<std::string> MirrorStore::content(const std::string& path, bool link) const {
  auto key = key_for(path);
  ACME_RETURN_IF_ERROR(key);
  const std::string* value = mirror_.find(*key);
  if (value == nullptr) return Status(Code::kNotFound, "etcd mirror: " + *key + " does not exist");
  return etcd_store_content(key_, path, *key, *value,
                            link ? EtcdValueType::kLink : EtcdValueType::kFile);
}

Result<std::string> MirrorStore::read(const std::string& path) const {
  return content(path, false);
}

Result<std::string> MirrorStore::read_link(const std::string& link_path) const {
  return content(link_path, true);
}

bool MirrorStore::exists(const std::string& path) const {
  auto key = key_for(path);
  return key.ok() && (mirror_.find(*key) || !mirror_.names_below(*key + "/").empty());
}

Result<std::vector<std::string>> MirrorStore::list(const std::string& dir) const {
  if (dir.empty()) {
    ACME_RETURN_IF_ERROR(loaded(layout_.store_root()));
    return mirror_.names_below(layout_.store_root());
  }
  auto key = key_for(dir);
  ACME_RETURN_IF_ERROR(key);
  return mirror_.names_below(*key + "/");
}

Status MirrorStore::refusal(const std::string& path) const {
  return Status(Code::kInvalidArgument, "etcd mirror: " + layout_.store(path) +
                                            " cannot be written through the mirror; write it "
                                            "through the EtcdStore from a fiber");
}

std::string MirrorStore::absolute(const std::string& path) const {
  return "etcd:" + layout_.store(path);
}

}  // namespace acme
