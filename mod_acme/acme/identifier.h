// ACME identifiers (RFC 8555 §7.1.3 "dns", RFC 8738 "ip") and the name
// syntax checks directives use.
#pragma once

#include <string>

#include "crypto/certificate.h"  // is_ip_literal
#include "json/json.h"

namespace acme {

struct Identifier {
  std::string type;  // "dns" or "ip"
  std::string value;
};

Identifier identifier_for(const std::string& name);
Json identifier_json(const Identifier& id);

// A DNS name a CA could issue for: labels of letters, digits and hyphens,
// 1-63 octets each, 253 in all, at least two labels; "*." prefix allowed
// only when allow_wildcard. Returns "" if fine, else why not.
std::string dns_name_problem(const std::string& name, bool allow_wildcard);

std::string lower_case(const std::string& text);

}  // namespace acme
