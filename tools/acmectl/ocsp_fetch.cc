#include "ocsp_fetch.h"

namespace acme::ctl {

Result<OcspResult> fetch_ocsp(HttpClient& http, const std::string& url, const Certificate& leaf,
                              const Certificate& issuer, TimePoint now) {
  Result<std::string> der = make_ocsp_request(leaf, issuer);
  ACME_RETURN_IF_ERROR(der);
  HttpRequest request;
  request.method = "POST";
  request.url = url;
  request.body = *der;
  request.content_type = "application/ocsp-request";
  Result<HttpResponse> response = http.send(request);
  ACME_RETURN_IF_ERROR(response);
  if (response->status != 200) {
    return Status(Code::kNetwork, "the responder answered HTTP " +
                                      std::to_string(response->status) + " instead of 200");
  }
  return verify_ocsp_response(response->body, leaf, issuer, now);
}

}  // namespace acme::ctl
