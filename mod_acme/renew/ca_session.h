// CaSession: one CA as the watchdog sees it: its HTTP client, the ACME
// client (directory, nonces) and the account, created or found once and
// persisted before use (accounts/<ca-id>/). It keeps the account in step
// with the configuration (contact, §7.3.2) and rolls its key on request
// (§7.3.5).
#pragma once

#include <memory>
#include <string>

#include "acme/client.h"
#include "base/log.h"
#include "config/managed_cert.h"
#include "crypto/key.h"
#include "http/http_client.h"
#include "json/json.h"
#include "schedule/poll_pace.h"
#include "store/store.h"

namespace acme {

class CaSession {
 public:
  CaSession(std::unique_ptr<HttpClient> http, CaSettings ca);
  CaSession(const CaSession&) = delete;
  CaSession& operator=(const CaSession&) = delete;

  // Loads or registers the account. The key is written (0600) before
  // newAccount is sent, so a process killed in between finds the key and
  // registering again returns the same account (RFC 8555 §7.3.1). A saved
  // account whose contact differs from the configured one is updated at the
  // CA, never registered twice. A rollover interrupted by a crash is
  // finished (or undone) first.
  Status ensure_account(Store& store, LogSink& log);
  // At watchdog start: if the saved account's contact is not the configured
  // one, update it now rather than at the next order (maybe weeks away).
  // Failures are logged; the next order tries again.
  void update_contact_if_changed(Store& store, LogSink& log);
  // Forget the account URL (the CA said accountDoesNotExist); the key stays.
  void forget_account(Store& store);

  // RFC 8555 §7.3.5 (`acmectl rollover`): a new account key, same account.
  // The new key is written to account.key.pem.new before the CA hears of
  // it, and the old one kept as account.key.pem.old until the new one is in
  // account.key.pem: a crash at any point leaves a key the CA knows.
  Status rollover(Store& store, LogSink& log);

  // The account is loaded (or registered): jobs of this CA may then step
  // concurrently, none of them registering again.
  bool account_ready() const { return ready_; }
  AcmeClient& client() { return client_; }
  HttpClient& http() { return *http_; }
  const std::string& thumbprint() const { return thumbprint_; }
  const CaSettings& ca() const { return ca_; }
  PollPace& poll_pace() { return poll_pace_; }  // how soon its orders are polled first
  // Whether its orders are finalized without polling for "ready" first
  // (renew/job.cc); off for good once the CA refused such a finalize with
  // anything but RFC 8555's orderNotReady.
  bool finalizes_early() const { return finalizes_early_; }
  void stop_finalizing_early() { finalizes_early_ = false; }

 private:
  Status check_terms(const Directory& dir) const;
  Status load_or_create_key(Store& store, LogSink& log);
  Status register_account(Store& store, LogSink& log, const Directory& dir);
  void sync_contact(Store& store, LogSink& log, const Json& saved);
  Status resolve_pending_key(Store& store, LogSink& log);
  Status install_key(Store& store, PrivateKey new_key);
  Status write_record(Store& store, const std::string& url);
  std::string key_path() const;
  std::string record_path() const;

  std::unique_ptr<HttpClient> http_;
  CaSettings ca_;
  AcmeClient client_;
  PrivateKey key_;
  std::string thumbprint_;
  bool ready_ = false;
  PollPace poll_pace_;
  bool fresh_key_ = false;  // made here: any saved account record is another key's
  bool finalizes_early_ = true;
};

}  // namespace acme
