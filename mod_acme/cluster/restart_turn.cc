// RestartTurn: implements cluster/restart_turn.h.
#include "cluster/restart_turn.h"

namespace acme {

RestartTurn::RestartTurn(EtcdClient& etcd, const EtcdLayout& layout, std::string node)
    : etcd_(etcd), key_(layout.restart_turn()), node_(std::move(node)) {}

EtcdCompare RestartTurn::names_this_node() const {
  return EtcdCompare::value_is(key_, node_);
}

Result<bool> RestartTurn::take(long long lease) {
  EtcdTxn txn;
  txn.compare.push_back(EtcdCompare::absent(key_));
  txn.success.push_back(EtcdOp::put(key_, node_, lease));
  txn.failure.push_back(EtcdOp::range(key_));
  auto done = etcd_.txn(txn);
  if (!done.ok()) return done.status().with_context("taking the restart turn " + key_);
  if (done->succeeded) return true;
  holder_.clear();
  if (!done->responses.empty() && !done->responses[0].kvs.empty())
    holder_ = done->responses[0].kvs[0].value;
  if (holder_ != node_) return false;  // gone meanwhile: the next try creates it
  Status adopted = adopt(lease);
  if (!adopted.ok()) return adopted;
  return holder_ == node_;
}

Status RestartTurn::adopt(long long lease) {
  EtcdTxn txn;
  txn.compare.push_back(names_this_node());
  txn.success.push_back(EtcdOp::put(key_, node_, lease));
  auto done = etcd_.txn(txn);
  if (!done.ok()) return done.status().with_context("keeping the restart turn " + key_);
  if (!done->succeeded) holder_.clear();  // not (or no longer) this node's
  return Status();
}

Status RestartTurn::release() {
  EtcdTxn txn;
  txn.compare.push_back(names_this_node());
  txn.success.push_back(EtcdOp::remove(key_));
  auto done = etcd_.txn(txn);
  if (!done.ok()) return done.status().with_context("giving up the restart turn " + key_);
  return Status();
}

}  // namespace acme
