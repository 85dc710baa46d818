// The statuses of ACME resources (RFC 8555 §7.1.6) as enums. The JSON
// spelling lives only here: parse_*_status() runs once where a resource is
// read from the CA's JSON and fails on a status the RFC does not define, so
// everything above acme/ compares enums. *_status_name() gives the RFC
// spelling back for log lines and errors.
#pragma once

#include <string>

#include "base/status.h"
#include "json/json.h"

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

// The "status" field of a resource's JSON through parse, into *status;
// errors (a missing field, an unknown status) name `resource` ("order URL").
template <class E>
Status read_status(const Json& json, Result<E> (*parse)(const std::string&),
                   const std::string& resource, E* status) {
  auto text = json.get_string("status");
  if (!text.ok()) return text.status().with_context(resource);
  auto parsed = parse(*text);
  if (!parsed.ok()) return parsed.status().with_context(resource);
  *status = *parsed;
  return Status();
}

const char* order_status_name(OrderStatus status);
const char* authorization_status_name(AuthorizationStatus status);
const char* challenge_status_name(ChallengeStatus status);

}  // namespace acme
