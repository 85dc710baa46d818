// base64url without padding (RFC 4648 §5), as JOSE and ACME use it.
// Implemented over OpenSSL's EVP_EncodeBlock / EVP_DecodeBlock.
#pragma once

#include <string>

#include "base/status.h"

namespace acme {

std::string base64url_encode(const std::string& bytes);
Result<std::string> base64url_decode(const std::string& text);
// True if text is non-empty and uses only the base64url alphabet (no padding).
bool is_base64url(const std::string& text);

std::string sha256(const std::string& bytes);  // raw 32-byte digest

}  // namespace acme
