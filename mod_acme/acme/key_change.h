// Account key rollover (RFC 8555 §7.3.5): the account keeps its URL, its
// orders and authorizations; only the key that signs for it changes.
#pragma once

#include <string>

#include "acme/client.h"
#include "base/status.h"
#include "crypto/key.h"

namespace acme {

// The inner JWS: signed by new_key, header {alg, jwk: new key, url} and no
// nonce; payload {"account": account URL, "oldKey": old key's JWK}.
Result<std::string> key_change_inner_jws(const PrivateKey& new_key, const PrivateKey& old_key,
                                         const std::string& key_change_url,
                                         const std::string& account_url);

// POSTs the inner JWS to the directory's keyChange URL as the payload of an
// outer JWS signed with the current key (client's signer = old_key, kid =
// account URL). On success the CA knows the account only by new_key; the
// caller switches the client's signer and persists new_key.
Status change_account_key(AcmeClient& client, const PrivateKey& old_key, const PrivateKey& new_key);

}  // namespace acme
