// NodeRegistry: implements cluster/node_registry.h.
#include "cluster/node_registry.h"

#include "json/json.h"

namespace acme {

std::string node_record_json(const std::string& name, long long started_unix, bool ready) {
  Json j = Json::object().set("node", name).set("started", started_unix);
  return j.set("version", ACME_VERSION).set_bool("ready", ready).dump();
}

NodeRegistry::NodeRegistry(EtcdClient& etcd, EtcdLayout layout, std::string node, long long ttl_s,
                           const Clock* clock)
    : etcd_(etcd),
      layout_(std::move(layout)),
      clock_(clock ? *clock : system_clock_),
      node_(std::move(node)),
      key_(layout_.node(node_)),
      ttl_s_(ttl_s) {}

Status NodeRegistry::start() {
  if (registered()) return Status();
  auto lease = etcd_.lease_grant(ttl_s_);
  if (!lease.ok()) return lease.status().with_context("registering node " + key_);
  // A put resent after a lost answer (failover) writes the same value again.
  const TimePoint started = clock_.now();
  auto put = etcd_.put(key_, node_record_json(node_, to_unix(started), false), lease->id);
  if (!put.ok()) {
    (void)etcd_.lease_revoke(lease->id);  // best effort: it expires within the TTL anyway
    return put.status().with_context("registering node " + key_);
  }
  lease_ = lease->id;
  started_ = started;
  ready_ = false;
  superseded_ = false;
  return Status();
}

Status NodeRegistry::set_ready(bool ready) {
  if (!registered() || superseded_) return Status();
  EtcdTxn txn;  // still this registry's key, not the next watchdog's
  txn.compare.push_back(EtcdCompare::lease_is(key_, lease_));
  txn.success.push_back(
      EtcdOp::put(key_, node_record_json(node_, to_unix(started_), ready), lease_));
  auto done = etcd_.txn(txn);
  if (!done.ok()) {
    return done.status().with_context(std::string("marking node ") + key_ +
                                      (ready ? " ready" : " not ready") + " for the CA");
  }
  if (done->succeeded) {
    ready_ = ready;
  } else {
    superseded_ = true;  // for good: that watchdog keeps the key
  }
  return Status();
}

Status NodeRegistry::keep_alive() {
  if (!registered()) return start();
  auto lease = etcd_.lease_keepalive(lease_);
  if (!lease.ok()) return lease.status().with_context("keeping node " + key_ + " registered");
  if (lease->ttl_s > 0) return Status();
  // Expired while we were away (a pause past the TTL): the other nodes stopped
  // waiting for us and our acks are gone; join again.
  lease_ = 0;
  return start();
}

Status NodeRegistry::stop() {
  if (!registered()) return Status();
  Status s = etcd_.lease_revoke(lease_);
  if (!s.ok() && s.code() != Code::kNotFound) {
    return s.with_context("unregistering node " + key_);
  }
  lease_ = 0;
  return Status();
}

Result<std::vector<ClusterNode>> NodeRegistry::live_nodes() const {
  EtcdRange range;
  range.key = layout_.nodes();
  range.range_end = prefix_end(range.key);
  auto r = etcd_.range(range);
  if (!r.ok()) return r.status().with_context("listing the live nodes under " + range.key);
  return parse_node_range(layout_, r->kvs);
}

std::vector<ClusterNode> parse_node_range(const EtcdLayout& layout,
                                          const std::vector<EtcdKeyValue>& kvs) {
  const std::string below = layout.nodes();
  std::vector<ClusterNode> nodes;
  for (const EtcdKeyValue& kv : kvs) {
    if (kv.key.compare(0, below.size(), below) != 0) continue;
    auto name = etcd_key_component_decode(kv.key.substr(below.size()));
    if (!name.ok() || kv.key.find('/', below.size()) != std::string::npos) continue;
    ClusterNode node{*name, kv.lease, 0, ""};
    auto value = Json::parse(kv.value);
    if (value.ok() && value->is_object()) {
      node.started = value->get_int_or("started", 0);
      node.version = value->get_string_or("version", "");
      node.ready = value->get_bool_or("ready", true);
    }
    nodes.push_back(std::move(node));
  }
  return nodes;
}

}  // namespace acme
