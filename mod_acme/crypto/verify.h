// Verification of a certificate set the way a TLS client would see it,
// before mod_acme ever activates it. A set that fails is never served.
#pragma once

#include <string>
#include <vector>

#include "base/clock.h"
#include "base/status.h"

namespace acme {

struct VerifyOptions {
  std::string trust_anchor_file;   // PEM roots; empty = the system store
  std::vector<std::string> names;  // every one must be covered by the leaf
  TimePoint now;
};

// chain_pem: leaf first, then intermediates (a root, if present, is ignored as
// an anchor: only trust_anchor_file or the system store anchor the path).
// Checks: parses, key matches leaf, every name covered, leaf valid at now,
// leaf + intermediates build a path to a trust anchor. The error names what is
// wrong, e.g. the issuer that could not be found ("the CA sent no intermediate").
Status verify_cert_set(const std::string& chain_pem, const std::string& key_pem,
                       const VerifyOptions& options);

}  // namespace acme
