// ManagedCert: everything the core needs to know about one certificate the
// admin asked for with ACMEDomain, after httpd/ has merged the directives.
// Plain C++ data; built once per configuration in post_config.
#pragma once

#include <string>
#include <vector>

#include "base/clock.h"
#include "crypto/key.h"
#include "renew/policy.h"

namespace acme {

struct CaSettings {
  std::string directory_url;
  std::string ca_file;  // ACMECACertificateFile: trust for the CA's HTTPS API
  std::vector<std::string> contact;
  bool terms_agreed = false;
};

struct ManagedCert {
  std::string name;                // first ACMEDomain name; names files and directories
  std::vector<std::string> names;  // every name, first included
  KeyType key_type = kDefaultKeyType;
  CaSettings ca;
  std::string trust_anchor_file;  // ACMETrustAnchorFile; empty = system store
  RenewWindow renew_window;
  Seconds retry_delay{600};  // ACMERetryDelay: first backoff step
  Seconds max_retry_delay{86400};
  // ACMEChallenges: challenge types in the order to try; empty = every
  // registered responder in its default order (http-01, tls-alpn-01, dns-01).
  std::vector<std::string> challenges;
};

}  // namespace acme
