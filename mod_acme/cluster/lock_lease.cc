#include "cluster/lock_lease.h"

namespace acme {

LockLease::LockLease(long long ttl_s, const Clock* clock)
    : clock_(clock ? *clock : system_clock_), ttl_s_(ttl_s) {}

long long LockLease::id() const {
  std::lock_guard<std::mutex> guard(mutex_);
  return id_;
}

TimePoint LockLease::valid_until() const {
  std::lock_guard<std::mutex> guard(mutex_);
  return valid_until_;
}

bool LockLease::held_now() const {
  std::lock_guard<std::mutex> guard(mutex_);
  return id_ != 0 && clock_.now() < valid_until_;
}

bool LockLease::renewal_due(TimePoint now) const {
  std::lock_guard<std::mutex> guard(mutex_);
  if (id_ == 0) return false;
  const Seconds ttl(granted_ttl_s_ > 0 ? granted_ttl_s_ : ttl_s_);
  return valid_until_ - now <= ttl - ttl / 3;
}

Result<long long> LockLease::ensure(EtcdClient& etcd) {
  if (long long held = id(); held != 0) return held;
  const TimePoint sent = clock_.now();
  auto lease = etcd.lease_grant(ttl_s_);
  ACME_RETURN_IF_ERROR(lease);
  long long kept = 0;
  {
    std::lock_guard<std::mutex> guard(mutex_);
    if (id_ == 0) {
      id_ = lease->id;
      granted_ttl_s_ = lease->ttl_s;
      valid_until_ = sent + Seconds(lease->ttl_s);
    }
    kept = id_;
  }
  // Another caller's grant came first: that one stays, this one goes (best
  // effort: it expires within the TTL anyway, bound to no key).
  if (kept != lease->id) (void)etcd.lease_revoke(lease->id);
  return kept;
}

Status LockLease::keep_alive(EtcdClient& etcd) {
  const long long renewing = id();
  if (renewing == 0) return Status(Code::kNotFound, "no etcd lease is held");
  const TimePoint sent = clock_.now();
  auto lease = etcd.lease_keepalive(renewing);
  if (!lease.ok() && lease.status().code() != Code::kNotFound) return lease.status();
  std::lock_guard<std::mutex> guard(mutex_);
  if (id_ != renewing) return Status::ok_status();  // revoked or replaced meanwhile
  if (!lease.ok() || lease->ttl_s <= 0) {
    id_ = 0;
    valid_until_ = TimePoint{};
    return Status(Code::kNotFound, "etcd lease " + std::to_string(renewing) +
                                       " ended: its keep-alives came too late "
                                       "(etcd expired it), and every key bound to it went");
  }
  granted_ttl_s_ = lease->ttl_s;
  valid_until_ = sent + Seconds(lease->ttl_s);
  return Status::ok_status();
}

Status LockLease::revoke(EtcdClient& etcd) {
  const long long ending = id();
  if (ending == 0) return Status::ok_status();
  Status s = etcd.lease_revoke(ending);
  if (!s.ok() && s.code() != Code::kNotFound) return s;  // still held: the caller may retry
  std::lock_guard<std::mutex> guard(mutex_);
  if (id_ == ending) {
    id_ = 0;
    valid_until_ = TimePoint{};
  }
  return Status::ok_status();
}

}  // namespace acme
