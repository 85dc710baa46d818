// External account binding (RFC 8555 §7.3.4). A CA that registers only its
// own customers (ZeroSSL, Google, company CAs) hands out a key id and an HMAC
// key; newAccount proves possession with an HS256 JWS over the new account's
// public JWK. This file parses what the admin pasted (ACMEExternalAccountBinding)
// and builds that JWS. Errors say what is wrong with the value; the caller
// names the directive.
#pragma once

#include <string>

#include "base/status.h"
#include "crypto/key.h"

namespace acme {

struct ExternalAccountBinding {
  std::string kid;
  std::string hmac_key;  // raw bytes, decoded
  bool empty() const { return kid.empty(); }
};

// A key id: 1-512 visible ASCII characters (no spaces or control characters).
Status check_eab_kid(const std::string& kid);

// The HMAC key as CAs print it: base64url without padding (RFC 4648 §5,
// what RFC 8555 CAs hand out) or standard base64 with padding (§4, which
// some CAs print). Returns the raw key; at least 16 bytes.
Result<std::string> decode_eab_hmac_key(const std::string& text);

Result<ExternalAccountBinding> parse_eab(const std::string& kid, const std::string& key_text);
// {"kid": "...", "hmac_key": "..."}.
Result<ExternalAccountBinding> parse_eab_json(const std::string& json_text);
// The same JSON from a file (the path is named in every error).
Result<ExternalAccountBinding> read_eab_file(const std::string& path);

// The "externalAccountBinding" member of newAccount: flattened JWS with
// protected {alg: HS256, kid, url: newAccount URL}, payload = the account's
// public JWK, MAC'ed with the HMAC key.
Result<std::string> eab_jws(const ExternalAccountBinding& eab, const PrivateKey& account_key,
                            const std::string& new_account_url);

}  // namespace acme
