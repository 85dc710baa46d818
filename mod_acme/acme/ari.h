// ACME Renewal Information (RFC 9773): the certificate identifier (§4.1),
// the CA's suggested renewal window (§4.2) and when to ask again (§4.3).
// Only the protocol lives here; when to renew is decided in
// schedule/ari_policy.h and remembered by renew/ari_schedule.h.
#pragma once

#include <string>

#include "base/clock.h"
#include "base/status.h"
#include "crypto/certificate.h"
#include "http/http_client.h"
#include "json/json.h"

namespace acme {

// §4.3: how long to wait before asking again, whatever the CA says.
constexpr Seconds kAriMinRetry{60};
constexpr Seconds kAriMaxRetry{86400};
constexpr Seconds kAriDefaultRetry{6 * 3600};  // no (usable) Retry-After

struct RenewalInfo {
  TimePoint window_start;                  // suggestedWindow.start
  TimePoint window_end;                    // suggestedWindow.end, after start
  std::string explanation_url;             // optional: why the CA suggests this window
  Seconds retry_after = kAriDefaultRetry;  // clamped to [kAriMinRetry, kAriMaxRetry]
};

// §4.1: base64url(AKI keyIdentifier) "." base64url(serial, the DER INTEGER's
// content bytes). Also the "replaces" of a newOrder (§5). kNotFound when the
// certificate carries no Authority Key Identifier keyIdentifier.
Result<std::string> ari_cert_id(const Certificate& cert);

// §4.2: {"suggestedWindow": {"start", "end"}, "explanationURL"}.
Result<RenewalInfo> parse_renewal_info(const Json& json);

// §4.3: the answer's Retry-After, clamped; kAriDefaultRetry when absent.
Seconds ari_retry_after(const HttpResponse& response, TimePoint now);

// §4.1: GET <renewalInfo>/<certID>, unauthenticated (no JWS, no nonce).
Result<RenewalInfo> fetch_renewal_info(HttpClient& http, const std::string& renewal_info_url,
                                       const std::string& cert_id, TimePoint now);

}  // namespace acme
