// JSON Web Key of a public key (RFC 7517) and its thumbprint (RFC 7638).
#pragma once

#include <string>

#include "base/status.h"
#include "crypto/key.h"

namespace acme {

// Canonical JWK text as RFC 7638 §3 defines it: only the required members,
// in lexicographic order, no whitespace. RSA: {"e","kty","n"};
// EC: {"crv","kty","x","y"} with coordinates padded to the field size.
Result<std::string> jwk_json(const PrivateKey& key);

// base64url(SHA-256(canonical JWK)), RFC 7638 §3.1.
Result<std::string> jwk_thumbprint(const PrivateKey& key);
std::string thumbprint_of_canonical_jwk(const std::string& canonical_jwk);

// JWS "alg" for the key: RS256, ES256 (P-256), ES384 (P-384).
const char* jws_alg(const PrivateKey& key);

}  // namespace acme
