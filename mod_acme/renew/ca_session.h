// CaSession: one CA as the watchdog sees it: its HTTP client, the ACME
// client (directory, nonces) and the account, created or found once and
// persisted before use (accounts/<ca-id>/).
#pragma once

#include <memory>
#include <string>

#include "acme/client.h"
#include "base/log.h"
#include "crypto/key.h"
#include "http/http_client.h"
#include "renew/managed_cert.h"
#include "store/store.h"

namespace acme {

class CaSession {
 public:
  CaSession(std::unique_ptr<HttpClient> http, CaSettings ca);
  CaSession(const CaSession&) = delete;
  CaSession& operator=(const CaSession&) = delete;

  // Loads or registers the account. The key is written (0600) before
  // newAccount is sent, so a process killed in between finds the key and
  // registering again returns the same account (RFC 8555 §7.3.1).
  Status ensure_account(Store& store, LogSink& log);
  // Forget the account URL (the CA said accountDoesNotExist); the key stays.
  void forget_account(Store& store);

  AcmeClient& client() { return client_; }
  HttpClient& http() { return *http_; }
  const std::string& thumbprint() const { return thumbprint_; }
  const CaSettings& ca() const { return ca_; }

 private:
  Status check_terms(const Directory& dir) const;
  Status load_or_create_key(Store& store);

  std::unique_ptr<HttpClient> http_;
  CaSettings ca_;
  AcmeClient client_;
  PrivateKey key_;
  std::string thumbprint_;
  bool ready_ = false;
};

}  // namespace acme
