// base64url without padding (RFC 4648 §5), as JOSE and ACME use it, and
// standard base64 with padding (RFC 4648 §4), the encoding etcd's JSON gateway
// uses for every bytes field (keys, values, range ends). One codec for both,
// over OpenSSL's EVP_EncodeBlock / EVP_DecodeBlock.
#pragma once

#include <string>

#include "base/status.h"

namespace acme {

std::string base64url_encode(const std::string& bytes);
Result<std::string> base64url_decode(const std::string& text);
// True if text is non-empty and uses only the base64url alphabet (no padding).
bool is_base64url(const std::string& text);

std::string base64_encode(const std::string& bytes);
// Strict: the standard alphabet, '=' padding to a multiple of 4, nothing else.
Result<std::string> base64_decode(const std::string& text);

std::string sha256(const std::string& bytes);  // raw 32-byte digest

}  // namespace acme
