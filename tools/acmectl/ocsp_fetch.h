// Asks a leaf's OCSP responder for its status and verifies the answer, as a
// client checking revocation would (RFC 6960 Appendix A.1: HTTP POST of the
// DER request). The HttpClient is injected so tests script the responder.
#pragma once

#include <string>

#include "base/clock.h"
#include "base/status.h"
#include "crypto/certificate.h"
#include "crypto/ocsp.h"
#include "http/http_client.h"

namespace acme::ctl {

Result<OcspResult> fetch_ocsp(HttpClient& http, const std::string& url, const Certificate& leaf,
                              const Certificate& issuer, TimePoint now);

}  // namespace acme::ctl
