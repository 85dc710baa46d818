#include "cluster/etcd_lock.h"

namespace acme {

EtcdLock::EtcdLock(EtcdClient& etcd, std::string key, std::string owner, long long ttl_s,
                   const Clock* clock)
    : etcd_(etcd),
      clock_(clock ? *clock : system_clock_),
      key_(std::move(key)),
      owner_(std::move(owner)),
      ttl_s_(ttl_s) {}

EtcdCompare EtcdLock::holds_compare() const {
  return EtcdCompare::lease_is(key_, lease_);
}

Result<bool> EtcdLock::try_create(long long lease) {
  EtcdTxn txn;
  txn.compare.push_back(EtcdCompare::absent(key_));
  txn.success.push_back(EtcdOp::put(key_, owner_, lease));
  txn.failure.push_back(EtcdOp::range(key_));
  auto result = etcd_.txn(txn);
  ACME_RETURN_IF_ERROR(result);
  if (result->succeeded) return true;
  if (result->responses.size() != 1 || result->responses[0].kvs.size() > 1) {
    return Status(Code::kProtocol, "etcd lock " + key_ +
                                       ": the failed transaction's range "
                                       "answer is not one key");
  }
  if (result->responses[0].kvs.empty()) return false;  // deleted in between: try again later
  const EtcdKeyValue& kv = result->responses[0].kvs[0];
  holder_ = kv.value;
  holder_lease_ = kv.lease;
  return kv.lease == lease;  // ours already: an earlier try whose answer was lost
}

Result<bool> EtcdLock::try_adopt(long long lease) {
  EtcdTxn txn;
  txn.compare.push_back(EtcdCompare::lease_is(key_, holder_lease_));
  txn.success.push_back(EtcdOp::put(key_, owner_, lease));
  auto result = etcd_.txn(txn);
  ACME_RETURN_IF_ERROR(result);
  return result->succeeded;  // else it changed hands meanwhile: try again later
}

Result<bool> EtcdLock::acquire() {
  if (held()) return true;
  const TimePoint sent = clock_.now();
  auto lease = etcd_.lease_grant(ttl_s_);
  ACME_RETURN_IF_ERROR(lease);
  auto created = try_create(lease->id);
  if (created.ok() && !*created && holder_ == owner_) created = try_adopt(lease->id);
  if (!created.ok() || !*created) {
    (void)etcd_.lease_revoke(lease->id);  // best effort: it expires within the TTL anyway
    return created;
  }
  lease_ = lease->id;
  holder_ = owner_;
  valid_until_ = sent + Seconds(lease->ttl_s);
  return true;
}

Status EtcdLock::keep_alive() {
  if (!held()) return Status(Code::kNotFound, "etcd lock " + key_ + " is not held");
  const TimePoint sent = clock_.now();
  auto lease = etcd_.lease_keepalive(lease_);
  ACME_RETURN_IF_ERROR(lease);
  if (lease->ttl_s <= 0) {
    lease_ = 0;
    holder_.clear();
    return Status(Code::kNotFound, "etcd lock " + key_ +
                                       " was lost: its lease expired "
                                       "(keep-alives came too late); another node may hold it now");
  }
  valid_until_ = sent + Seconds(lease->ttl_s);
  return Status::ok_status();
}

Status EtcdLock::release() {
  if (!held()) return Status::ok_status();
  Status s = etcd_.lease_revoke(lease_);
  if (!s.ok() && s.code() != Code::kNotFound) return s;  // still held: the caller retries
  lease_ = 0;
  holder_.clear();
  return Status::ok_status();
}

}  // namespace acme
