// The Renewer on a cluster (renew/order_coordinator.h): the claims a job's
// step makes before it runs.
#include "renew/renewer.h"

namespace acme {

namespace {
// Another node holds the certificate's lock; etcd did not answer.
constexpr Millis kClaimPoll{1000};
constexpr Millis kClaimRetry{5000};
// Another node orders the certificate: looked at again after this. By then
// its set has usually arrived (installed: not due any more); if its holder
// died, its lock lapses (TTL 10 s) and a later look claims the order.
constexpr Millis kElsewhereRecheck{5000};
}  // namespace

// One node orders a certificate at a time; the others drop their job and
// look again later (the holder's set reaches them by installation).
bool Renewer::claimed(const ManagedCert& cert, RenewalJob& job) {
  auto claim = coordinator_->claim(cert.name, seen_[cert.name]);
  const TimePoint now = clock_.now();
  if (!claim.ok()) {
    if (!claims_failing_)  // once per outage, not once per certificate and try
      log_.log(LogLevel::kWarn, kMsgClusterOrder,
               "cannot claim the order for " + cert.name + " in the shared store (" +
                   claim.status().message() +
                   "); the certificates in use keep serving, no order starts until it answers");
    claims_failing_ = true;
    step_at_[cert.name] = now + kClaimRetry;
    return false;
  }
  if (claims_failing_)
    log_.log(LogLevel::kNotice, kMsgClusterOrder, "the shared store answers claims again");
  claims_failing_ = false;
  if (*claim == OrderCoordinator::Claim::kWait) {
    step_at_[cert.name] = now + kClaimPoll;
    return false;
  }
  if (*claim == OrderCoordinator::Claim::kElsewhere) {
    // Its place under ACMEMaxParallel goes to a name nobody orders yet:
    // nodes that wait on each other's orders would otherwise fill their
    // places with the same names and order one after another.
    next_check_[cert.name] = now + kElsewhereRecheck;
    end_job(cert.name);
    return false;
  }
  if (*claim == OrderCoordinator::Claim::kDone) {
    next_check_[cert.name] = now;
    end_job(cert.name);
    return false;
  }
  if (job.loaded()) return true;
  preflight_first_order(cert);
  job.load();  // the shared state, read under the lock
  if (resuming_.count(cert.name) && !job.resumed()) {
    // Due only for a job the mirror still showed, which the node that held
    // it has ended since (its set is live or on its way here): nothing to
    // resume and nothing due, so no new order (bench/cluster.py saw 17 names
    // ordered twice that way at 1,000 names).
    log_.log(LogLevel::kInfo, kMsgClusterOrder,
             "the order for " + cert.name + " ended on another node meanwhile: nothing to resume");
    next_check_[cert.name] = now + kElsewhereRecheck;
    end_job(cert.name);
    return false;
  }
  if (job.state().next_attempt <= now) return true;
  step_at_[cert.name] = job.state().next_attempt;  // backing off: the lock lapses meanwhile
  return false;
}

bool Renewer::account_claimed(const std::string& ca, const std::string& name) {
  auto claim = coordinator_->claim_account(ca);
  if (claim.ok() && *claim == OrderCoordinator::Claim::kGo) return true;
  if (!claim.ok() && !claims_failing_)
    log_.log(LogLevel::kWarn, kMsgClusterOrder,
             "cannot claim the account at " + ca + " in the shared store (" +
                 claim.status().message() + "); tried again shortly");
  claims_failing_ = !claim.ok();
  step_at_[name] = clock_.now() + (claim.ok() ? kClaimPoll : kClaimRetry);
  return false;
}

}  // namespace acme
