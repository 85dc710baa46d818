// Certificate signing requests for RFC 8555 §7.4 finalize.
#pragma once

#include <string>
#include <vector>

#include "base/status.h"
#include "crypto/key.h"

namespace acme {

// DER-encoded PKCS#10 request signed with key (SHA-256), every name in the
// subjectAltName extension (dNSName, or iPAddress for IP literals, RFC 8738),
// the first name as CN when it fits (64 characters).
Result<std::string> make_csr_der(const PrivateKey& key, const std::vector<std::string>& names);

// Names (dNSName and iPAddress) in a DER CSR; for tests and the test double.
Result<std::vector<std::string>> csr_names(const std::string& der);

}  // namespace acme
