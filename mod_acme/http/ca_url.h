// A CA's identity from its directory URL: one spelling for the many an
// admin may write. Plain string work (RFC 3986 §6.2.2 syntax-based
// normalisation, restricted to what CAs' URLs need); below acme/ and store/
// because both the store's layout and the client's sessions key on it.
#pragma once

#include <string>

namespace acme {

// The identity of a CA: its directory URL with the scheme and host
// lower-cased, an explicit default port (:443) dropped and trailing '/' of
// the path removed, so "https://CA.test/dir/" and "https://ca.test/dir" are
// one CA (one account, one session, one store directory). Every comparison
// of CA URLs goes through this; requests still go to the URL as configured.
std::string canonical_ca_url(const std::string& directory_url);

}  // namespace acme
