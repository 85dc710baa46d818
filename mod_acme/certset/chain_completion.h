// Completing a chain the CA sent without its intermediates: a leaf alone is
// the classic failure (clients cannot reach a trusted root). Issuers are
// fetched from the certificate's "up" links (RFC 8555 §7.4.2), then from
// the AIA caIssuers URL (RFC 5280 §4.2.2.1), a bounded number of times.
#pragma once

#include <string>

#include "acme/certificate.h"
#include "acme/client.h"
#include "base/log.h"
#include "http/http_client.h"

namespace acme {

constexpr int kMaxIssuerFetches = 4;

// The chain with the issuers it lacked appended, or unchanged when it was
// already complete (its last certificate is self-issued or issued by a
// trust anchor) or nothing could be fetched; the caller verifies it after.
std::string complete_chain(AcmeClient& client, HttpClient& http, const IssuedChain& issued,
                           const std::string& trust_anchor_file, LogSink& log);

}  // namespace acme
