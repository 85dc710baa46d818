// ManagedCert: everything the core needs to know about one certificate the
// admin asked for with ACMEDomain, after httpd/ has merged the directives.
// Plain C++ data; built once per configuration in post_config.
#pragma once

#include <string>
#include <vector>

#include "acme/eab.h"
#include "base/clock.h"
#include "crypto/key.h"
#include "schedule/policy.h"

namespace acme {

struct CaSettings {
  std::string directory_url;
  std::string ca_file;  // ACMECACertificateFile: trust for the CA's HTTPS API
  std::vector<std::string> contact;
  bool terms_agreed = false;
  ExternalAccountBinding eab;  // ACMEExternalAccountBinding; empty = none
};

struct ManagedCert {
  // First ACMEDomain name, "_<type>" appended for each ACMEKeyType after the
  // first (config/key_variants.h); names files, directories, status, logs.
  std::string name;
  std::vector<std::string> names;  // every name, first included
  KeyType key_type = kDefaultKeyType;
  bool key_reuse = false;       // ACMEKeyReuse: renew with the live key (certset/key_reuse.h)
  std::string preferred_chain;  // ACMEPreferredChain: topmost issuer wanted; empty = default
  // The first ACMECertificateAuthority; its further values, in order, are
  // failover after repeated failures with the current one (schedule/ca_resilience.h).
  CaSettings ca;
  std::vector<CaSettings> failover_cas;
  std::size_t ca_count() const { return 1 + failover_cas.size(); }
  const CaSettings& ca_at(std::size_t i) const {
    i %= ca_count();
    return i == 0 ? ca : failover_cas[i - 1];
  }
  // ACMEProfile NAME [mandatory]; empty = the CA's default profile.
  std::string profile;
  bool profile_mandatory = false;
  std::string trust_anchor_file;  // ACMETrustAnchorFile; empty = system store
  RenewWindow renew_window;
  Seconds retry_delay{600};  // ACMERetryDelay: first backoff step
  Seconds max_retry_delay{86400};
  // ACMEChallenges: challenge types in the order to try; empty = every
  // registered responder in its default order (http-01, tls-alpn-01, dns-01).
  std::vector<std::string> challenges;
  // ACMEDns01Command: program [args] run for dns-01 (solve/dns01_responder.h);
  // empty = no dns-01 for this certificate.
  std::string dns01_command;
};

}  // namespace acme
