// ACMEPreferredChain (RFC 8555 §7.4.2): a CA may offer the same certificate
// under several chains (Link rel="alternate"), e.g. one that ends at a
// cross-signed intermediate for old clients and a shorter one for new
// ones. The admin names the issuer the chain should end at, as certbot's
// --preferred-chain does: the chosen chain is the first whose topmost
// certificate was issued by that name, given as the issuer's common name
// or as its whole RFC 2253 name (case does not matter). The default chain
// is tried first; alternates are fetched with POST-as-GET, at most
// kMaxAlternateChains of them. When none matches (or none can be fetched)
// the default chain is used and the admin is told which issuers were
// offered; the chosen chain is verified afterwards like any other.
#pragma once

#include <string>
#include <vector>

#include "acme/certificate.h"
#include "acme/client.h"
#include "base/log.h"

namespace acme {

constexpr std::size_t kMaxAlternateChains = 4;

// The issuer of chain_pem's topmost (last) certificate: its common name
// and its whole RFC 2253 name; empty strings when the PEM is unusable.
struct TopIssuer {
  std::string common_name;
  std::string name;
};
TopIssuer top_issuer(const std::string& chain_pem);

// Whether the chain's topmost certificate was issued by `preferred`.
bool chain_matches(const std::string& chain_pem, const std::string& preferred);

// The chain to install: `issued` itself when preferred is empty or its
// chain matches, else the first matching alternate, else `issued`.
IssuedChain choose_chain(AcmeClient& client, const IssuedChain& issued,
                         const std::string& preferred, LogSink& log);

}  // namespace acme
