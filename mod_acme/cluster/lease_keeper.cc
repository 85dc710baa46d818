#include "cluster/lease_keeper.h"

#include <signal.h>

#include <system_error>

namespace acme {

namespace {

long long millis_of(TimePoint t) {
  return std::chrono::duration_cast<Millis>(t.time_since_epoch()).count();
}

}  // namespace

LeaseKeeper::LeaseKeeper(LockLease& lease, const ClientFactory& make_client, Options options)
    : lease_(lease),
      etcd_(make_client(stopping_)),
      options_(options),
      heartbeat_(millis_of(lease.clock().now())) {}

LeaseKeeper::~LeaseKeeper() {
  {
    std::lock_guard<std::mutex> guard(mutex_);
    stopping_.store(true);
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool LeaseKeeper::start() {
  if (thread_.joinable()) return true;
  // httpd's signals stay with its own threads: this one blocks them all.
  sigset_t all, before;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, &before);
  try {
    thread_ = std::thread([this] { loop(); });
  } catch (const std::system_error&) {
    // Not started: the caller renews the lease itself.
  }
  pthread_sigmask(SIG_SETMASK, &before, nullptr);
  return thread_.joinable();
}

void LeaseKeeper::heartbeat() {
  heartbeat_.store(millis_of(lease_.clock().now()));
}

Status LeaseKeeper::status() const {
  std::lock_guard<std::mutex> guard(mutex_);
  return status_;
}

void LeaseKeeper::look() {
  const TimePoint now = lease_.clock().now();
  const bool ticking = millis_of(now) - heartbeat_.load() <= options_.stall_bound.count();
  if (ticking && options_.alive) options_.alive();
  if (!lease_.renewal_due(now)) return;
  if (!ticking) {
    stalled_.store(true);  // left to lapse: another node resumes the orders
    return;
  }
  Status s = lease_.keep_alive(*etcd_);
  if (s.ok()) stalled_.store(false);  // else a lease that ended meanwhile ended for the stall
  std::lock_guard<std::mutex> guard(mutex_);
  status_ = s;
}

void LeaseKeeper::loop() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_.load()) {
    lock.unlock();
    look();
    lock.lock();
    wake_.wait_for(lock, options_.look, [this] { return stopping_.load(); });
  }
}

}  // namespace acme
