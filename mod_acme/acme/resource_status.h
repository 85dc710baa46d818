// The statuses of ACME resources (RFC 8555 §7.1.6) as enums. The JSON
// spelling lives only here: parse_*_status() runs once where a resource is
// read from the CA's JSON and fails on a status the RFC does not define, so
// everything above acme/ compares enums. *_status_name() gives the RFC
// spelling back for log lines and errors.
#pragma once

#include <string>

#include "base/status.h"

namespace acme {

// §7.1.6, order objects (§7.1.3).
enum class OrderStatus { kPending, kReady, kProcessing, kValid, kInvalid };
// §7.1.6, authorization objects (§7.1.4).
enum class AuthorizationStatus { kPending, kValid, kInvalid, kDeactivated, kExpired, kRevoked };
// §7.1.6, challenge objects (§8).
enum class ChallengeStatus { kPending, kProcessing, kValid, kInvalid };

Result<OrderStatus> parse_order_status(const std::string& text);
Result<AuthorizationStatus> parse_authorization_status(const std::string& text);
Result<ChallengeStatus> parse_challenge_status(const std::string& text);

const char* order_status_name(OrderStatus status);
const char* authorization_status_name(AuthorizationStatus status);
const char* challenge_status_name(ChallengeStatus status);

}  // namespace acme
