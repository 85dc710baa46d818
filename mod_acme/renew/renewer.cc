#include "renew/renewer.h"

#include <algorithm>

#include "acme/directory.h"
#include "acme/revocation.h"
#include "base/time_format.h"
#include "certset/cert_files.h"
#include "certset/key_reuse.h"
#include "crypto/certificate.h"
#include "renew/nonce_handover.h"
#include "report/ca_counts.h"
#include "schedule/policy.h"
#include "store/layout.h"

namespace acme {

namespace {
// Renewal keeps failing and less than this is left: tell the admin.
constexpr Seconds kExpiringSoon{7 * 86400};
// While a hook program runs, the watchdog looks at it this often.
constexpr Millis kHookPoll{250};
}  // namespace

Renewer::Renewer(Store& store, ChallengeTable& table, ActivationSignal& activation,
                 const Clock& clock, LogSink& log, HttpFactory http_factory,
                 std::function<double()> random01, Options options)
    : store_(store),
      table_(table),
      activation_(activation),
      clock_(clock),
      log_(log),
      http_factory_(std::move(http_factory)),
      random01_(std::move(random01)),
      options_(options) {
  if (!options_.preflight) return;
  FirstOrderPreflight::Options p;
  p.http_port = options_.preflight_http_port;
  p.tls_port = options_.preflight_tls_port;
  p.cluster = options_.preflight_cluster;
  p.http01_by_default = options_.http01_by_default;
  p.resolver = options_.preflight_resolver;
  preflight_ = std::make_unique<FirstOrderPreflight>(probes_, clock_, log_, p);
}

// Fibers still suspended at the end (the watchdog stops) are dropped with
// their stacks: the jobs resume from their saved state next time.
Renewer::~Renewer() = default;

void Renewer::set_certs(std::vector<ManagedCert> certs) {
  drain();  // steps in flight refer to the old certificates and jobs
  if (!running_.empty() || !side_.empty()) return;  // stopping: this watchdog does no more work
  certs_ = std::move(certs);
  next_check_.clear();
  ocsp_next_.clear();
  step_at_.clear();
  jobs_.clear();
  waiting_.clear();
}

namespace {

// Tokens of the answers the jobs on disk say they published.
std::set<std::string> published_tokens(const Store& store) {
  std::set<std::string> tokens;
  auto jobs = store.list(layout::kJobsDir);
  if (!jobs.ok()) return tokens;
  for (const auto& name : *jobs) {
    auto text = store.read(layout::job_file(name));
    auto state = text.ok() ? parse_job_state(*text) : Result<JobState>(text.status());
    if (!state.ok()) continue;
    for (const auto& p : state->published) tokens.insert(p.token);
  }
  return tokens;
}

}  // namespace

// Answers of jobs still on disk stay: the CA may be validating one this
// moment (a watchdog killed just after it answered is followed within a
// second by the next one, whose start used to withdraw every answer, and
// the validation failed). So do `acmectl preflight`'s probes, which expire
// on their own (ProbePublisher::adopt): the previous watchdog may have
// published one just before it handed over, and acmectl, which saw its
// request taken, is probing it now. The rest, left by a previous life, are
// withdrawn.
void Renewer::start() {
  std::set<std::string> keep = published_tokens(store_);
  for (const auto& token : table_.tokens())
    if (probes_.adopt(token, clock_.now())) keep.insert(token);
  table_.retain(keep);
  // After a full restart shared memory holds no OCSP response: staple the
  // persisted ones that still verify until the next refresh.
  if (ocsp_)
    for (const auto& cert : certs_) ocsp_->load(cert);
  update_contacts();
}

CaSession& Renewer::session_for(const CaSettings& ca) {
  auto& session = sessions_[canonical_ca_url(ca.directory_url)];  // one per CA, however spelt
  if (!session) {
    session = std::make_unique<CaSession>(http_factory_(ca), ca);
    counts_written_[canonical_ca_url(ca.directory_url)] =
        carry_on_ca_counts(store_, session->client());                 // the totals carry on
    take_saved_nonces(store_, session->client(), clock_.now(), log_);  // no HEADs to begin with
  }
  return *session;
}

void Renewer::save_nonces() {
  for (const auto& [id, session] : sessions_)
    save_unused_nonces(store_, session->client(), clock_.now(), log_);
}

// Due when there is no live set, when it lacks a configured name, or when
// the renew window has come. A staged set waits for activation instead.
bool Renewer::due(const ManagedCert& cert, TimePoint now, TimePoint* next_check) {
  *next_check = now + options_.check_interval;
  resuming_.erase(cert.name);
  if (has_staged(store_, cert.name)) {
    record(cert, "staged", *next_check, nullptr);
    return false;
  }
  auto live = live_.get(cert.name);
  note_live_serial(cert, live.ok() ? live->serial : "");
  if (!live.ok()) return true;
  const std::string job_dir = layout::job_dir(cert.name);
  if (store_.exists(layout::file_in(job_dir, layout::kJobFile))) {
    // An earlier watchdog's order (killed mid-order, or an admin's renewal it
    // had taken): it resumes, and ends there if its certificate is live.
    log_.log(LogLevel::kInfo, kMsgRenewalDue, "resuming the order in progress for " + cert.name);
    resuming_.insert(cert.name);
    return true;
  }
  // On a cluster only the lock's holder may clear a job's remains.
  if (!coordinator_ && store_.exists(layout::file_in(job_dir, layout::kPrivkeyFile))) {
    // No job.json: a watchdog killed while it removed a finished job (the
    // removal is file by file), or before a new job's first order. Nothing
    // there can be resumed; the key was never in a CSR the CA has.
    remove_logged(store_, job_dir, log_);
    log_.log(LogLevel::kInfo, kMsgRenewalDue,
             "removed the remains of an ended job for " + cert.name);
  }
  if (!covers_all(*live, cert.names)) {
    log_.log(LogLevel::kNotice, kMsgRenewalDue,
             "certificate for " + cert.name + " lacks configured names; ordering a new one");
    return true;
  }
  if (live->key_type != key_type_name(cert.key_type)) {
    log_.log(LogLevel::kNotice, kMsgRenewalDue,
             "certificate for " + cert.name + " has a " + live->key_type + " key, ACMEKeyType " +
                 key_type_name(cert.key_type) + " is configured; ordering a new one");
    return true;
  }
  // ACMERenewWindow, or the CA's renewal information (renew/ari_schedule.h),
  // asked in a fiber of its own: decided when the answer is in.
  // The live certificate's certID, read and parsed once for both questions.
  const Result<std::string> cert_id = live_cert_id(store_, cert.name);
  Side asked = ask_renewal_info(cert, cert_id);
  if (asked != Side::kDone) {
    // In flight: the answer sets the next look; busy: try again soon.
    *next_check = asked == Side::kBusy ? now + kIoSlice : TimePoint::max();
    return false;
  }
  AriSchedule::Decision when = ari_.decide(cert, *live, cert_id);
  TimePoint at = when.renew_at;
  if (at <= now) {
    log_.log(LogLevel::kInfo, kMsgRenewalDue,
             "certificate for " + cert.name + " (serial " + live->serial + ", expires " +
                 format_rfc3339(live->not_after) + ") is due for renewal (" + when.basis + ")");
    return true;
  }
  *next_check = std::min({*next_check, at, when.next_poll});
  record(cert, "valid", at, nullptr);
  return false;
}

TimePoint Renewer::run_once() {
  const TimePoint now = clock_.now();
  if (!draining_) take_requests();
  start_rollover();
  TimePoint wake = now + std::min(options_.check_interval, options_.request_poll);
  for (const auto& cert : certs_) {
    wake = std::min(wake, process(cert, now));
    if (ocsp_ && !draining_) wake = std::min(wake, check_ocsp(cert));
  }
  pump(now + options_.tick_budget);
  for (const auto& [id, session] : sessions_)
    save_ca_counts(store_, session->ca().directory_url, session->client().counts(),
                   &counts_written_[id]);
  if (!running_.empty() || !side_.empty()) wake = now;  // requests in flight: come back at once
  bool hooks_running = notifier_->poll();
  for (ChallengeResponder* r : responders_) hooks_running = r->poll() || hooks_running;
  if (preflight_) hooks_running = preflight_->poll() || hooks_running;  // its worker's findings
  if (hooks_running) wake = std::min<TimePoint>(wake, now + kHookPoll);
  return std::max(wake, now);
}

// Resumes every fiber whose request is answered, starts the steps that came
// due meanwhile (an order's next poll need not wait for the next tick), and
// waits on the network for the others, until all are done or the deadline.
void Renewer::pump(TimePoint deadline) {
  while (!stopping_()) {
    start_due_steps();
    fill_free_places();
    bool progressed = running_.pump();
    progressed = side_.pump() || progressed;
    if (clock_.now() >= deadline) return;
    // A finished step may have cleared the way for others (the account is
    // ready now): start them before giving up.
    const bool idle = running_.empty() && side_.empty();
    if (idle && !progressed) return;
    if (idle) continue;
    if (driver_ && driver_->in_flight() > 0) {
      driver_->wait(kIoSlice);
    } else if (!progressed) {
      return;  // nothing can move them now
    }
  }
}

void Renewer::start_due_steps() {
  const TimePoint now = clock_.now();
  std::vector<std::string> idle;  // a synchronous step may end its job: no live iterator
  for (const auto& entry : jobs_)
    if (!running_.contains(entry.first)) idle.push_back(entry.first);
  for (const auto& name : idle) {
    auto job = jobs_.find(name);
    if (job != jobs_.end()) start_step(job->second->cert(), *job->second, now);
  }
}

// A place freed by a finished order goes to the next waiting name at once,
// not at the next tick (up to tick_budget later): a sliding window of
// orders rather than waves.
void Renewer::fill_free_places() {
  if (draining_ || waiting_.empty() || jobs_.size() >= options_.max_parallel) return;
  const TimePoint now = clock_.now();
  for (const auto& cert : certs_) {
    if (jobs_.size() >= options_.max_parallel) return;
    if (waiting_.count(cert.name) && !jobs_.count(cert.name)) process(cert, now);
  }
}

// An admin's rollover counts (its request file is gone); OCSP and renewal
// information do not: the next watchdog asks again.
bool Renewer::has_work(Millis horizon) const {
  if (!running_.empty() || rollover_pending_ || side_.contains(kRolloverKey)) return true;
  const TimePoint soon = clock_.now() + horizon;
  for (const auto& [name, job] : jobs_) {
    TimePoint at = job->state().next_attempt;
    auto step = step_at_.find(name);
    if (step != step_at_.end()) at = std::max(at, step->second);
    if (at <= soon) return true;
  }
  return false;
}

void Renewer::drain() {
  while ((!running_.empty() || !side_.empty()) && !stopping_()) {
    const std::size_t before = running_.size() + side_.size();
    pump(clock_.now() + options_.tick_budget);
    if (running_.size() + side_.size() == before && !(driver_ && driver_->in_flight() > 0)) {
      // Waiting for nothing the driver knows of: cannot finish; drop them.
      running_.clear();
      side_.clear();
    }
  }
}

// ACMENotifyCommand `installed`, sent here, in the watchdog (the child
// user), never by the root parent that promoted the set: the serial live now
// differs from the one the watchdog last saw live, in this process or, after
// the restart that activated it, in the status record a previous watchdog
// wrote. No record at all (a store from before status records) says nothing.
void Renewer::note_live_serial(const ManagedCert& cert, const std::string& serial) {
  auto seen = live_serial_.find(cert.name);
  if (seen == live_serial_.end()) {
    auto previous = read_status_record(store_, cert.name);
    std::optional<std::string> known;
    if (previous.ok()) known = previous->serial;
    seen = live_serial_.emplace(cert.name, known).first;
  }
  if (seen->second && *seen->second != serial && !serial.empty())
    notifier_->notify(cert.name, event::kInstalled);
  seen->second = serial;
}

TimePoint Renewer::process(const ManagedCert& cert, TimePoint now) {
  if (running_.contains(cert.name)) return now;  // its step is in flight
  auto job = jobs_.find(cert.name);
  if (job == jobs_.end()) {
    if (draining_) return now + options_.check_interval;  // the next watchdog's
    // Known due and still no place: not looked at again (1,000 names used
    // to cost 4,500 file lookups a second here while 64 orders ran).
    if (jobs_.size() >= options_.max_parallel && waiting_.count(cert.name))
      return now + options_.request_poll;
    auto& check = next_check_[cert.name];
    bool forced = forced_.erase(cert.name) > 0;
    if (forced) resuming_.erase(cert.name);  // an admin's renewal orders whatever due() saw
    if (!forced && check > now) return check;
    if (!forced && !due(cert, now, &check)) {
      waiting_.erase(cert.name);
      return check;
    }
    if (jobs_.size() >= options_.max_parallel) {
      if (forced) forced_[cert.name] = true;
      check = now;  // wait for a free place
      waiting_.insert(cert.name);
      return now + options_.request_poll;
    }
    waiting_.erase(cert.name);
    Store& store = coordinator_ ? coordinator_->job_store(cert.name) : store_;
    auto created = std::make_unique<RenewalJob>(cert, store, table_, activation_, clock_, log_,
                                                random01_, responders_for(cert));
    if (coordinator_) {  // loaded in its first step, under the lock
      seen_[cert.name] = coordinator_->shared_set_seen(cert.name);
      created->set_publisher([this, &cert](const std::string& chain, const std::string& key) {
        return coordinator_->publish(cert.name, chain, key);
      });
    } else {
      created->load();  // logs an unreadable state itself; a fresh job then
      pace_resumed(*created, now);
    }
    created->set_stopping(stopping_);
    // A first order: its names are checked once, and it goes ahead anyway
    // (on a cluster by the node that claims it: Renewer::claimed).
    if (!coordinator_) preflight_first_order(cert);
    job = jobs_.emplace(cert.name, std::move(created)).first;
  }
  return start_step(cert, *job->second, now);
}

// The job's next step, when it is time, in a fiber of its own. The first
// step of a CA loads or registers its account: one such step at a time per
// CA (steps never race to register twice); the CA's other jobs wait for it.
TimePoint Renewer::start_step(const ManagedCert& cert, RenewalJob& job, TimePoint now) {
  if (job.state().next_attempt > now) return job.state().next_attempt;
  if (stopping_() || handing_over_) return now;
  if (hold_validation_polls_ && job.awaiting_validation_here()) return now + options_.request_poll;
  if (rollover_pending_ || side_.contains(kRolloverKey)) return now + kIoSlice;  // keys change
  auto at = step_at_.find(cert.name);
  if (at != step_at_.end() && at->second > now) return at->second;
  const CaSettings& ca = cert.ca_at(job.state().ca_index);
  auto limited = ca_wait_until_.find(canonical_ca_url(ca.directory_url));
  if (limited != ca_wait_until_.end() && limited->second > now) return limited->second;
  CaSession& session = session_for(ca);
  if (!session.account_ready()) {
    const std::string id = canonical_ca_url(ca.directory_url);
    if (!registering_.insert(id).second) return now + kIoSlice;  // another step registers
    running_.add(cert.name, [this, &cert, &job, &session, id] {
      const bool go = !coordinator_ || account_claimed(id, cert.name);
      if (go) step(cert, job, session);
      registering_.erase(id);
      if (go && coordinator_) coordinator_->release_account(id);
    });
    return now;
  }
  running_.add(cert.name, [this, &cert, &job, &session] { step(cert, job, session); });
  return now;
}

// One step of a job and its consequences; the job is gone when it staged.
void Renewer::step(const ManagedCert& cert, RenewalJob& job, CaSession& session) {
  if (coordinator_ && !claimed(cert, job)) return;
  const int failures_before = job.state().failures;
  RenewalJob::Outcome outcome = job.step(session);
  after_step(cert, job, failures_before, outcome);
  if (outcome.ca_wait_until != TimePoint{}) {
    TimePoint& until = ca_wait_until_[canonical_ca_url(session.ca().directory_url)];
    if (outcome.ca_wait_until > until) {
      until = outcome.ca_wait_until;
      log_.log(LogLevel::kWarn, kMsgRateLimited,
               "the CA " + session.ca().directory_url + " rate-limits: no request to it before " +
                   format_rfc3339(until));
    }
  }
  step_at_[cert.name] = outcome.next;
  if (outcome.staged) {
    next_check_[cert.name] = clock_.now() + options_.check_interval;
    end_job(cert.name);  // last: the job is gone
  }
}

// An order whose challenges were sent before this watchdog started (a
// graceful restart handed it over) is polled first when one of this CA's
// validations takes: the CA has probably just reached the new workers.
void Renewer::pace_resumed(const RenewalJob& job, TimePoint now) {
  if (!job.resumed() || job.state().responded.empty()) return;
  CaSession& session = session_for(job.cert().ca_at(job.state().ca_index));
  step_at_[job.cert().name] = now + session.poll_pace().first(PollPace::wait_of("pending"));
}

void Renewer::preflight_first_order(const ManagedCert& cert) {
  if (preflight_ && !live_.get(cert.name).ok()) preflight_->check(cert);
}

void Renewer::end_job(const std::string& name) {
  step_at_.erase(name);
  resuming_.erase(name);
  seen_.erase(name);
  jobs_.erase(name);
  if (coordinator_) coordinator_->release(name);
}

void Renewer::after_step(const ManagedCert& cert, const RenewalJob& job, int failures_before,
                         const RenewalJob::Outcome& outcome) {
  if (outcome.staged) {
    record(cert, "staged", outcome.next, nullptr, clock_.now());
    notifier_->notify(cert.name, event::kRenewed);
    return;
  }
  if (job.state().failures <= failures_before) {
    record(cert, "renewing", outcome.next, &job.state());
    return;
  }
  record(cert, "error", job.state().next_attempt, &job.state());
  notifier_->notify(cert.name, event::kErrored);
  auto live = live_.get(cert.name);
  if (live.ok() && live->not_after - clock_.now() < kExpiringSoon) {
    notifier_->notify(cert.name, event::kExpiring);
  }
}

std::vector<ChallengeResponder*> Renewer::responders_for(const ManagedCert& cert) const {
  if (cert.challenges.empty()) {
    std::vector<ChallengeResponder*> usable;
    for (ChallengeResponder* r : responders_)
      if (options_.http01_by_default || std::string(r->type()) != http01_.type())
        usable.push_back(r);
    return usable;
  }
  std::vector<ChallengeResponder*> ordered;
  for (const auto& type : cert.challenges)
    for (ChallengeResponder* r : responders_)
      if (type == r->type()) ordered.push_back(r);
  return ordered;
}

void Renewer::record(const ManagedCert& cert, const std::string& state, TimePoint next,
                     const JobState* job, TimePoint succeeded) {
  LastState& remembered = last_state_[cert.name];
  remembered.state = state;
  remembered.next = next;
  remembered.has_job = job != nullptr;
  if (job) remembered.job = *job;
  StatusRecord r;
  r.name = cert.name;
  r.names = cert.names;
  r.key_type = key_type_name(cert.key_type);
  r.state = state;
  r.next_renewal = next;
  r.last_success = succeeded;  // epoch: write_status_record keeps the one on file
  auto live = live_.get(cert.name);
  note_live_serial(cert, live.ok() ? live->serial : "");
  if (live.ok()) {
    r.serial = live->serial;
    r.not_before = live->not_before;
    r.not_after = live->not_after;
  }
  if (job) {
    r.failures = job->failures;
    r.last_error = job->last_error;
    if (!job->last_error.empty()) r.last_error_at = clock_.now();
  }
  const OcspState* ocsp = ocsp_ ? ocsp_->state(cert.name) : nullptr;
  if (ocsp && ocsp->have_response) {
    r.ocsp_status = cert_status_name(ocsp->status);
    r.ocsp_next_update = ocsp->next_update;
  }
  std::string key = status_record_json(r);
  std::string& last = last_record_[cert.name];
  if (key == last) return;  // unchanged: no write
  last = key;
  r.updated = clock_.now();
  Status written = write_status_record(store_, r);
  if (!written.ok()) log_.log(LogLevel::kWarn, kMsgStoreError, written.message());
}

}  // namespace acme
