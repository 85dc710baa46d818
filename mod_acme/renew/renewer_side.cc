// The Renewer's side work: everything the watchdog asks of the network
// besides the order steps (OCSP refreshes, renewal information, admin
// requests, account updates). Each runs in a side fiber of its own over the
// same HttpDriver as the steps, so a responder that is slow or silent holds
// only its own fiber, never a tick (issue 7, item 5).
#include <algorithm>

#include "acme/revocation.h"
#include "base/fiber.h"
#include "base/time_format.h"
#include "certset/cert_files.h"
#include "certset/key_reuse.h"
#include "crypto/certificate.h"
#include "renew/renewer.h"
#include "schedule/policy.h"
#include "store/layout.h"

namespace acme {

Renewer::Side Renewer::run_side(const std::string& key, std::function<void()> body) {
  if (side_.contains(key)) return Side::kInFlight;
  if (Fiber::current()) {  // already in a fiber: it may wait in there itself
    body();
    return Side::kDone;
  }
  if (side_.size() >= options_.max_parallel) return Side::kBusy;
  return side_.start(key, std::move(body)) ? Side::kInFlight : Side::kDone;
}

Renewer::Side Renewer::ask_renewal_info(const ManagedCert& cert,
                                        const Result<std::string>& cert_id) {
  if (!cert_id.ok() || !ari_.poll_due(cert, *cert_id)) return Side::kDone;
  return run_side("ari " + cert.name, [this, &cert] {
    ari_.refresh(cert, session_for(cert.ca));
    next_check_[cert.name] = TimePoint{};  // due() decides at the next look
  });
}

// One side fiber per CA; steps of that CA wait for it (registering_), as
// for a step that loads the account.
void Renewer::update_contacts() {
  for (const auto& cert : certs_) {
    const std::string id = canonical_ca_url(cert.ca.directory_url);
    if (!registering_.insert(id).second) continue;
    CaSession& session = session_for(cert.ca);
    Side side = run_side("contact " + id, [this, &session, id] {
      session.update_contact_if_changed(store_, log_);
      registering_.erase(id);
    });
    if (side == Side::kBusy) registering_.erase(id);  // the next order updates it
  }
}

// RFC 6960 status of the live certificate; a revoked one is replaced at
// once with a new key (once per serial), and the admin is told.
// Nothing to do before the refresher's own next time: no live set is read and
// no record rebuilt while nothing is due. A new live set comes with a graceful
// restart, which starts a new watchdog (and Renewer).
TimePoint Renewer::check_ocsp(const ManagedCert& cert) {
  const TimePoint now = clock_.now();
  auto planned = ocsp_next_.find(cert.name);
  if (planned != ocsp_next_.end() && planned->second > now) return planned->second;
  ocsp_next_[cert.name] = TimePoint::max();  // in flight: set by ocsp_refreshed()
  Side side =
      run_side("ocsp " + cert.name, [this, &cert] { ocsp_refreshed(cert, ocsp_->refresh(cert)); });
  if (side == Side::kBusy) ocsp_next_[cert.name] = now + kIoSlice;
  return ocsp_next_[cert.name];  // in flight: run_once() comes back at once anyway
}

void Renewer::ocsp_refreshed(const ManagedCert& cert, const OcspRefresher::Outcome& outcome) {
  ocsp_next_[cert.name] = outcome.next;
  if (outcome.errored) notifier_->notify(cert.name, event::kOcspErrored);
  const OcspState* st = ocsp_->state(cert.name);
  if (outcome.revoked && st && revoked_serial_[cert.name] != st->serial) {
    revoked_serial_[cert.name] = st->serial;
    log_.log(LogLevel::kError, kMsgOcspRevoked,
             "the CA's OCSP responder says the certificate for " + cert.name + " (serial " +
                 st->serial + ") is revoked: ordering a replacement with a new key now");
    forget_key_or_log(store_, cert.name, log_);  // and the key of a job in flight
    notifier_->notify(cert.name, event::kRevoked);
    forced_[cert.name] = true;
    auto job = jobs_.find(cert.name);
    if (job != jobs_.end()) job->second->retry_now();
  }
  auto last = last_state_.find(cert.name);
  if (last != last_state_.end()) {
    LastState copy = last->second;
    record(cert, copy.state, copy.next, copy.has_job ? &copy.job : nullptr);
  }
}

// `acmectl renew|revoke NAME` leaves requests/NAME.json; one listing per tick.
// A request is removed before it is acted on: one that fails is reported,
// not retried every tick. One that cannot be removed is not acted on at all
// (it would be taken again each tick); that is said once.
bool Renewer::take_request_file(const std::string& path) {
  return acme::take_request_file(store_, path, unremovable_, [&](const std::string& cause) {
    log_.log(LogLevel::kError, kMsgAdminRequest,
             "ignoring " + store_.absolute(path) + ": it cannot be removed (" + cause +
                 "), so it would be acted on again and again; fix the store's "
                 "permissions and run acmectl again");
  });
}

void Renewer::take_requests() {
  auto names = store_.list(layout::kRequestsDir);
  probes_.take(names.ok() ? *names : std::vector<std::string>(), clock_.now());  // preflight's
  if (!names.ok() || names->empty()) return;
  if (std::count(names->begin(), names->end(), layout::kAccountRolloverRequest) &&
      take_request_file(layout::request_path(layout::kAccountRolloverRequest))) {
    log_.log(LogLevel::kNotice, kMsgAdminRequest, "account key rollover requested");
    rollover_pending_ = true;
  }
  for (const auto& cert : certs_) {
    const std::string file = layout::file_name(cert.name) + ".json";
    if (!std::count(names->begin(), names->end(), file)) continue;
    const std::string key = "request " + cert.name;
    if (side_.contains(key) || side_.size() >= options_.max_parallel) continue;  // next tick
    auto request = read_admin_request(store_, cert.name);
    if (!take_request_file(layout::request_file(cert.name)) || !request.ok()) continue;
    AdminRequest taken = *request;
    run_side(key, [this, &cert, taken] { handle_request(cert, taken); });
  }
}

// No step signs with the account key while it changes: new steps wait
// (start_step) and the rollover starts once those in flight are done.
void Renewer::start_rollover() {
  if (!rollover_pending_ || !running_.empty() || !registering_.empty()) return;
  if (side_.contains(kRolloverKey) || side_.size() >= options_.max_parallel) return;
  rollover_pending_ = false;
  run_side(kRolloverKey, [this] { roll_account_keys(); });
}

void Renewer::roll_account_keys() {
  std::vector<std::string> done;  // CA URLs; only accounts that exist (no new registrations)
  for (const auto& cert : certs_) {
    for (std::size_t i = 0; i < cert.ca_count(); ++i) {
      const CaSettings& ca = cert.ca_at(i);
      const std::string id = canonical_ca_url(ca.directory_url);
      if (std::count(done.begin(), done.end(), id) ||
          !store_.exists(layout::account_file(ca.directory_url)))
        continue;
      done.push_back(id);
      Status rolled = session_for(ca).rollover(store_, log_);
      if (!rolled.ok()) {
        log_.log(LogLevel::kError, kMsgAccountKeyChanged,
                 "rolling over the account key at " + ca.directory_url +
                     " failed: " + rolled.message() + "; run `acmectl rollover` again to retry");
      }
    }
  }
  if (done.empty()) {
    log_.log(LogLevel::kWarn, kMsgAccountKeyChanged,
             "no ACME account registered yet: no account key to roll over");
  }
}

void Renewer::handle_request(const ManagedCert& cert, const AdminRequest& request) {
  if (request.action == RequestAction::kRevoke) {
    Status revoked = revoke_live(cert, request.reason);
    if (!revoked.ok()) {
      log_.log(LogLevel::kError, kMsgRevoked,
               "revoking the certificate for " + cert.name + " failed: " + revoked.message());
      return;
    }
    log_.log(LogLevel::kNotice, kMsgRevoked,
             "certificate for " + cert.name + " revoked (reason " + std::to_string(request.reason) +
                 "); ordering a replacement with a new key");
    forget_key_or_log(store_, cert.name, log_);
    notifier_->notify(cert.name, event::kRevoked);
  } else {
    log_.log(LogLevel::kNotice, kMsgAdminRequest, "renewal of " + cert.name + " requested");
  }
  forced_[cert.name] = true;
  auto job = jobs_.find(cert.name);
  if (job != jobs_.end()) job->second->retry_now();
}

Status Renewer::revoke_live(const ManagedCert& cert, int reason) {
  auto pem = store_.read(layout::file_in(layout::live_dir(cert.name), layout::kCertFile));
  if (!pem.ok()) return Status(Code::kNotFound, "no live certificate to revoke");
  auto certs = Certificate::parse_pem_chain(*pem);
  if (!certs.ok()) return certs.status();
  CaSession& session = session_for(cert.ca);
  ACME_RETURN_IF_ERROR(session.ensure_account(store_, log_));
  return revoke_certificate(session.client(), certs->front().to_der(), reason);
}

}  // namespace acme
