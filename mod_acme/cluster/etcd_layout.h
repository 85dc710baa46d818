// EtcdLayout: every etcd key name the cluster store uses, spelled here only
// (as store/layout.h does for the file store). All keys live under one prefix
// (ACMESharedStorePrefix, default /mod_acme), so several clusters or stages
// share one etcd, and a watch or range over "<prefix>/" sees them all.
//
//   <prefix>/locks/<name>                  lease-held lock (cluster/etcd_lock.h), value: node
//   <prefix>/jobs/<name>                   the renewal job's state (writes guarded by the lock)
//   <prefix>/certs/<name>/<keytype>/chain  fullchain PEM of the current set
//   <prefix>/certs/<name>/<keytype>/key    its private key, sealed (cluster/cluster_key.h)
//   <prefix>/accounts/<ca>/account         account JSON (URL, contact)
//   <prefix>/accounts/<ca>/key             the account key, sealed
//   <prefix>/challenges/<token>            an http-01 or tls-alpn-01 answer to publish
//   <prefix>/nodes/<node>                  a live node, under that node's lease
//
// Components (names, key types, CA ids, tokens, nodes) are escaped so none can
// reach into another subtree: '%' and '/' become %25 and %2F, and an empty one "%".
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
  std::string job(const std::string& name) const;
  std::string cert_chain(const std::string& name, const std::string& key_type) const;
  std::string cert_key(const std::string& name, const std::string& key_type) const;
  std::string account(const std::string& ca) const;
  std::string account_key(const std::string& ca) const;
  std::string challenge(const std::string& token) const;
  std::string node(const std::string& node) const;
  std::string nodes() const { return prefix_ + "/nodes/"; }

 private:
  explicit EtcdLayout(std::string prefix) : prefix_(std::move(prefix)) {}
  std::string prefix_;
};

std::string etcd_key_component(const std::string& raw);

}  // namespace acme
