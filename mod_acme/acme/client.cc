#include "acme/client.h"

#include "acme/problem.h"
#include "crypto/jws.h"

namespace acme {

namespace {

bool is_json(const HttpResponse& r) {
  std::string type = r.header("content-type");
  return type.rfind("application/json", 0) == 0 || is_problem_content_type(type);
}

// A non-2xx answer: the problem document if there is one, else the status;
// with the Retry-After a 429 or 503 may carry (RFC 8555 §6.6).
Status error_status(const std::string& url, const HttpResponse& r, const Json& json) {
  const std::string retry_after = r.header("retry-after");
  if (json.is_object() && json.has("type")) {
    auto p = parse_problem(json, r.status);
    if (p.ok()) return p->to_status(url).with_retry_after(retry_after);
  }
  return Status(r.status >= 500 ? Code::kNetwork : Code::kProtocol,
                url + ": HTTP " + std::to_string(r.status) + " without a problem document")
      .with_retry_after(retry_after);
}

}  // namespace

AcmeClient::AcmeClient(HttpClient& http, std::string directory_url)
    : http_(http), directory_url_(std::move(directory_url)) {}

Result<const Directory*> AcmeClient::directory() {
  if (have_directory_) return &directory_;
  HttpRequest request;
  request.url = directory_url_;
  auto response = http_.send(request);
  if (!response.ok()) return response.status().with_context("fetching ACME directory");
  if (response->status != 200) {
    return Status(Code::kNetwork, "ACME directory " + directory_url_ + " answered HTTP " +
                                      std::to_string(response->status))
        .with_retry_after(response->header("retry-after"));
  }
  auto json = Json::parse(response->body);
  if (!json.ok()) return json.status().with_context("ACME directory " + directory_url_);
  auto dir = parse_directory(*json);
  if (!dir.ok()) return dir.status().with_context(directory_url_);
  directory_ = std::move(*dir);
  have_directory_ = true;
  return &directory_;
}

void AcmeClient::set_signer(const PrivateKey* key, std::string kid) {
  key_ = key;
  kid_ = std::move(kid);
}

Result<AcmeResponse> AcmeClient::post(const std::string& url, const std::string& payload) {
  // RFC 8555 §6.5: on badNonce the client SHOULD retry with the fresh nonce
  // the error response carried. Bounded, and nowhere else.
  for (int attempt = 0;; ++attempt) {
    bool bad_nonce = false;
    auto response = post_once(url, payload, &bad_nonce);
    if (!bad_nonce || attempt >= kMaxBadNonceRetries) return response;
    ++bad_nonce_retries_;
  }
}

Result<AcmeResponse> AcmeClient::post_once(const std::string& url, const std::string& payload,
                                           bool* bad_nonce) {
  if (!key_) return Status(Code::kInvalidArgument, "no signing key set for " + url);
  auto dir = directory();
  if (!dir.ok()) return dir.status();
  auto nonce = nonces_.take(http_, (*dir)->new_nonce);
  if (!nonce.ok()) return nonce.status();
  auto jws = jws_sign(*key_, JwsParams{url, *nonce, kid_}, payload);
  if (!jws.ok()) return jws.status();
  HttpRequest request;
  request.method = "POST";
  request.url = url;
  request.body = *jws;
  request.content_type = "application/jose+json";
  auto http = http_.send(request);
  if (!http.ok()) return http.status();
  nonces_.remember(*http);
  AcmeResponse response{std::move(*http), Json()};
  if (is_json(response.http)) {
    auto json = Json::parse(response.http.body);
    if (json.ok()) response.json = std::move(*json);
  }
  if (response.http.status >= 400) {
    Status error = error_status(url, response.http, response.json);
    *bad_nonce = error.tag() == problem::kBadNonce;
    return error;
  }
  return response;
}

}  // namespace acme
