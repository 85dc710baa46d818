#include "cluster/etcd_lock.h"

namespace acme {

EtcdLock::EtcdLock(EtcdClient& etcd, std::string key, std::string owner, long long ttl_s,
                   const Clock* clock)
    : etcd_(etcd),
      own_lease_(std::make_unique<LockLease>(ttl_s, clock)),
      lease_ref_(*own_lease_),
      key_(std::move(key)),
      owner_(std::move(owner)) {}

EtcdLock::EtcdLock(EtcdClient& etcd, std::string key, std::string owner, LockLease& lease)
    : etcd_(etcd), lease_ref_(lease), key_(std::move(key)), owner_(std::move(owner)) {}

void EtcdLock::forget() {
  lease_ = 0;
  holder_.clear();
}

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
  auto lease = lease_ref_.ensure(etcd_);
  ACME_RETURN_IF_ERROR(lease);
  auto created = try_create(*lease);
  if (created.ok() && !*created && holder_ == owner_) created = try_adopt(*lease);
  if (!created.ok() || !*created) {
    // A lease of its own bound to no key: ended (best effort: it expires
    // within the TTL anyway). A shared one stays for the other locks.
    if (own_lease_) (void)own_lease_->revoke(etcd_);
    return created;
  }
  lease_ = *lease;
  holder_ = owner_;
  return true;
}

Status EtcdLock::keep_alive() {
  if (!held()) return Status(Code::kNotFound, "etcd lock " + key_ + " is not held");
  Status s = lease_ref_.keep_alive(etcd_);
  if (s.code() == Code::kNotFound) {
    forget();
    return Status(Code::kNotFound, "etcd lock " + key_ +
                                       " was lost: its lease expired "
                                       "(keep-alives came too late); another node may hold it now");
  }
  return s;
}

Status EtcdLock::release() {
  if (!held()) {
    forget();
    return Status::ok_status();
  }
  if (own_lease_) {
    ACME_RETURN_IF_ERROR(own_lease_->revoke(etcd_));  // still held: the caller retries
    forget();
    return Status::ok_status();
  }
  // The shared lease stays: only this key goes, if it is still bound to it.
  EtcdTxn txn;
  txn.compare.push_back(holds_compare());
  txn.success.push_back(EtcdOp::remove(key_));
  auto done = etcd_.txn(txn);
  ACME_RETURN_IF_ERROR(done);  // still held: the caller retries
  forget();
  return Status::ok_status();
}

}  // namespace acme
