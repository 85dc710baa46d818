#include "acme/certificate.h"

#include "crypto/certificate.h"

namespace acme {

Result<IssuedChain> download_certificate(AcmeClient& client, const std::string& url) {
  auto response = client.post_as_get(url);
  if (!response.ok()) return response.status().with_context("downloading certificate");
  if (response->http.body.find("-----BEGIN CERTIFICATE-----") == std::string::npos) {
    return Status(Code::kProtocol, "certificate " + url + " is not a PEM chain (Content-Type " +
                                       response->http.header("content-type") + ")");
  }
  return IssuedChain{response->http.body, response->http.links("alternate"),
                     response->http.links("up")};
}

Result<std::string> download_issuer(AcmeClient& client, const std::string& url) {
  auto response = client.post_as_get(url);
  if (!response.ok()) return response.status().with_context("downloading issuer certificate");
  return pem_from_pem_or_der(response->http.body);
}

}  // namespace acme
