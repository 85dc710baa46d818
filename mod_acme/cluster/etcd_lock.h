// EtcdLock: a lock in etcd held by a lease, one per certificate, so one node
// of the cluster orders it at a time (issue 10 item 3).
//
// acquire() grants a lease (TTL ~10 s) and, in one transaction, creates the
// lock key bound to it only if the key does not exist (Compare
// create_revision == 0); the key's value is the holder's node name. The holder
// calls keep_alive() well within the TTL (every TTL/3); a node that stops
// (killed, partitioned) lets its lease run out, etcd deletes the key, and the
// next acquire() by another node succeeds. release() revokes the lease, which
// deletes the key at once.
//
// The owner is one node, whose watchdogs follow each other (a graceful
// restart ends one, the next starts) and never run at once (the node's
// store lock): a key this owner holds under another lease is its previous
// watchdog's, which ended without giving it up so that its orders stay on
// this node. acquire() takes such a key over under its own lease, in one
// transaction that compares the lease it saw (the old lease then ends
// harmless; a key another node took meanwhile is left alone).
//
// A transaction whose answer was lost (member failover) may have created the
// key: acquire() then sees the key bound to its own lease and counts that as
// held, so repeating it is safe. holds_compare() is the guard for the
// holder's writes: put it into a transaction's compare list so a write made
// after the lock was lost does not apply.
//
// held_now() is the local clock's estimate: the lease started no earlier than
// the request that granted or renewed it was sent, so until that send time
// plus the TTL the lock is surely still ours; past it, etcd may have given it
// to another node, even if no keep-alive has told us so (all members
// unreachable), or the keep-alive's answer is merely late. It is no guard
// for writes: those carry holds_compare(), which etcd decides on its own
// lease state, so a write is sent while held() (EtcdStore::commit). The
// holder uses it before a step of its work (ClusterSession::claim): a lock
// not surely held is checked against the shared state as if just taken.
#pragma once

#include <string>

#include "base/clock.h"
#include "cluster/etcd_client.h"

namespace acme {

class EtcdLock {
 public:
  static constexpr long long kDefaultTtlS = 10;

  // clock: nullptr = the system clock.
  EtcdLock(EtcdClient& etcd, std::string key, std::string owner, long long ttl_s = kDefaultTtlS,
           const Clock* clock = nullptr);
  EtcdLock(const EtcdLock&) = delete;
  EtcdLock& operator=(const EtcdLock&) = delete;

  // true: held now; false: another holder has it (holder() names it).
  Result<bool> acquire();
  // Renews the lease. kNotFound when the lease is gone: the lock is lost, and
  // whatever was done under it must be taken up from the shared state by the
  // next holder.
  Status keep_alive();
  // Gives the lock up (revokes the lease); a lease already gone is not an error.
  Status release();

  bool held() const { return lease_ != 0; }  // as far as etcd last said
  bool held_now() const { return held() && clock_.now() < valid_until_; }
  TimePoint valid_until() const { return valid_until_; }
  long long lease() const { return lease_; }
  const std::string& holder() const { return holder_; }  // as last seen
  const std::string& key() const { return key_; }
  EtcdCompare holds_compare() const;  // LEASE(key) == this lock's lease

 private:
  Result<bool> try_create(long long lease);
  Result<bool> try_adopt(long long lease);

  EtcdClient& etcd_;
  SystemClock system_clock_;
  const Clock& clock_;
  TimePoint valid_until_;
  std::string key_;
  std::string owner_;
  long long ttl_s_;
  long long lease_ = 0;  // 0 while not held
  std::string holder_;
  long long holder_lease_ = 0;  // the lease the key was seen under
};

}  // namespace acme
