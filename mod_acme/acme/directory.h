// The ACME directory (RFC 8555 §7.1.1): the CA's resource URLs and meta.
#pragma once

#include <string>
#include <vector>

#include "base/status.h"
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

// The identity of a CA: its directory URL with the scheme and host
// lower-cased, an explicit default port (:443) dropped and trailing '/' of
// the path removed, so "https://CA.test/dir/" and "https://ca.test/dir" are
// one CA (one account, one session, one store directory). Every comparison
// of CA URLs goes through this; requests still go to the URL as configured.
std::string canonical_ca_url(const std::string& directory_url);

// Known CA names an admin may write instead of a URL.
// Returns the URL, or "" when text is not a known name.
std::string known_ca_url(const std::string& text);

}  // namespace acme
