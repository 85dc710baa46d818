// The network half of `acmectl check`: one TLS handshake as a client, to
// see the certificate chain a server sends. The handshake accepts any
// certificate, so that chain_report.h can say what is wrong with it.
#pragma once

#include <string>
#include <vector>

#include "args.h"
#include "base/clock.h"
#include "base/status.h"
#include "crypto/certificate.h"

namespace acme::ctl {

struct ProbeResult {
  std::vector<Certificate> served;  // as sent, leaf first
  std::string peer;                 // the address connected to, "192.0.2.1:443"
  std::string protocol;             // "TLSv1.3"
  std::string cipher;
};

// Connects to address (each resolved address in turn) and handshakes,
// asking for server_name by SNI (RFC 6066 §3: not for IP literals). Connect
// and every read or write are bounded by timeout. Errors are Code::kNetwork
// and say what failed, e.g. "connection refused".
Result<ProbeResult> probe_tls(const Endpoint& address, const std::string& server_name,
                              Seconds timeout);

}  // namespace acme::ctl
