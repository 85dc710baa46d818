// ChallengeSubscriber: implements cluster/challenge_subscriber.h.
#include "cluster/challenge_subscriber.h"

#include <algorithm>
#include <set>
#include <vector>

namespace acme {

namespace {

// Several refusals in one batch: one error naming each.
void collect(Status* errors, const Status& s) {
  if (s.ok()) return;
  *errors = errors->ok() ? s : Status(errors->code(), errors->message() + "; " + s.message());
}

}  // namespace

Result<std::string> ChallengeSubscriber::token_of(const std::string& key) const {
  const std::string component = key.substr(root().size());
  auto token = etcd_key_component_decode(component);
  if (!token.ok() || component.find('/') != std::string::npos) {
    return Status(Code::kProtocol, "etcd challenge " + key +
                                       ": not a challenge key (<prefix>/challenges/<token>); "
                                       "not served on this node");
  }
  return token;
}

Status ChallengeSubscriber::put(const EtcdKeyValue& kv) {
  auto token = token_of(kv.key);
  auto answer = token.ok() ? decode_challenge(*token, kv.value, key_, kv.key)
                           : Result<ChallengeAnswer>(token.status());
  if (!answer.ok()) {
    remove(kv.key);  // an earlier answer of this key is not the published one any more
    return answer.status();
  }
  auto it = entries_.find(kv.key);
  if (it != entries_.end() && (it->second.answer.identifier != answer->identifier ||
                               it->second.answer.kind != answer->kind)) {
    remove(kv.key);  // served elsewhere (another name or table): take that one away
  }
  Entry& e = entries_[kv.key];
  e.answer = *answer;
  e.revision = kv.mod_revision;
  e.acked_lease = 0;
  Status served = sink_.publish(e.answer);
  e.served = served.ok();
  return served.with_context("serving etcd challenge " + kv.key);
}

void ChallengeSubscriber::remove(const std::string& key) {
  auto it = entries_.find(key);
  if (it == entries_.end()) return;
  if (it->second.served) sink_.withdraw(it->second.answer);
  entries_.erase(it);
}

Status ChallengeSubscriber::load(const EtcdRangeResult& all) {
  Status errors;
  std::set<std::string> present;
  for (const EtcdKeyValue& kv : all.kvs) {
    if (kv.key.compare(0, root().size(), root()) != 0) continue;
    present.insert(kv.key);
    auto it = entries_.find(kv.key);
    bool same = it != entries_.end() && it->second.revision == kv.mod_revision && it->second.served;
    if (!same) collect(&errors, put(kv));
  }
  std::vector<std::string> gone;
  for (const auto& [key, entry] : entries_)
    if (!present.count(key)) gone.push_back(key);
  for (const std::string& key : gone) remove(key);
  revision_ = all.revision;
  return errors;
}

Status ChallengeSubscriber::apply(const EtcdWatchResponse& message) {
  if (message.compact_revision > 0 || message.canceled) {
    return Status(Code::kNotFound,
                  "etcd challenges " + root() + ": the watch " +
                      (message.canceled ? "was canceled (" + message.cancel_reason + ")"
                                        : "lost history up to revision " +
                                              std::to_string(message.compact_revision)) +
                      "; range the subtree again and load() it");
  }
  Status errors;
  for (const EtcdEvent& e : message.events) {
    if (e.kv.mod_revision <= revision_) continue;  // seen already (a replay)
    if (e.kv.key.compare(0, root().size(), root()) != 0) continue;
    if (e.type == EtcdEvent::Type::kPut) {
      collect(&errors, put(e.kv));
    } else {
      remove(e.kv.key);
    }
  }
  for (const EtcdEvent& e : message.events) revision_ = std::max(revision_, e.kv.mod_revision);
  return errors;
}

Status ChallengeSubscriber::write_acks(EtcdClient& etcd, const NodeRegistry& registry) {
  if (!registry.registered()) {
    return Status(Code::kNotFound, "challenge acks of node " + registry.node() +
                                       ": the node is not registered (" + registry.key() +
                                       "); register it first");
  }
  // Each request suspends the fiber, and meanwhile the tick applies the
  // watch: entries come and go. So what to ack is copied first, and after
  // each request an entry is marked only if it is still the value acked
  // (this loop once kept Entry pointers across the requests, and an answer
  // withdrawn meanwhile had its freed entry written: ASan in test_811).
  struct Ack {
    std::string key;
    std::string token;
    long long revision;
  };
  Status errors;
  std::vector<Ack> todo;
  const long long lease = registry.lease();
  for (auto& [key, e] : entries_) {
    if (!e.served) {
      Status again = sink_.publish(e.answer);
      e.served = again.ok();
      collect(&errors, again.with_context("serving etcd challenge " + key));
    }
    if (e.served && e.acked_lease != lease) todo.push_back(Ack{key, e.answer.token, e.revision});
  }
  for (std::size_t first = 0; first < todo.size(); first += kAckBatch) {
    const std::size_t last = std::min(todo.size(), first + kAckBatch);
    EtcdTxn txn;
    for (std::size_t i = first; i < last; ++i)
      txn.success.push_back(EtcdOp::put(layout_.ack(todo[i].token, registry.node()),
                                        std::to_string(todo[i].revision), lease));
    // Safe to repeat after a lost answer: the same values under the same lease.
    auto put = etcd.txn(txn);
    collect(&errors, put.status().with_context("acknowledging " + std::to_string(last - first) +
                                               " challenge answer(s) as node " + registry.node()));
    if (!put.ok()) continue;
    for (std::size_t i = first; i < last; ++i) {
      auto it = entries_.find(todo[i].key);
      if (it != entries_.end() && it->second.revision == todo[i].revision)
        it->second.acked_lease = lease;
    }
  }
  return errors;
}

std::size_t ChallengeSubscriber::serving() const {
  return std::count_if(entries_.begin(), entries_.end(),
                       [](const auto& kv) { return kv.second.served; });
}

std::size_t ChallengeSubscriber::unacked() const {
  return std::count_if(entries_.begin(), entries_.end(),
                       [](const auto& kv) { return kv.second.acked_lease == 0; });
}

}  // namespace acme
