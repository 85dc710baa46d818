// JWS in flattened JSON serialization (RFC 7515 §7.2.2) as RFC 8555 §6.2
// requires for every POST: protected header {alg, nonce, url, jwk|kid}.
#pragma once

#include <string>

#include "base/status.h"
#include "crypto/key.h"

namespace acme {

struct JwsParams {
  std::string url;    // RFC 8555 §6.4: the request URL
  std::string nonce;  // RFC 8555 §6.5; empty omits it (the inner JWS of a key change, §7.3.5)
  std::string kid;    // account URL; empty means embed "jwk" (newAccount, revoke by key)
};

// payload is the JSON text; an empty payload means POST-as-GET (§6.3),
// which signs the empty string.
Result<std::string> jws_sign(const PrivateKey& key, const JwsParams& params,
                             const std::string& payload);

// HS256 JWS for external account binding (RFC 8555 §7.3.4): protected
// header {alg: HS256, kid, url}, payload = the account JWK.
Result<std::string> jws_sign_hs256(const std::string& hmac_key, const std::string& kid,
                                   const std::string& url, const std::string& payload);

// The raw signature over signing_input ("<protected>.<payload>"):
// RSASSA-PKCS1-v1_5 for RS256, r||s for ES256/ES384 (RFC 7518 §3.4).
Result<std::string> jws_signature(const PrivateKey& key, const std::string& signing_input);

// Verifies a flattened JWS with the public part of key; returns the payload.
// Used by tests and by the ACME test double, not on any server path.
Result<std::string> jws_verify(const PrivateKey& key, const std::string& jws_json);

}  // namespace acme
