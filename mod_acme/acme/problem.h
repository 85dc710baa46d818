// Problem documents (RFC 8555 §6.7, RFC 7807): typed errors from the CA.
// Every error URN RFC 8555 defines is a constant here; the Status a problem
// becomes carries the URN as its tag, so callers can branch on the type.
#pragma once

#include <string>
#include <vector>

#include "base/status.h"
#include "json/json.h"

namespace acme {

namespace problem {
constexpr const char kPrefix[] = "urn:ietf:params:acme:error:";
constexpr const char kAccountDoesNotExist[] = "urn:ietf:params:acme:error:accountDoesNotExist";
constexpr const char kAlreadyRevoked[] = "urn:ietf:params:acme:error:alreadyRevoked";
constexpr const char kBadCSR[] = "urn:ietf:params:acme:error:badCSR";
constexpr const char kBadNonce[] = "urn:ietf:params:acme:error:badNonce";
constexpr const char kBadPublicKey[] = "urn:ietf:params:acme:error:badPublicKey";
constexpr const char kBadRevocationReason[] = "urn:ietf:params:acme:error:badRevocationReason";
constexpr const char kBadSignatureAlgorithm[] = "urn:ietf:params:acme:error:badSignatureAlgorithm";
constexpr const char kCaa[] = "urn:ietf:params:acme:error:caa";
constexpr const char kCompound[] = "urn:ietf:params:acme:error:compound";
constexpr const char kConnection[] = "urn:ietf:params:acme:error:connection";
constexpr const char kDns[] = "urn:ietf:params:acme:error:dns";
constexpr const char kExternalAccountRequired[] =
    "urn:ietf:params:acme:error:externalAccountRequired";
constexpr const char kIncorrectResponse[] = "urn:ietf:params:acme:error:incorrectResponse";
constexpr const char kInvalidContact[] = "urn:ietf:params:acme:error:invalidContact";
constexpr const char kMalformed[] = "urn:ietf:params:acme:error:malformed";
constexpr const char kOrderNotReady[] = "urn:ietf:params:acme:error:orderNotReady";
constexpr const char kRateLimited[] = "urn:ietf:params:acme:error:rateLimited";
constexpr const char kRejectedIdentifier[] = "urn:ietf:params:acme:error:rejectedIdentifier";
constexpr const char kServerInternal[] = "urn:ietf:params:acme:error:serverInternal";
constexpr const char kTls[] = "urn:ietf:params:acme:error:tls";
constexpr const char kUnauthorized[] = "urn:ietf:params:acme:error:unauthorized";
constexpr const char kUnsupportedContact[] = "urn:ietf:params:acme:error:unsupportedContact";
constexpr const char kUnsupportedIdentifier[] = "urn:ietf:params:acme:error:unsupportedIdentifier";
constexpr const char kUserActionRequired[] = "urn:ietf:params:acme:error:userActionRequired";
// RFC 9773 §7.4 and draft-ietf-acme-profiles.
constexpr const char kAlreadyReplaced[] = "urn:ietf:params:acme:error:alreadyReplaced";
constexpr const char kInvalidProfile[] = "urn:ietf:params:acme:error:invalidProfile";

// The CA could not verify the request's signature with the account's key
// (RFC 8555 §6.2). No URN of its own: Boulder and pebble answer malformed,
// "JWS verification error: ...". The account record and key the client
// used do not belong together (e.g. a key file restored under a record
// written since): the account is looked up again by its key (§7.3.1).
inline bool signature_refused(const Status& s) {
  return s.tag() == kMalformed && s.message().find("JWS verification error") != std::string::npos;
}
}  // namespace problem

struct Subproblem {
  std::string type;
  std::string detail;
  std::string identifier;  // identifier value, e.g. "www.a.example"
};

struct Problem {
  std::string type;  // full URN
  std::string detail;
  int status = 0;
  std::vector<Subproblem> subproblems;

  // "rateLimited" for "urn:ietf:params:acme:error:rateLimited".
  std::string short_type() const;
  // One line for an admin: "rateLimited (HTTP 429): too many certificates;
  // www.a.example: dns: NXDOMAIN".
  std::string describe() const;
  // A kProblem Status tagged with the type URN.
  Status to_status(const std::string& context) const;
};

Result<Problem> parse_problem(const Json& json, int http_status);
// The "error" field of an order or a challenge (RFC 8555 §7.1.3, §7.1.5):
// true, with *error set, when it holds a problem document.
bool parse_error_field(const Json& resource, Problem* error);
bool is_problem_content_type(const std::string& content_type);

}  // namespace acme
