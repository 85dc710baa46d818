// Certificate download (RFC 8555 §7.4.2): the PEM chain, and the URLs of
// alternate chains the CA offers (Link rel="alternate").
#pragma once

#include <string>
#include <vector>

#include "acme/client.h"

namespace acme {

struct IssuedChain {
  std::string pem;                      // leaf first, then issuers
  std::vector<std::string> alternates;  // other chains for the same leaf
  std::vector<std::string> up;          // issuer certificate URLs (Link rel="up")
};

// An issuer certificate from an "up" link (RFC 8555 §7.4.2), as PEM; the CA
// may answer PEM or DER (application/pkix-cert).
Result<std::string> download_issuer(AcmeClient& client, const std::string& url);

Result<IssuedChain> download_certificate(AcmeClient& client, const std::string& url);

}  // namespace acme
