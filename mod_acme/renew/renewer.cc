#include "renew/renewer.h"

#include <algorithm>

#include "base/time_format.h"
#include "renew/cert_files.h"
#include "renew/layout.h"
#include "renew/policy.h"

namespace acme {

Renewer::Renewer(Store& store, ChallengeTable& table, const Clock& clock, LogSink& log,
                 HttpFactory http_factory, std::function<double()> random01, Options options)
    : store_(store),
      table_(table),
      clock_(clock),
      log_(log),
      http_factory_(std::move(http_factory)),
      random01_(std::move(random01)),
      options_(options) {}

void Renewer::set_certs(std::vector<ManagedCert> certs) {
  certs_ = std::move(certs);
  next_check_.clear();
  jobs_.clear();
}

void Renewer::start() {
  table_.clear();
}

CaSession& Renewer::session_for(const CaSettings& ca) {
  auto& session = sessions_[ca.directory_url];
  if (!session) session = std::make_unique<CaSession>(http_factory_(ca), ca);
  return *session;
}

// Due when there is no live set, when it lacks a configured name, or when
// the renew window has come. A staged set waits for activation instead.
bool Renewer::due(const ManagedCert& cert, TimePoint now, TimePoint* next_check) {
  *next_check = now + options_.check_interval;
  if (has_staged(store_, cert.name)) return false;
  auto live = read_live(store_, cert.name);
  if (!live.ok()) return true;
  if (!covers_all(*live, cert.names)) {
    log_.log(LogLevel::kNotice, kMsgRenewalDue,
             "certificate for " + cert.name + " lacks configured names; ordering a new one");
    return true;
  }
  TimePoint at = renewal_time(live->not_before, live->not_after, cert.renew_window);
  if (at <= now) {
    log_.log(LogLevel::kInfo, kMsgRenewalDue,
             "certificate for " + cert.name + " (serial " + live->serial + ", expires " +
                 format_rfc3339(live->not_after) + ") is due for renewal");
    return true;
  }
  *next_check = std::min(*next_check, at);
  return false;
}

TimePoint Renewer::run_once() {
  const TimePoint now = clock_.now();
  TimePoint wake = now + options_.check_interval;
  for (const auto& cert : certs_) {
    auto job = jobs_.find(cert.name);
    if (job == jobs_.end()) {
      auto& check = next_check_[cert.name];
      if (check > now) {
        wake = std::min(wake, check);
        continue;
      }
      if (!due(cert, now, &check)) {
        wake = std::min(wake, check);
        continue;
      }
      if (jobs_.size() >= options_.max_parallel) {
        check = now;  // wait for a free place; look again soon
        continue;
      }
      auto created = std::make_unique<RenewalJob>(cert, store_, table_, clock_, log_, random01_);
      created->load();
      job = jobs_.emplace(cert.name, std::move(created)).first;
    }
    if (job->second->state().next_attempt > now) {
      wake = std::min(wake, job->second->state().next_attempt);
      continue;
    }
    RenewalJob::Outcome outcome = job->second->step(session_for(cert.ca));
    if (outcome.staged) {
      jobs_.erase(job);
      next_check_[cert.name] = now + options_.check_interval;
      continue;
    }
    wake = std::min(wake, outcome.next);
  }
  return std::max(wake, now);
}

}  // namespace acme
