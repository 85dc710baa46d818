// ChallengeResponder: makes the answer to one challenge type available
// where the CA will look, and takes it away again. One implementation per
// type: http-01 (shared memory, here), tls-alpn-01 (RFC 8737) and dns-01
// (ACMEDns01Command) are added by the httpd glue. The job picks the first
// responder, in the certificate's ACMEChallenges order, that can answer for
// an identifier and whose type the CA offers.
#pragma once

#include <string>

#include "acme/identifier.h"
#include "base/status.h"
#include "shm/challenge_table.h"

namespace acme {

class ChallengeResponder {
 public:
  virtual ~ChallengeResponder() = default;
  virtual const char* type() const = 0;  // "http-01", ...
  // Whether this type can prove control of the identifier at all (e.g.
  // wildcards need dns-01; IP addresses cannot use dns-01, RFC 8738 §7).
  virtual bool can_answer(const Identifier& id, bool wildcard) const = 0;
  // key_authorization: RFC 8555 §8.1. Must be idempotent: a resumed job
  // publishes again what it published before a restart.
  virtual Status publish(const Identifier& id, const std::string& token,
                         const std::string& key_authorization) = 0;
  virtual void withdraw(const Identifier& id, const std::string& token) = 0;
  // Called each watchdog tick: moves along what runs in the background
  // (publish may answer Code::kPending meanwhile). True while anything runs.
  virtual bool poll() { return false; }
};

// RFC 8555 §8.3: the key authorization served at
// /.well-known/acme-challenge/<token> from the shared-memory table.
class Http01Responder : public ChallengeResponder {
 public:
  explicit Http01Responder(ChallengeTable& table) : table_(table) {}
  const char* type() const override { return "http-01"; }
  bool can_answer(const Identifier&, bool wildcard) const override { return !wildcard; }
  Status publish(const Identifier& id, const std::string& token,
                 const std::string& key_authorization) override {
    return table_.put(id.value, token, key_authorization);
  }
  void withdraw(const Identifier&, const std::string& token) override { table_.remove(token); }

 private:
  ChallengeTable& table_;
};

}  // namespace acme
