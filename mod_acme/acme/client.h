// AcmeClient: one CA session. Fetches the directory, keeps the nonce pool,
// signs every request (RFC 8555 §6.2) and is the one place that retries
// badNonce (§6.5). Turns problem documents into tagged kProblem Statuses.
// Resource files (account.cc, order.cc, ...) build on post() / post_as_get().
//
// RFC 8555 §6.1: ACME is HTTPS only. This is the one place that enforces it:
// the directory URL and every URL the directory lists (renewalInfo included)
// when the directory is taken in, every URL before a request is signed, and
// the Location and Link (up, alternate) URLs of every answer. An http:// URL
// is refused with a kProtocol Status tagged kInsecureUrl that names it.
// Plain http stays for OCSP and AIA caIssuers, which never pass through here.
#pragma once

#include <string>

#include "acme/directory.h"
#include "acme/nonce_pool.h"
#include "base/status.h"
#include "crypto/key.h"
#include "http/http_client.h"
#include "json/json.h"

namespace acme {

// The tag of the Status that refuses a non-https ACME URL.
constexpr const char kInsecureUrl[] = "mod_acme:insecureUrl";

// Ok for an https:// URL with a host; else the refusal, naming `what` and the URL.
Status require_https(const std::string& url, const std::string& what);

struct AcmeResponse {
  HttpResponse http;
  Json json;  // parsed body when it is JSON, else invalid
  std::string location() const { return http.header("location"); }
};

class AcmeClient {
 public:
  // Enough for pebble's PEBBLE_WFE_NONCEREJECT=50 (0.5^16 per request).
  static constexpr int kMaxBadNonceRetries = 16;

  AcmeClient(HttpClient& http, std::string directory_url);
  AcmeClient(const AcmeClient&) = delete;
  AcmeClient& operator=(const AcmeClient&) = delete;

  const std::string& directory_url() const { return directory_url_; }
  // RFC 8555 §7.1.1; fetched once per session.
  Result<const Directory*> directory();

  // The key that signs, and the account URL used as "kid" (§6.2); with an
  // empty kid the JWK is embedded (newAccount).
  void set_signer(const PrivateKey* key, std::string kid);
  const std::string& kid() const { return kid_; }

  // Signed POST with a JSON payload; "" is POST-as-GET (§6.3).
  Result<AcmeResponse> post(const std::string& url, const std::string& payload);
  Result<AcmeResponse> post_as_get(const std::string& url) { return post(url, ""); }

  int bad_nonce_retries() const { return bad_nonce_retries_; }

 private:
  Status check_directory_urls(const Directory& dir) const;
  Result<AcmeResponse> post_once(const std::string& url, const std::string& payload,
                                 bool* bad_nonce);

  HttpClient& http_;
  std::string directory_url_;
  Directory directory_;
  bool have_directory_ = false;
  NoncePool nonces_;
  const PrivateKey* key_ = nullptr;
  std::string kid_;
  int bad_nonce_retries_ = 0;
};

}  // namespace acme
