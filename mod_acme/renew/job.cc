#include "renew/job.h"

#include <algorithm>

#include "acme/authorization.h"
#include "acme/certificate.h"
#include "acme/challenge.h"
#include "acme/problem.h"
#include "base/time_format.h"
#include "certset/cert_files.h"
#include "certset/chain_choice.h"
#include "certset/chain_completion.h"
#include "certset/key_reuse.h"
#include "crypto/certificate.h"
#include "crypto/csr.h"
#include "crypto/verify.h"
#include "json/json.h"
#include "json/record_file.h"
#include "renew/ca_errors.h"
#include "renew/order_placement.h"
#include "schedule/ca_resilience.h"
#include "schedule/policy.h"
#include "store/layout.h"

namespace acme {

namespace {
// A challenge hook (dns-01) runs in the background: how soon to look again.
constexpr Millis kPendingPoll{500};

// jobs/<name>/job.json may be corrupt or hand-edited: a time a TimePoint
// cannot hold (beyond about 2262) would overflow, so it reads as "due now".
TimePoint unix_or_now(long long secs) {
  constexpr long long kLatest = 7258118400;  // 2200-01-01T00:00:00Z
  return secs > 0 && secs <= kLatest ? from_unix(secs) : TimePoint{};
}

Status read_job_state(const Json& json, JobState* s) {
  s->order_url = json.get_string_or("order", "");
  Json published = json.get("challenges");
  for (std::size_t i = 0; i < published.size(); ++i)
    s->published.push_back({published.at(i).get_string_or("type", "http-01"),
                            published.at(i).get_string_or("host", ""),
                            published.at(i).get_string_or("token", "")});
  auto responded = json.get_string_array("responded");
  if (responded.ok()) s->responded.insert(responded->begin(), responded->end());
  s->failures = static_cast<int>(json.get_int_or("failures", 0));
  s->last_error = json.get_string_or("last_error", "");
  s->next_attempt = unix_or_now(json.get_int_or("next_attempt", 0));
  s->ca_index = static_cast<int>(json.get_int_or("ca", 0));
  s->ca_failures = static_cast<int>(json.get_int_or("ca_failures", 0));
  return Status();
}

// RFC 8555 §7.4: the CSR names exactly the order's identifiers.
Result<Order> finalize(AcmeClient& client, const Order& order, const PrivateKey& key,
                       const std::vector<std::string>& names) {
  auto csr = make_csr_der(key, names);
  if (!csr.ok()) return csr.status();
  return finalize_order(client, order, *csr);
}

}  // namespace

std::string job_state_json(const JobState& s) {
  Json published = Json::array();
  for (const auto& p : s.published)
    published.append(Json::object().set("type", p.type).set("host", p.host).set("token", p.token));
  Json responded = Json::array();
  for (const auto& url : s.responded) responded.append(url);
  Json j = Json::object();
  j.set("order", s.order_url).set("challenges", published).set("responded", responded);
  j.set("failures", static_cast<long long>(s.failures)).set("last_error", s.last_error);
  j.set("next_attempt", static_cast<long long>(to_unix(s.next_attempt)));
  j.set("ca", static_cast<long long>(s.ca_index));
  j.set("ca_failures", static_cast<long long>(s.ca_failures));
  return record_file_text(j);
}

Result<JobState> parse_job_state(const std::string& text) {
  return parse_record_file(text, read_job_state);
}

RenewalJob::RenewalJob(const ManagedCert& cert, Store& store, ChallengeTable& table,
                       ActivationSignal& activation, const Clock& clock, LogSink& log,
                       std::function<double()> random01,
                       std::optional<std::vector<ChallengeResponder*>> responders)
    : cert_(cert),
      store_(store),
      activation_(activation),
      clock_(clock),
      log_(log),
      random01_(std::move(random01)),
      default_http01_(table),
      responders_(responders ? std::move(*responders)
                             : std::vector<ChallengeResponder*>{&default_http01_}) {}

ChallengeResponder* RenewalJob::responder_for(const std::string& type) const {
  for (ChallengeResponder* r : responders_)
    if (type == r->type()) return r;
  return nullptr;
}

void RenewalJob::load() {
  loaded_ = true;
  auto text = store_.read(layout::job_file(cert_.name));
  if (!text.ok()) return;  // a fresh job
  resumed_ = true;
  auto state = parse_job_state(*text);
  if (!state.ok()) {
    log_.log(LogLevel::kWarn, kMsgStoreError,
             "ignoring unreadable " + store_.absolute(layout::job_file(cert_.name)) + ": " +
                 state.status().message());
    return;
  }
  state_ = std::move(*state);
  // Answers published before a restart are in shared memory no longer (or
  // may be stale): publish again from the saved tokens on the next step.
}

Status RenewalJob::save() {
  // Unsynced: a power loss at worst takes the job back a step or to a new
  // order; a killed process still finds the old state or the new.
  return store_.write_unsynced(layout::job_file(cert_.name), job_state_json(state_), 0644);
}

// The certificate key is chosen once per job (new, or the live one with
// ACMEKeyReuse) and written before any order exists, so a resumed job
// finalizes with the key it started with. The file is the truth: forget_key
// removes it when the live certificate is revoked or the CA refuses the key,
// and then this job drops the key it holds and the order made for it (which
// may already be finalized with that key) and starts again with a new key.
Status RenewalJob::ensure_key() {
  const std::string path = layout::file_in(layout::job_dir(cert_.name), layout::kPrivkeyFile);
  if (!key_.empty() && store_.exists(path)) return Status();
  auto pem = store_.read(path);
  if (!pem.ok()) {
    if (!key_.empty() || !state_.order_url.empty()) drop_discarded_key();
    auto text = certificate_key_pem(store_, cert_, log_);  // new, or kept (ACMEKeyReuse)
    if (!text.ok()) return text.status();
    ACME_RETURN_IF_ERROR(store_.write(path, *text, 0600));
    pem = std::move(text);
  }
  auto key = PrivateKey::from_pem(*pem);
  if (!key.ok()) return key.status().with_context(store_.absolute(path));
  key_ = std::move(*key);
  key_pem_ = *pem;
  return Status();
}

void RenewalJob::drop_discarded_key() {
  log_.log(LogLevel::kNotice, kMsgKeyReuse,
           "the key of the order in flight for " + cert_.name +
               " was discarded (certificate revoked, or key refused by the CA): "
               "a new key and a new order");
  key_ = PrivateKey();
  key_pem_.clear();
  withdraw_challenges();
  state_.order_url.clear();
}

RenewalJob::Outcome RenewalJob::step(CaSession& session) {
  Outcome outcome;
  outcome.next = clock_.now();
  Status status = advance(session, &outcome);
  // A responder's hook (dns-01) still runs: no failure, ask again soon.
  if (status.code() == Code::kPending) outcome.next = clock_.now() + kPendingPoll;
  if (!status.ok() && status.code() != Code::kPending) return fail(session, status);
  return outcome;
}

Status RenewalJob::advance(CaSession& session, Outcome* outcome) {
  ACME_RETURN_IF_ERROR(ensure_key());
  ACME_RETURN_IF_ERROR(session.ensure_account(store_, log_));
  AcmeClient& client = session.client();
  Result<Order> order = Status(Code::kNotFound, "no order yet");
  if (session.finalizes_early() && may_finalize_unpolled()) {
    order = finalize_unpolled(session);
    if (!order.ok()) return order.status();
  } else if (!state_.order_url.empty()) {
    order = fetch_order(client, state_.order_url);
  }
  // A network failure keeps the order to resume; a CA that no longer knows
  // it (or none saved yet) means a new order.
  if (!order.ok() && order.status().code() == Code::kNetwork) return order.status();
  if (!order.ok()) {
    order = place_order(client, cert_, store_, log_);  // replaces, profile
    if (!order.ok()) return order.status();
    state_.order_url = order->url;
    state_.responded.clear();
    answered_ = false;
    finalize_refused_ = false;
    state_.poll_attempt = 0;
    state_.poll_started = clock_.now();
    ACME_RETURN_IF_ERROR(save());
    log_.log(LogLevel::kInfo, kMsgOrderStarted,
             "ordering certificate for " + cert_.name + " from " + client.directory_url() +
                 " (order " + order->url + ")");
  }
  // The poll backoff is for a status that does not change: progress
  // (pending -> ready -> processing -> valid) starts it again.
  // ready -> processing is the finalize's wait going on, not a new one.
  const bool same_wait =
      polled_status_ == OrderStatus::kReady && order->status == OrderStatus::kProcessing;
  if (order->status != polled_status_ && !same_wait) {
    // A wait ended: how long it took paces the next orders' first polls.
    if (waiting_since_ != TimePoint{} && polled_status_) {
      session.poll_pace().observe(PollPace::wait_of(order_status_name(*polled_status_)),
                                  std::chrono::duration_cast<Millis>(clock_.now() - waiting_since_),
                                  state_.poll_attempt == 1);
    }
    waiting_since_ = TimePoint{};
    state_.poll_attempt = 0;
  }
  polled_status_ = order->status;
  seen_order_ = *order;
  if (order->status == OrderStatus::kPending) {
    // Every answer published and sent in this process: only the order is
    // polled. After a restart they are published again: from the job file
    // when every authorization was answered before, else by authorize().
    if (!answered_) {
      ACME_RETURN_IF_ERROR(all_answered_before(*order) ? publish_again(session)
                                                       : authorize(session, *order));
    }
    answered_ = true;
    outcome->next = poll_later(session);
  } else if (order->status == OrderStatus::kReady) {
    auto finalized = finalize(client, *order, key_, cert_.names);
    if (!finalized.ok()) return finalized.status();
    if (finalized->status == OrderStatus::kValid) return finish(session, *finalized, outcome);
    outcome->next = poll_later(session);
  } else if (order->status == OrderStatus::kProcessing) {
    outcome->next = poll_later(session);
  } else if (order->status == OrderStatus::kValid) {
    return finish(session, *order, outcome);
  } else {
    return order_failure(session, *order);
  }
  if (state_.poll_started != TimePoint{} && clock_.now() - state_.poll_started > kPollBudget) {
    return Status(Code::kTimeout, "order " + order->url + " still " +
                                      order_status_name(order->status) + " after " +
                                      std::to_string(kPollBudget.count()) + "s");
  }
  return Status();
}

// RFC 8555 §7.4: a finalize of an order that is not ready yet is refused
// with orderNotReady, and the client then polls the order. So an order last
// seen pending in this process, every challenge of it sent, is finalized
// when it would have been polled for "ready": accepted, that poll is saved.
// Refused, it counts as the poll that found the order still pending, and the
// order is polled from then on as before (only a fetch tells a pending order
// from an invalid one). After a restart nothing is in memory: a fetch first.
// Refused otherwise, the order says why: invalid or ready, the refusal
// stands and fails the order with the CA's reason, as a finalize after a
// poll would; still pending, the CA does not follow §7.4 (an older Boulder
// said "malformed"), and its orders are polled for "ready" from then on.
bool RenewalJob::may_finalize_unpolled() const {
  return answered_ && !finalize_refused_ && seen_order_ &&
         seen_order_->status == OrderStatus::kPending && seen_order_->url == state_.order_url &&
         !seen_order_->finalize.empty();
}

Result<Order> RenewalJob::finalize_unpolled(CaSession& session) {
  auto finalized = finalize(session.client(), *seen_order_, key_, cert_.names);
  if (finalized.ok() || finalized.status().code() != Code::kProblem) return finalized;
  finalize_refused_ = true;
  if (finalized.status().tag() == problem::kOrderNotReady) return *seen_order_;  // still pending
  auto order = fetch_order(session.client(), state_.order_url);
  if (!order.ok() || order->status != OrderStatus::kPending) {
    const bool refused = order.ok() && (order->status == OrderStatus::kInvalid ||
                                        order->status == OrderStatus::kReady);
    return refused ? finalized.status() : order;
  }
  session.stop_finalizing_early();
  log_.log(LogLevel::kInfo, kMsgOrderProgress,
           "the CA refused to finalize the pending order of " + cert_.name + " with " +
               finalized.status().message() + " instead of orderNotReady (RFC 8555 §7.4): " +
               "its orders are polled for \"ready\" before they are finalized from now on");
  return order;
}

// RFC 8555 §7.5: for every pending authorization publish the answer first,
// then tell the CA to validate.
Status RenewalJob::authorize(CaSession& session, const Order& order) {
  Status pending;
  for (const auto& url : order.authorizations) {
    auto authz = fetch_authorization(session.client(), url);
    if (!authz.ok()) return authz.status();
    if (authz->status == AuthorizationStatus::kValid) continue;
    if (authz->status != AuthorizationStatus::kPending) {
      return Status(Code::kProblem, "authorization for " + authz->identifier.value + " is " +
                                        authorization_status_name(authz->status) + ": " +
                                        authz->error_text());
    }
    Status answered = answer(session, *authz);
    if (answered.code() == Code::kPending) pending = answered;  // the others meanwhile
    if (!answered.ok() && answered.code() != Code::kPending) return answered;
  }
  return pending;
}

// Every authorization of the order was answered and its challenge sent
// before this process (a graceful restart hands up to ACMEMaxParallel orders
// over): the saved tokens say what to publish, and fetching each
// authorization again would be a request per order for nothing new. A
// failed validation shows as the order's own status (RFC 8555 §7.1.6).
bool RenewalJob::all_answered_before(const Order& order) const {
  if (state_.published.size() != order.authorizations.size()) return false;
  if (state_.responded.size() != order.authorizations.size()) return false;
  for (const auto& p : state_.published)
    if (!responder_for(p.type)) return false;  // the configuration changed since
  return true;
}

Status RenewalJob::publish_again(CaSession& session) {
  Status pending;
  for (const auto& p : state_.published) {
    Status published = responder_for(p.type)->publish(
        identifier_for(p.host), p.token, key_authorization(p.token, session.thumbprint()));
    if (published.code() == Code::kPending) pending = published;  // the others meanwhile
    if (!published.ok() && published.code() != Code::kPending) return published;
  }
  return pending;
}

bool RenewalJob::awaiting_validation_here() const {
  if (polled_status_ != OrderStatus::kPending || !answered_) return false;
  for (const auto& p : state_.published)
    if (p.type != "dns-01") return true;  // http-01, tls-alpn-01: this server's workers answer
  return false;
}

// The first responder (in ACMEChallenges order) that can answer for this
// identifier and whose challenge type the CA offers.
Status RenewalJob::answer(CaSession& session, const Authorization& authz) {
  const Challenge* ch = nullptr;
  ChallengeResponder* responder = nullptr;
  std::string offered, usable;
  for (const auto& c : authz.challenges) offered += (offered.empty() ? "" : ", ") + c.type;
  for (ChallengeResponder* r : responders_) {
    if (!r->can_answer(authz.identifier, authz.wildcard)) continue;
    usable += (usable.empty() ? "" : ", ") + std::string(r->type());
    if (!ch && (ch = authz.find(r->type()))) responder = r;
  }
  const std::string& host = authz.identifier.value;
  if (!ch) {
    return Status(Code::kProblem, "no challenge for " + (authz.wildcard ? "*." + host : host) +
                                      " that this server can answer: the CA offers " + offered +
                                      "; usable here: " + (usable.empty() ? "none" : usable) +
                                      " (see ACMEChallenges, ACMEDns01Command)");
  }
  if (!valid_token(ch->token)) {
    return Status(Code::kProtocol, "challenge token '" + ch->token + "' is not base64url");
  }
  PublishedChallenge entry{ch->type, host, ch->token};
  if (std::find(state_.published.begin(), state_.published.end(), entry) ==
      state_.published.end()) {
    state_.published.push_back(entry);
    ACME_RETURN_IF_ERROR(save());  // recorded before it exists, so a restart can withdraw it
  }
  ACME_RETURN_IF_ERROR(responder->publish(authz.identifier, ch->token,
                                          key_authorization(ch->token, session.thumbprint())));
  if (ch->status == ChallengeStatus::kPending && !state_.responded.count(ch->url)) {
    auto answered = respond_to_challenge(session.client(), ch->url);
    if (!answered.ok()) return answered.status();
    state_.responded.insert(ch->url);
    ACME_RETURN_IF_ERROR(save());
  }
  return Status();
}

bool RenewalJob::already_live(const std::string& chain) const {
  auto live = read_live(store_, cert_.name);
  auto certs = Certificate::parse_pem_chain(chain);
  return live.ok() && certs.ok() && live->serial == certs->front().serial_hex();
}

Status RenewalJob::finish(CaSession& session, const Order& order, Outcome* outcome) {
  auto issued = download_certificate(session.client(), order.certificate);
  if (!issued.ok()) return issued.status();
  const IssuedChain chosen = choose_chain(session.client(), *issued, cert_.preferred_chain, log_);
  const std::string chain =
      complete_chain(session.client(), session.http(), chosen, cert_.trust_anchor_file, log_);
  Status verified =
      verify_cert_set(chain, key_pem_, {cert_.trust_anchor_file, cert_.names, clock_.now()});
  if (!verified.ok()) {
    state_.order_url.clear();  // a new order next time; this chain is unusable
    return Status(Code::kVerifyFailed, "certificate from " + session.ca().directory_url +
                                           " not usable: " + verified.message());
  }
  if (already_live(chain)) {
    // A watchdog killed after staging, before it removed this job: the parent
    // has promoted the very certificate since. Not staged (and activated) twice;
    // on a cluster, published (again: the same set writes nothing) first.
    if (publish_) ACME_RETURN_IF_ERROR(publish_(chain, key_pem_));
    withdraw_challenges();
    remove_logged(store_, layout::job_dir(cert_.name), log_);  // left: removed as remains later
    log_.log(LogLevel::kInfo, kMsgCertStaged,
             "the certificate for " + cert_.name + " this order got is already live");
    outcome->staged = true;  // the job is over
    outcome->next = clock_.now();
    return Status();
  }
  ACME_RETURN_IF_ERROR(stage_set(store_, cert_.name, chain, key_pem_));
  Status kept = remember_key(store_, cert_, key_pem_);
  if (!kept.ok()) log_.log(LogLevel::kWarn, kMsgKeyReuse, kept.message());
  if (publish_) ACME_RETURN_IF_ERROR(publish_(chain, key_pem_));
  withdraw_challenges();
  remove_logged(store_, layout::job_dir(cert_.name), log_);  // left: removed as remains later
  log_.log(LogLevel::kNotice, kMsgCertStaged,
           "new certificate for " + cert_.name + " obtained and verified; staged for activation");
  activation_.request_activation();
  outcome->staged = true;
  outcome->next = clock_.now();
  return Status();
}

// An invalid order: find the authorization that failed and say why.
Status RenewalJob::order_failure(CaSession& session, const Order& order) {
  std::string why = order.has_error ? order.error.describe() : "";
  for (const auto& url : order.authorizations) {
    auto authz = fetch_authorization(session.client(), url);
    if (authz.ok() && authz->status == AuthorizationStatus::kInvalid) {
      why = authz->identifier.value + ": " + authz->error_text();
      break;
    }
  }
  state_.order_url.clear();
  // Tagged with the order's problem type, so fail() sees badPublicKey/badCSR.
  return Status(Code::kProblem,
                "order for " + cert_.name + " is " + order_status_name(order.status) +
                    (why.empty() ? "" : ": " + why),
                order.has_error ? order.error.type : "");
}

RenewalJob::Outcome RenewalJob::fail(CaSession& session, const Status& error) {
  if (stopping_ && stopping_()) return Outcome{false, clock_.now()};
  if (error.tag() == problem::kAccountDoesNotExist || problem::signature_refused(error))
    session.forget_account(store_);
  // RFC 8555 §7.4: the CA refused the key or the CSR made with it; the next
  // attempt must not send the same key again (ACMEKeyReuse included).
  if (error.tag() == problem::kBadPublicKey || error.tag() == problem::kBadCSR)
    forget_key_or_log(store_, cert_.name, log_);
  if (error.code() == Code::kProblem || error.code() == Code::kTimeout) state_.order_url.clear();
  withdraw_challenges();
  state_.failures += 1;
  Seconds delay =
      retry_delay(state_.failures, cert_.retry_delay, cert_.max_retry_delay, random01_());
  // RFC 8555 §6.6: a CA that said when to come back is not asked earlier.
  const std::optional<Seconds> asked = ca_requested_wait(error, clock_.now());
  if (asked && *asked > delay) delay = *asked;
  count_against_ca(error);
  state_.next_attempt = clock_.now() + delay;
  state_.last_error = error.message();
  // The backoff is not polling: the budget starts again with the next poll.
  state_.poll_attempt = 0;
  state_.poll_started = TimePoint{};
  Status saved = save();
  log_.log(LogLevel::kError, kMsgOrderFailed,
           "getting a certificate for " + cert_.name + " failed (attempt " +
               std::to_string(state_.failures) + "): " + error.message() + "; next try in " +
               format_duration(delay) +
               (asked ? " (the CA asked for Retry-After " + format_duration(*asked) + ")" : "") +
               (saved.ok() ? "" : " (" + saved.message() + ")"));
  Outcome outcome{false, state_.next_attempt};
  // A rate limit (429) or an overloaded CA that says when to come back (a
  // 5xx with Retry-After, RFC 8555 §6.6; Let's Encrypt answers its overall
  // request limit so): no job of this CA asks before then.
  if (error.tag() == problem::kRateLimited)
    outcome.ca_wait_until = asked ? clock_.now() + *asked : state_.next_attempt;
  else if (asked && error.code() == Code::kNetwork)
    outcome.ca_wait_until = clock_.now() + *asked;
  return outcome;
}

// Failover (schedule/ca_resilience.h): an order belongs to the CA that made it,
// so the next CA starts with a new one (and its own account).
void RenewalJob::count_against_ca(const Status& error) {
  const std::string from = cert_.ca_at(state_.ca_index).directory_url;
  if (!count_ca_failure(ca_unavailable(error), cert_.ca_count(), &state_.ca_index,
                        &state_.ca_failures))
    return;
  state_.order_url.clear();
  log_.log(LogLevel::kWarn, kMsgCaFailover,
           "the CA " + from + " failed " + std::to_string(kFailoverAfter) + " times in a row for " +
               cert_.name + "; the next attempt goes to " +
               cert_.ca_at(state_.ca_index).directory_url);
}

TimePoint RenewalJob::poll_later(CaSession& session) {
  if (state_.poll_started == TimePoint{}) state_.poll_started = clock_.now();
  if (state_.poll_attempt == 0) {
    waiting_since_ = clock_.now();
    ++state_.poll_attempt;
    return clock_.now() +
           session.poll_pace().first(PollPace::wait_of(order_status_name(*polled_status_)));
  }
  return clock_.now() + poll_delay(state_.poll_attempt++);
}

void RenewalJob::withdraw_challenges() {
  for (const auto& p : state_.published) {
    if (ChallengeResponder* r = responder_for(p.type)) r->withdraw(identifier_for(p.host), p.token);
  }
  state_.published.clear();
  state_.responded.clear();
  answered_ = false;
}

}  // namespace acme
