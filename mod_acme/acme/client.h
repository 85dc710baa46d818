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

#include <deque>
#include <map>
#include <memory>
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

// What a session sent to its CA and the errors it met there, for the metrics:
// every directory fetch and signed POST (each badNonce retry is one more;
// newNonce HEADs are not counted), and per request_error_type() of a failed one.
struct RequestCounts {
  long long requests = 0;
  std::map<std::string, long long> errors;
};

// The type a failed CA request is counted under: an RFC 8555 §6.7 problem's
// type without its URN prefix ("badNonce", "rateLimited"), "otherProblem" for
// another problem type, "insecureUrl", else "network" or "protocol" (a
// transport failure, or an answer without a problem document).
std::string request_error_type(const Status& error);

class AcmeClient {
 public:
  // Enough for pebble's PEBBLE_WFE_NONCEREJECT=50 (0.5^16 per request).
  static constexpr int kMaxBadNonceRetries = 16;
  // Signed requests in flight to the CA at once; a fiber past it waits its
  // turn. The nonces in circulation are the ones fetched with HEAD (each
  // answer carries the next), so this also bounds those HEADs: 256 orders
  // starting together sent 256 at once (0.26 per certificate at 1,000
  // names), a burst that a public CA's overall request limit answers with
  // 503. At 1,000 names 16, 32, 64 and no bound took about as long
  // (bench/RESULTS.md); 16 was the slowest once.
  static constexpr int kMaxInFlight = 32;

  AcmeClient(HttpClient& http, std::string directory_url);
  AcmeClient(const AcmeClient&) = delete;
  AcmeClient& operator=(const AcmeClient&) = delete;

  const std::string& directory_url() const { return directory_url_; }
  // RFC 8555 §7.1.1; fetched once per session. Fibers that ask while the
  // fetch is in flight wait for its answer instead of fetching it too (a
  // new watchdog's first tick starts up to ACMEMaxParallel steps and
  // renewal-information checks at once: 234 GETs of the directory in one
  // 1,000-name run).
  Result<const Directory*> directory();

  // The key that signs, and the account URL used as "kid" (§6.2); with an
  // empty kid the JWK is embedded (newAccount).
  void set_signer(const PrivateKey* key, std::string kid);
  const std::string& kid() const { return kid_; }

  // Signed POST with a JSON payload; "" is POST-as-GET (§6.3).
  Result<AcmeResponse> post(const std::string& url, const std::string& payload);
  Result<AcmeResponse> post_as_get(const std::string& url) { return post(url, ""); }

  int bad_nonce_retries() const { return bad_nonce_retries_; }
  // The unused nonces (renew/nonce_handover.h hands them to the next watchdog).
  NoncePool& nonces() { return nonces_; }
  const RequestCounts& counts() const { return counts_; }
  // Adds saved totals (a new session carries on the counts of the last one).
  void add_counts(const RequestCounts& saved);

 private:
  Result<const Directory*> fetch_directory();
  Status check_directory_urls(const Directory& dir) const;
  Result<AcmeResponse> post_once(const std::string& url, const std::string& payload,
                                 bool* bad_nonce);
  Status counted_error(Status error);
  // A place among the kMaxInFlight, held for one signed request.
  class Turn {
   public:
    explicit Turn(AcmeClient& client);
    ~Turn();
    Turn(const Turn&) = delete;
    Turn& operator=(const Turn&) = delete;

   private:
    AcmeClient& client_;
  };

  HttpClient& http_;
  std::string directory_url_;
  Directory directory_;
  bool have_directory_ = false;
  std::shared_ptr<bool> directory_in_flight_;  // set while a fiber fetches it; true once answered
  Status directory_error_;                     // how the last fetch failed
  NoncePool nonces_;
  const PrivateKey* key_ = nullptr;
  std::string kid_;
  int bad_nonce_retries_ = 0;
  int in_flight_ = 0;                          // places taken, at most kMaxInFlight in fibers
  std::deque<std::shared_ptr<bool>> waiting_;  // fibers waiting for a place, first come first
  RequestCounts counts_;
};

}  // namespace acme
