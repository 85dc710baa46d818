// The ACME directory (RFC 8555 §7.1.1): the CA's resource URLs and meta.
#pragma once

#include <string>
#include <vector>

#include "base/status.h"
#include "http/ca_url.h"  // canonical_ca_url, for the callers that compare CA URLs
#include "json/json.h"

namespace acme {

struct Directory {
  std::string new_nonce;
  std::string new_account;
  std::string new_order;
  std::string revoke_cert;
  std::string key_change;
  std::string renewal_info;  // RFC 9773, optional
  // meta (§7.1.1), all optional
  std::string terms_of_service;
  std::string website;
  bool external_account_required = false;
  std::vector<std::string> profiles;        // draft-ietf-acme-profiles: names only
  std::vector<std::string> caa_identities;  // issuer domains for CAA (RFC 8659), preflight
};

Result<Directory> parse_directory(const Json& json);

// Known CA names an admin may write instead of a URL.
// Returns the URL, or "" when text is not a known name.
std::string known_ca_url(const std::string& text);

}  // namespace acme
