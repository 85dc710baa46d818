// Authorizations (RFC 8555 §7.1.4, §7.5).
#pragma once

#include <string>
#include <vector>

#include "acme/challenge.h"
#include "acme/client.h"
#include "acme/identifier.h"
#include "acme/resource_status.h"

namespace acme {

struct Authorization {
  std::string url;
  AuthorizationStatus status = AuthorizationStatus::kPending;
  Identifier identifier;
  bool wildcard = false;
  std::vector<Challenge> challenges;

  const Challenge* find(const std::string& type) const;
  // The first challenge error the CA reported, for log lines.
  std::string error_text() const;
};

Result<Authorization> parse_authorization(const std::string& url, const Json& json);
Result<Authorization> fetch_authorization(AcmeClient& client, const std::string& url);

}  // namespace acme
