// Self-signed certificates: the fallback a vhost serves (with 503) until its
// first real certificate arrives, and later the tls-alpn-01 challenge
// certificate (RFC 8737 §3).
#pragma once

#include <string>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "crypto/key.h"

namespace acme {

struct SelfSigned {
  std::string cert_pem;
  std::string key_pem;
};

// acme_identifier: when non-empty, the SHA-256 digest of the key
// authorization for the critical id-pe-acmeIdentifier extension (RFC 8737 §3).
Result<SelfSigned> make_self_signed(const std::vector<std::string>& names, KeyType type,
                                    TimePoint now, Seconds validity,
                                    const std::string& acme_identifier = "");

}  // namespace acme
