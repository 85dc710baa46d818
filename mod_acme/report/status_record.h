// What the watchdog tells the world about each certificate: status/<name>.json
// in the store, read by the acme-status handler and by `acmectl status`.
// And what admins ask of the watchdog: requests/<name>.json, written by
// `acmectl renew|revoke`, picked up and removed by the running server.
#pragma once

#include <string>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "store/store.h"

namespace acme {

struct StatusRecord {
  std::string name;
  std::vector<std::string> names;
  std::string key_type;  // "p256", ...
  std::string state;     // "valid", "renewing", "staged", "error", "missing"
  std::string serial;    // of the live certificate, "" if none
  TimePoint not_before{};
  TimePoint not_after{};
  TimePoint next_renewal{};  // when the watchdog will next order (or retry)
  std::string last_error;    // "" when the last attempt succeeded
  TimePoint last_error_at{};
  int failures = 0;          // failed attempts of the current renewal, 0 after a success
  TimePoint last_success{};  // when a renewal last staged a verified set; epoch = never seen

  std::string ocsp_status;  // "good", "revoked", "unknown", "" (no responder / not checked)
  TimePoint ocsp_next_update{};
  TimePoint updated{};  // when this record was written
};

std::string status_record_json(const StatusRecord& record);
Result<StatusRecord> parse_status_record(const std::string& text);
// A record without last_success keeps the one of the record it replaces, so
// the time of the last success survives the records written in between (and
// the graceful restart that activates it).
Status write_status_record(Store& store, const StatusRecord& record);
Result<StatusRecord> read_status_record(const Store& store, const std::string& name);

// The names of the certificates in store, sorted: those with a status
// record and those with a live set.
Result<std::vector<std::string>> managed_names(const Store& store);
// What /acme-status, the metrics and `acmectl status` all show (one
// implementation): every managed name, sorted, with its status record, or
// for a live/<name> set without one a record made from the live certificate
// (state "unknown"). A record that cannot be read or parsed is listed with
// state "unreadable" and the reason as last_error. Errors only when a
// directory cannot be listed (a missing one is empty).
Result<std::vector<StatusRecord>> collect_status_records(const Store& store);

enum class RequestAction { kRenew, kRevoke };

struct AdminRequest {
  RequestAction action = RequestAction::kRenew;
  int reason = 0;  // RFC 5280 CRLReason for revoke (0 unspecified, 1 keyCompromise, 4 superseded,
                   // 5 cessationOfOperation)
  TimePoint requested{};
};

// "unspecified", "keyCompromise", "affiliationChanged", "superseded",
// "cessationOfOperation" or a number 0-10 except 7.
Result<int> parse_revocation_reason(const std::string& text);

Status write_admin_request(Store& store, const std::string& name, const AdminRequest& request);
// The pending request for name, if any (Code::kNotFound if none).
Result<AdminRequest> read_admin_request(const Store& store, const std::string& name);

}  // namespace acme
