// ChallengePublisher: implements cluster/challenge_publisher.h.
#include "cluster/challenge_publisher.h"

#include <algorithm>
#include <cstdlib>
#include <set>

#include "base/text.h"
#include "cluster/node_registry.h"

namespace acme {

std::string not_acked_message(const ChallengeAnswer& a, const AckReport& report) {
  return std::string(challenge_kind_name(a.kind)) + " answer for " + a.identifier + " (token " +
         a.token + ") not acknowledged by node(s) " + join(report.missing, ", ") +
         " in time; the CA is told to validate anyway, and fails if it asks such a node "
         "(check that node's watchdog and its connection to etcd)";
}

std::string none_ready_message(const ChallengeAnswer& a, Millis waited) {
  return std::string(challenge_kind_name(a.kind)) + " answer for " + a.identifier + " (token " +
         a.token + "): no node that serves it was ready for the CA within " +
         std::to_string(waited.count() / 1000) +
         " s (each restarting, or not yet serving the cluster's answers); the CA is told to "
         "validate anyway, and a balancer that checks readiness sends it to any node";
}

ChallengePublisher::ChallengePublisher(EtcdClient& etcd, EtcdLayout layout, ClusterKey key,
                                       std::string self, Options options, const Clock* clock)
    : etcd_(etcd),
      layout_(std::move(layout)),
      key_(std::move(key)),
      self_(std::move(self)),
      options_(options),
      clock_(clock ? *clock : system_clock_) {}

Status ChallengePublisher::publish(const ChallengeAnswer& a) {
  const std::string key = layout_.challenge(a.token);
  auto it = published_.find(a.token);
  if (it != published_.end() && it->second.answer == a) return Status();  // written already
  ACME_RETURN_IF_ERROR(
      etcd_call_in_fiber(options_.require_fiber, "etcd challenges", "publishing", key));
  auto value = encode_challenge(a, key_, key);
  ACME_RETURN_IF_ERROR(value);
  auto revision = etcd_.put(key, *value);
  if (!revision.ok()) return revision.status().with_context("publishing challenge " + key);
  TimePoint since = it != published_.end() ? it->second.since : clock_.now();
  published_[a.token] = Published{a, *revision, since};
  return Status();
}

long long ChallengePublisher::revision(const std::string& token) const {
  auto it = published_.find(token);
  return it == published_.end() ? 0 : it->second.revision;
}

Result<AckReport> ChallengePublisher::ready(const std::string& token) {
  auto it = published_.find(token);
  const std::string key = layout_.challenge(token);
  if (it == published_.end()) {
    return Status(Code::kNotFound,
                  "etcd challenge " + key + " was not published by this node: publish() it first");
  }
  ACME_RETURN_IF_ERROR(
      etcd_call_in_fiber(options_.require_fiber, "etcd challenges", "reading the acks of", key));
  EtcdTxn txn;  // no compares: both ranges at one revision
  txn.success.push_back(EtcdOp::range(layout_.nodes(), prefix_end(layout_.nodes())));
  txn.success.push_back(EtcdOp::range(layout_.acks(token), prefix_end(layout_.acks(token))));
  auto read = etcd_.txn(txn);
  if (!read.ok()) return read.status().with_context("reading the acks of challenge " + key);
  if (!read->succeeded || read->responses.size() != 2) {
    return Status(Code::kProtocol, "reading the acks of challenge " + key +
                                       ": etcd's answer is not the two ranges asked for");
  }
  return judge(it->second, read->responses[0], read->responses[1]);
}

AckReport ChallengePublisher::judge(const Published& p, const EtcdOpResult& nodes,
                                    const EtcdOpResult& acks) const {
  std::set<std::string> want = {self_}, acked, ready;
  for (const ClusterNode& n : parse_node_range(layout_, nodes.kvs)) {
    want.insert(n.name);
    if (n.ready) ready.insert(n.name);
  }
  if (options_.self_served) want.erase(self_);
  const std::string below = layout_.acks(p.answer.token);
  for (const EtcdKeyValue& kv : acks.kvs) {
    auto node = etcd_key_component_decode(kv.key.substr(std::min(below.size(), kv.key.size())));
    // An ack of an older value (before a re-publication) does not count.
    if (node.ok() && std::atoll(kv.value.c_str()) >= p.revision) acked.insert(*node);
  }
  AckReport report;
  for (const std::string& n : want) (acked.count(n) ? report.acked : report.missing).push_back(n);
  report.all_acked = report.missing.empty();
  report.some_ready = std::any_of(ready.begin(), ready.end(), [&](const std::string& n) {
    return acked.count(n) || (options_.self_served && n == self_);
  });
  const TimePoint now = clock_.now();
  report.go = (report.all_acked || now >= p.since + options_.bound) &&
              (report.some_ready || now >= p.since + options_.no_ready_bound);
  return report;
}

Status ChallengePublisher::withdraw(const std::string& token) {
  const std::string key = layout_.challenge(token);
  ACME_RETURN_IF_ERROR(
      etcd_call_in_fiber(options_.require_fiber, "etcd challenges", "withdrawing", key));
  EtcdTxn txn;
  txn.success.push_back(EtcdOp::remove(key));
  txn.success.push_back(EtcdOp::remove(layout_.acks(token), prefix_end(layout_.acks(token))));
  auto done = etcd_.txn(txn);
  if (!done.ok()) return done.status().with_context("withdrawing challenge " + key);
  published_.erase(token);
  return Status();
}

}  // namespace acme
