#include "acme/client.h"

#include <strings.h>

#include <utility>

#include "acme/problem.h"
#include "base/fiber.h"
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
  // RFC 6585 §4: a bare 429 is a rate limit all the same; tagged so the
  // renewer holds back every job of this CA (renew/renewer.h).
  return Status(r.status >= 500 ? Code::kNetwork : Code::kProtocol,
                url + ": HTTP " + std::to_string(r.status) + " without a problem document",
                r.status == 429 ? problem::kRateLimited : "")
      .with_retry_after(retry_after);
}

// The URLs an answer hands on (§7.1.3 Location, §7.4.2 Link "up" and
// "alternate"): refused here, before any caller stores or follows them.
Status check_answer_urls(const std::string& url, const HttpResponse& r) {
  const std::string location = r.header("location");
  if (!location.empty()) {
    Status s = require_https(location, "the Location of " + url);
    if (!s.ok()) return s;
  }
  for (const char* rel : {"up", "alternate"}) {
    for (const auto& link : r.links(rel)) {
      Status s = require_https(link, std::string("the Link rel=\"") + rel + "\" of " + url);
      if (!s.ok()) return s;
    }
  }
  return Status();
}

}  // namespace

Status require_https(const std::string& url, const std::string& what) {
  constexpr std::size_t kScheme = sizeof("https://") - 1;
  if (url.size() > kScheme && strncasecmp(url.c_str(), "https://", kScheme) == 0 &&
      url[kScheme] != '/')
    return Status();
  return Status(Code::kProtocol,
                what + " is '" + url +
                    "', not an https:// URL; ACME runs over HTTPS only (RFC 8555 §6.1), so "
                    "mod_acme does not contact it: configure the CA's https:// directory URL, "
                    "or ask the CA to fix its directory",
                kInsecureUrl);
}

AcmeClient::AcmeClient(HttpClient& http, std::string directory_url)
    : http_(http), directory_url_(std::move(directory_url)) {}

Status AcmeClient::check_directory_urls(const Directory& dir) const {
  const std::pair<const char*, const std::string*> urls[] = {
      {"newNonce", &dir.new_nonce},   {"newAccount", &dir.new_account},
      {"newOrder", &dir.new_order},   {"revokeCert", &dir.revoke_cert},
      {"keyChange", &dir.key_change}, {"renewalInfo", &dir.renewal_info}};
  for (const auto& [name, url] : urls) {
    if (url->empty()) continue;  // the optional ones
    Status s = require_https(*url, std::string(name) + " in the ACME directory " + directory_url_);
    if (!s.ok()) return s;
  }
  return Status();
}

std::string request_error_type(const Status& error) {
  const std::string& tag = error.tag();
  const std::string prefix = problem::kPrefix;
  if (tag.compare(0, prefix.size(), prefix) == 0) return tag.substr(prefix.size());
  if (!tag.empty()) return tag == kInsecureUrl ? "insecureUrl" : "otherProblem";
  return error.code() == Code::kNetwork || error.code() == Code::kTimeout ? "network" : "protocol";
}

void AcmeClient::add_counts(const RequestCounts& saved) {
  counts_.requests += saved.requests;
  for (const auto& [type, n] : saved.errors) counts_.errors[type] += n;
}

Status AcmeClient::counted_error(Status error) {
  ++counts_.errors[request_error_type(error)];
  return error;
}

Result<const Directory*> AcmeClient::directory() {
  if (have_directory_) return &directory_;
  if (directory_in_flight_ && Fiber::current()) {
    std::shared_ptr<bool> answered = directory_in_flight_;
    Fiber::wait_for(answered.get());
    if (have_directory_) return &directory_;
    return directory_error_;
  }
  directory_in_flight_ = std::make_shared<bool>(false);
  Result<const Directory*> dir = fetch_directory();
  *directory_in_flight_ = true;  // wakes the waiters
  directory_in_flight_.reset();
  if (!dir.ok()) directory_error_ = dir.status();
  return dir;
}

Result<const Directory*> AcmeClient::fetch_directory() {
  Status secure = require_https(directory_url_, "the ACME directory URL");
  if (!secure.ok()) return secure;
  HttpRequest request;
  request.url = directory_url_;
  ++counts_.requests;
  auto response = http_.send(request);
  if (!response.ok())
    return counted_error(response.status().with_context("fetching ACME directory"));
  if (response->status != 200) {
    return counted_error(Status(Code::kNetwork,
                                "ACME directory " + directory_url_ + " answered HTTP " +
                                    std::to_string(response->status),
                                response->status == 429 ? problem::kRateLimited : "")
                             .with_retry_after(response->header("retry-after")));
  }
  auto json = Json::parse(response->body);
  if (!json.ok())
    return counted_error(json.status().with_context("ACME directory " + directory_url_));
  auto dir = parse_directory(*json);
  if (!dir.ok()) return counted_error(dir.status().with_context(directory_url_));
  Status secure_urls = check_directory_urls(*dir);
  if (!secure_urls.ok()) return counted_error(secure_urls);
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

// A fiber past the limit waits; plain thread code (acmectl) never waits.
AcmeClient::Turn::Turn(AcmeClient& client) : client_(client) {
  if (client_.in_flight_ < kMaxInFlight || !Fiber::current()) {
    ++client_.in_flight_;
    return;
  }
  auto given = std::make_shared<bool>(false);
  client_.waiting_.push_back(given);
  Fiber::wait_for(given.get());  // the place is handed over: in_flight_ stays
}

AcmeClient::Turn::~Turn() {
  if (client_.waiting_.empty()) {
    --client_.in_flight_;
    return;
  }
  *client_.waiting_.front() = true;
  client_.waiting_.pop_front();
}

Result<AcmeResponse> AcmeClient::post_once(const std::string& url, const std::string& payload,
                                           bool* bad_nonce) {
  if (!key_) return Status(Code::kInvalidArgument, "no signing key set for " + url);
  Status secure = require_https(url, "the ACME request URL");
  if (!secure.ok()) return secure;
  auto dir = directory();
  if (!dir.ok()) return dir.status();
  Turn turn(*this);  // from taking a nonce to its answer's nonce
  auto nonce = nonces_.take(http_, (*dir)->new_nonce);
  if (!nonce.ok()) return nonce.status();
  auto jws = jws_sign(*key_, JwsParams{url, *nonce, kid_}, payload);
  if (!jws.ok()) return jws.status();
  HttpRequest request = http_post(url, *jws, "application/jose+json");
  ++counts_.requests;
  auto http = http_.send(request);
  if (!http.ok()) return counted_error(http.status());
  nonces_.remember(*http);
  Status secure_answer = check_answer_urls(url, *http);
  if (!secure_answer.ok()) return counted_error(secure_answer);
  AcmeResponse response{std::move(*http), Json()};
  if (is_json(response.http)) {
    auto json = Json::parse(response.http.body);
    if (json.ok()) response.json = std::move(*json);
  }
  if (response.http.status >= 400) {
    Status error = error_status(url, response.http, response.json);
    *bad_nonce = error.tag() == problem::kBadNonce;
    return counted_error(error);
  }
  return response;
}

}  // namespace acme
