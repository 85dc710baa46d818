#include "acme/revocation.h"

#include "acme/problem.h"
#include "crypto/base64url.h"
#include "json/json.h"

namespace acme {

Status revoke_certificate(AcmeClient& client, const std::string& cert_der, int reason) {
  auto dir = client.directory();
  if (!dir.ok()) return dir.status();
  if ((*dir)->revoke_cert.empty()) {
    return Status(Code::kProtocol, "the CA's directory has no revokeCert resource");
  }
  Json payload = Json::object().set("certificate", base64url_encode(cert_der));
  payload.set("reason", static_cast<long long>(reason));
  auto response = client.post((*dir)->revoke_cert, payload.dump());
  if (!response.ok() && response.status().tag() != problem::kAlreadyRevoked) {
    return response.status().with_context("revoking certificate");
  }
  return Status();
}

}  // namespace acme
