// AriSchedule: renewal information (RFC 9773) for the watchdog. For each
// live certificate it remembers the CA's suggested window, the moment picked
// in it and when to ask again (ari/<name>.json, so a restart neither asks
// early nor picks a new moment), asks the CA when that time has come, and
// answers "when is this certificate due" (schedule/ari_policy.h).
//
// A CA without "renewalInfo" in its directory, a certificate without an
// Authority Key Identifier, or a CA that does not answer leave the decision
// to ACMERenewWindow. Renewal information is asked of the certificate's
// first ACMECertificateAuthority.
#pragma once

#include <functional>
#include <map>
#include <string>

#include "acme/ari.h"
#include "base/clock.h"
#include "base/log.h"
#include "certset/cert_files.h"
#include "config/managed_cert.h"
#include "renew/ca_session.h"
#include "store/store.h"

namespace acme {

// After a failed renewalInfo request, ask again this much later.
constexpr Seconds kAriErrorRetry{3600};

// What ari/<name>.json holds.
struct AriRecord {
  std::string cert_id;  // RFC 9773 §4.1, of the live certificate
  bool has_window = false;
  TimePoint window_start{};
  TimePoint window_end{};
  TimePoint chosen{};  // picked once per window
  std::string explanation_url;
  TimePoint next_poll{};  // ask the CA again from then on
};

std::string ari_record_json(const AriRecord& record);
Result<AriRecord> parse_ari_record(const std::string& text);

// The certID of live/<name>/cert.pem, for renewalInfo and "replaces".
Result<std::string> live_cert_id(const Store& store, const std::string& name);

class AriSchedule {
 public:
  struct Decision {
    TimePoint renew_at;
    TimePoint next_poll = TimePoint::max();  // when to look again for news; max: never
    std::string basis;                       // why renew_at, for the log
  };

  AriSchedule(Store& store, const Clock& clock, LogSink& log, std::function<double()> random01);
  AriSchedule(const AriSchedule&) = delete;
  AriSchedule& operator=(const AriSchedule&) = delete;

  // The CA is to be asked (again) about the live certificate, cert_id its
  // certID (live_cert_id): its time has come. Asks nothing.
  bool poll_due(const ManagedCert& cert, const std::string& cert_id);
  // Asks session's CA for renewal information and keeps the answer. Inside a
  // Fiber the request suspends it, so the watchdog runs this in a fiber of
  // its own (renew/renewer.h) and never waits for the CA in a tick.
  void refresh(const ManagedCert& cert, CaSession& session);
  // When to renew, from what is known now; asks nothing. cert_id: the live
  // certificate's (live_cert_id, read once by the caller for both calls).
  Decision decide(const ManagedCert& cert, const LiveInfo& live,
                  const Result<std::string>& cert_id);
  // Both in one, for callers that may wait: refresh() when due, then decide().
  Decision decide(const ManagedCert& cert, const LiveInfo& live, CaSession& session);

 private:
  AriRecord& record_for(const std::string& name, const std::string& cert_id);
  void poll(const std::string& name, AriRecord& record, CaSession& session);
  void accept(const std::string& name, AriRecord& record, const RenewalInfo& info);
  void save(const std::string& name, const AriRecord& record);

  Store& store_;
  const Clock& clock_;
  LogSink& log_;
  std::function<double()> random01_;
  std::map<std::string, AriRecord> records_;  // by certificate name
};

}  // namespace acme
