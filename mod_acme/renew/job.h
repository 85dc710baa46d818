// RenewalJob: drives one certificate from a new order to a verified set in
// staging/, one non-blocking step at a time, persisting every step in
// jobs/<name>/ so a process killed at any point resumes on the next run
// with the same key, the same order and the same account.
//
// step() never sleeps: it does what can be done now and says when it wants
// to run again (polling follows a bounded, backing-off schedule). Failures
// back off with jitter (ACMERetryDelay); the live certificate keeps serving.
#pragma once

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "acme/authorization.h"
#include "acme/order.h"
#include "base/clock.h"
#include "base/log.h"
#include "config/managed_cert.h"
#include "crypto/key.h"
#include "renew/ca_session.h"
#include "shm/activation_signal.h"
#include "shm/challenge_table.h"
#include "solve/challenge_responder.h"
#include "store/store.h"

namespace acme {

struct PublishedChallenge {
  std::string type;  // "http-01", ...
  std::string host;  // identifier value
  std::string token;
  bool operator==(const PublishedChallenge& o) const {
    return type == o.type && host == o.host && token == o.token;
  }
};

// What survives a restart (jobs/<name>/job.json).
struct JobState {
  std::string order_url;
  std::vector<PublishedChallenge> published;
  std::set<std::string> responded;  // challenge URLs
  int failures = 0;
  TimePoint next_attempt{};
  std::string last_error;
  int poll_attempt = 0;
  TimePoint poll_started{};
  int ca_index = 0;     // ManagedCert::ca_at(): the CA this job uses (failover)
  int ca_failures = 0;  // consecutive failures because that CA was unavailable
};

std::string job_state_json(const JobState& state);
Result<JobState> parse_job_state(const std::string& text);

class RenewalJob {
 public:
  struct Outcome {
    bool staged = false;  // a verified set is in staging/: the job is over
    TimePoint next;       // when to call step() again
    // The CA rate-limited this job (RFC 8555 §6.6, HTTP 429): no job of that
    // CA is stepped before this time. TimePoint{} when it did not.
    TimePoint ca_wait_until{};
  };

  // responders: in preference order, exactly these (an empty list answers
  // nothing); without the argument, http-01 over table (unit tests).
  RenewalJob(const ManagedCert& cert, Store& store, ChallengeTable& table,
             ActivationSignal& activation, const Clock& clock, LogSink& log,
             std::function<double()> random01,
             std::optional<std::vector<ChallengeResponder*>> responders = std::nullopt);

  void load();  // resumes from jobs/<name>/, or starts fresh (an unreadable state is logged)
  bool loaded() const { return loaded_; }
  bool resumed() const { return resumed_; }  // load() found a saved state
  // A cluster: the verified set is published for every node
  // (OrderCoordinator::publish) before the job ends; until that succeeds the
  // job stays, and a node that takes it over publishes instead.
  void set_publisher(std::function<Status(const std::string& chain, const std::string& key)> p) {
    publish_ = std::move(p);
  }
  Outcome step(CaSession& session);
  const JobState& state() const { return state_; }
  // The order waits for the CA to validate an answer that this server's
  // workers give (http-01, tls-alpn-01): during a graceful restart nobody
  // accepts the CA's connection until the next generation's children run,
  // so polling the order then only finds it unchanged.
  bool awaiting_validation_here() const;
  const ManagedCert& cert() const { return cert_; }
  // An admin asked for it (acmectl renew): skip the remaining backoff.
  void retry_now() { state_.next_attempt = TimePoint{}; }
  // True while the process goes away: a step failing then records nothing
  // (its errors may come from the teardown); the next run resumes it.
  void set_stopping(std::function<bool()> stopping) { stopping_ = std::move(stopping); }

 private:
  Status advance(CaSession& session, Outcome* outcome);
  Status ensure_key();
  void drop_discarded_key();
  Status authorize(CaSession& session, const Order& order);
  Status answer(CaSession& session, const Authorization& authz);
  bool all_answered_before(const Order& order) const;
  bool may_finalize_unpolled() const;
  Result<Order> finalize_unpolled(CaSession& session);
  Status publish_again(CaSession& session);
  ChallengeResponder* responder_for(const std::string& type) const;
  Status finish(CaSession& session, const Order& order, Outcome* outcome);
  bool already_live(const std::string& chain) const;
  Status order_failure(CaSession& session, const Order& order);
  Outcome fail(CaSession& session, const Status& error);
  void count_against_ca(const Status& error);
  TimePoint poll_later(CaSession& session);
  void withdraw_challenges();
  Status save();

  const ManagedCert& cert_;
  Store& store_;
  ActivationSignal& activation_;  // bumped once a verified set is staged
  const Clock& clock_;
  LogSink& log_;
  std::function<double()> random01_;
  Http01Responder default_http01_;
  std::vector<ChallengeResponder*> responders_;
  JobState state_;
  std::function<bool()> stopping_;
  std::function<Status(const std::string&, const std::string&)> publish_;
  bool loaded_ = false;
  bool resumed_ = false;
  std::optional<OrderStatus> polled_status_;  // the order's status at the last poll
  TimePoint waiting_since_{};  // the first poll of this status was planned (PollPace)
  bool answered_ = false;      // authorize() succeeded in this process
  // The order as this process last saw it (newOrder's answer, a fetch, a
  // finalize): its finalize URL, for a finalize without polling for "ready".
  std::optional<Order> seen_order_;
  bool finalize_refused_ = false;  // orderNotReady for this order: polled as before since
  PrivateKey key_;
  std::string key_pem_;
};

}  // namespace acme
