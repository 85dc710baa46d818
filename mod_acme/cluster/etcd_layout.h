// EtcdLayout: every etcd key name the cluster store uses, spelled here only
// (as store/layout.h does for the file store). All keys live under one prefix
// (ACMESharedStorePrefix, default /mod_acme), so several clusters or stages
// share one etcd, and a watch or range over "<prefix>/" sees them all.
//
//   <prefix>/locks/<name>                  a lock, under its holder watchdog's lease
//                                          (cluster/etcd_lock.h), value: node
//   <prefix>/store/<store path>            the shared part of the Store (cluster/etcd_store.h):
//                                          accounts/, jobs/, sets/, status/, ... as in the
//                                          file store's layout; private keys sealed
//   <prefix>/challenges/<token>            an http-01 or tls-alpn-01 answer to publish
//   <prefix>/nodes/<node>                  a live node, under that node's lease
//                                          (cluster/node_registry.h)
//   <prefix>/acks/<token>/<node>           <node> serves the answer of <token>, under
//                                          that node's lease (cluster/challenge_publisher.h)
//   <prefix>/restart                       the node whose activation restart runs, under
//                                          its lease (cluster/restart_turn.h)
//
// Components (names, tokens, nodes) are escaped so none can reach into another
// subtree: '%' and '/' become %25 and %2F, and an empty one "%". Store paths are
// not escaped: they are checked store paths (EtcdStore refuses '..', '.', empty
// components and a leading '/'), and their '/' is the subtree structure.
#pragma once

#include <string>

#include "base/status.h"

namespace acme {

class EtcdLayout {
 public:
  static constexpr char kDefaultPrefix[] = "/mod_acme";

  // The prefix must start with '/', not end with one, and have no empty segment.
  static Result<EtcdLayout> make(const std::string& prefix);

  const std::string& prefix() const { return prefix_; }
  std::string all() const { return prefix_ + "/"; }  // range/watch over prefix_end(all())

  std::string lock(const std::string& name) const;
  std::string store_root() const { return prefix_ + "/store/"; }
  // A checked store path's key: store_root() + path.
  std::string store(const std::string& path) const { return store_root() + path; }
  std::string challenge(const std::string& token) const;
  std::string challenges() const { return prefix_ + "/challenges/"; }
  std::string node(const std::string& node) const;
  std::string nodes() const { return prefix_ + "/nodes/"; }
  std::string restart_turn() const { return prefix_ + "/restart"; }
  // Every ack of one token (a range over prefix_end(acks(token))), and one node's.
  std::string acks(const std::string& token) const;
  std::string ack(const std::string& token, const std::string& node) const;

 private:
  explicit EtcdLayout(std::string prefix) : prefix_(std::move(prefix)) {}
  std::string prefix_;
};

std::string etcd_key_component(const std::string& raw);
// The raw name back from a component; kInvalidArgument for a '%' that is not
// one of the three escapes (a key not written by etcd_key_component).
Result<std::string> etcd_key_component_decode(const std::string& component);

}  // namespace acme
