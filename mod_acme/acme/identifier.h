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

// The one spelling of a name: an IP address in the text form RFC 8738 §3
// asks for (RFC 1123 dotted quad; RFC 5952 for IPv6, e.g. "2001:db8::1"),
// anything else lower case. Certificates print their iPAddress SANs so.
std::string canonical_name(const std::string& name);

}  // namespace acme
