// OCSP (RFC 6960): requests for a leaf, and verification of responses
// before mod_acme staples or acts on them. Also the AIA URLs (RFC 5280
// §4.2.2.1) used to find a responder and a missing issuer.
#pragma once

#include <string>

#include "base/clock.h"
#include "base/status.h"
#include "crypto/certificate.h"

namespace acme {

// AIA accessLocation URIs; "" when the certificate names none.
std::string ocsp_url(const Certificate& cert);
std::string ca_issuers_url(const Certificate& cert);

// DER OCSPRequest for leaf (CertID with SHA-1, as RFC 5019 §2.1.1 asks of
// clients talking to high-volume responders), no nonce.
Result<std::string> make_ocsp_request(const Certificate& leaf, const Certificate& issuer);

enum class CertStatus { kGood, kRevoked, kUnknown };
const char* cert_status_name(CertStatus status);  // "good", "revoked", "unknown"

struct OcspResult {
  CertStatus status = CertStatus::kUnknown;
  TimePoint this_update{};
  TimePoint next_update{};  // == this_update when the responder gave none
  TimePoint revoked_at{};
  int reason = -1;  // CRLReason when revoked and given, else -1
  std::string der;  // the response as received, for stapling
};

// Accepts der only if: responseStatus successful; a BasicOCSPResponse
// signed by issuer itself or by a delegated responder certificate issued by
// issuer with id-kp-OCSPSigning (RFC 6960 §4.2.2.2); it has a SingleResponse
// for leaf's CertID; thisUpdate <= now + 5 min; nextUpdate (if any) > now.
// Errors say which check failed (e.g. "OCSP response for a.example is
// stale: nextUpdate 2026-11-20T00:00:00Z is in the past").
Result<OcspResult> verify_ocsp_response(const std::string& der, const Certificate& leaf,
                                        const Certificate& issuer, TimePoint now);

}  // namespace acme
