// Challenges (RFC 8555 §7.5.1, §8): key authorization and responding.
#pragma once

#include <string>

#include "acme/client.h"
#include "acme/problem.h"
#include "acme/resource_status.h"

namespace acme {

constexpr const char kHttp01[] = "http-01";
constexpr const char kDns01[] = "dns-01";
constexpr const char kTlsAlpn01[] = "tls-alpn-01";

struct Challenge {
  std::string type;
  std::string url;
  ChallengeStatus status = ChallengeStatus::kPending;
  std::string token;
  bool has_error = false;
  Problem error;
};

Result<Challenge> parse_challenge(const Json& json);

// §8.1: token || '.' || base64url(JWK thumbprint).
std::string key_authorization(const std::string& token, const std::string& thumbprint);

// §8.3 / §7.5.1: tokens are base64url; we also bound the length, so a
// request path can be checked before any lookup.
bool valid_token(const std::string& token);

// §7.5.1: tell the CA the challenge can be validated (payload "{}").
Result<Challenge> respond_to_challenge(AcmeClient& client, const std::string& url);

}  // namespace acme
