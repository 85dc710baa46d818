// Standard base64 with padding (RFC 4648 §4), the encoding etcd's JSON gateway
// uses for every bytes field (keys, values, range ends). Built on the
// project's base64url helpers (OpenSSL underneath), so there is one codec.
#pragma once

#include <string>

#include "base/status.h"

namespace acme {

std::string base64_encode(const std::string& bytes);
// Strict: the standard alphabet, '=' padding to a multiple of 4, nothing else.
Result<std::string> base64_decode(const std::string& text);

}  // namespace acme
