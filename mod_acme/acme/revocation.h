// Certificate revocation (RFC 8555 §7.6), signed with the account key.
#pragma once

#include <string>

#include "acme/client.h"

namespace acme {

// cert_der: the certificate to revoke; reason: RFC 5280 CRLReason code.
// A CA answering alreadyRevoked counts as success.
Status revoke_certificate(AcmeClient& client, const std::string& cert_der, int reason);

}  // namespace acme
