// FakeAcmeCa: a scripted ACME CA (RFC 8555) test double, in process, no
// sockets. It is an HttpClient: the code under test sends its requests to
// it as it would to a CA over HTTPS.
//
// It checks what a strict CA checks on every signed POST (RFC 8555 §6.2-6.5):
// the JWS signature against the account key, alg, a nonce it issued and has
// not seen used (else badNonce with a fresh Replay-Nonce), the url matching
// the request, jwk for newAccount and kid for everything else, POST-as-GET
// with an empty payload. It "validates" http-01 by looking up the key
// authorization in the ChallengeTable the module publishes to, and issues
// leaves from a throwaway root -> intermediate PKI (crypto_test_util.h).
//
// Fault knobs are public members; counters tell a test what the CA saw.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "base/clock.h"
#include "crypto/crypto_test_util.h"
#include "crypto/key.h"
#include "fakes/fake_http_client.h"
#include "http/http_client.h"
#include "json/json.h"
#include "shm/challenge_table.h"

namespace acme {
namespace testing {

class FakeAcmeCa : public HttpClient {
 public:
  static constexpr const char kBase[] = "https://ca.test";
  static constexpr const char kDirectoryUrl[] = "https://ca.test/dir";

  // table: where the CA fetches http-01 answers; clock: validity of what it issues.
  FakeAcmeCa(const ChallengeTable& table, const Clock& clock);
  FakeAcmeCa(const FakeAcmeCa&) = delete;
  FakeAcmeCa& operator=(const FakeAcmeCa&) = delete;

  Result<HttpResponse> send(const HttpRequest& request) override;
  // A client forwarding to this CA, for CaSession (which owns its client).
  std::unique_ptr<HttpClient> client();

  // --- fault knobs ---
  int bad_nonce_every = 0;            // badNonce on every Nth signed request; 0 = never
  long fail_after = -1;               // answer this many requests, then kNetwork; -1 = never
  bool lose_failing_request = false;  // the first refused request still reaches the CA
  bool invalid_challenge = false;     // every http-01 validation fails
  // As pebble and Boulder: a challenge the client responded to stays
  // "processing" until the CA gets round to it (run_validations(), which
  // looks the answers up then), ...
  bool defer_validation = false;
  void run_validations();
  // ... and a finalized order is "processing" until its next fetch.
  bool issue_on_poll = false;
  bool server_error = false;       // every request gets 500 serverInternal
  bool omit_intermediate = false;  // the chain is the leaf alone
  std::string terms_of_service;    // meta.termsOfService when not empty
  Seconds validity{90 * 86400};
  std::function<void(const HttpRequest&)> on_request;  // sees every request first
  // RFC 8555 §7.3.4: meta.externalAccountRequired, and the HMAC keys (raw)
  // by key id that an externalAccountBinding must be MAC'ed with.
  bool external_account_required = false;
  std::map<std::string, std::string> eab_keys;
  // RFC 9773, profiles, Retry-After (fake_acme_ca_ari.cc). With renewal_window
  // set the directory offers renewalInfo, and GET renewalInfo/<certID> of a
  // certificate this CA issued answers that window (404 for other certIDs).
  std::function<std::pair<TimePoint, TimePoint>()> renewal_window;
  std::string renewal_retry_after;     // Retry-After of renewalInfo answers; "" = none
  std::vector<std::string> profiles;   // meta.profiles when not empty
  std::string refuse_replaces;         // problem type for a newOrder with "replaces"; "" = none
  bool refuse_profile = false;         // invalidProfile for a newOrder with "profile"
  int rate_limited_orders = 0;         // this many newOrders get 429 rateLimited ...
  std::string rate_limit_retry_after;  // ... with this Retry-After; "" = none
  int busy_orders = 0;                 // this many newOrders get a bare 503 with that Retry-After
  std::string refuse_finalize;         // short problem type (badPublicKey) for the next finalize
  std::string not_ready_problem = "orderNotReady";  // for a finalize of an order not ready
  // The CA lost every account (a database reset): kids get accountDoesNotExist.
  void forget_accounts() {
    accounts_.clear();
    kid_to_jwk_.clear();
  }

  // --- what the CA saw ---
  int accounts_created() const { return accounts_created_; }
  int key_changes() const { return key_changes_; }
  int account_updates() const { return account_updates_; }
  // What the CA holds for an account URL: contact ("" if unknown) and the
  // canonical JWK of its current key.
  std::string account_contact(const std::string& url) const;
  std::string account_jwk(const std::string& url) const;
  int orders_created() const { return static_cast<int>(orders_.size()); }
  // The public key (DER SubjectPublicKeyInfo) of every CSR a finalize carried;
  // the number of revokeCert requests.
  const std::vector<std::string>& finalized_keys() const { return finalized_keys_; }
  int revocations() const { return revocations_; }
  // Every newOrder payload, refused ones too; GETs of renewalInfo; the
  // RFC 9773 §4.1 certID of the leaf with that serial.
  const std::vector<Json>& order_requests() const { return order_requests_; }
  int renewal_info_requests() const { return renewal_info_requests_; }
  std::string cert_id(long serial) const;
  int open_orders() const;  // pending or ready
  long requests_seen() const { return requests_; }
  int bad_nonces_sent() const { return bad_nonces_sent_; }
  int certificates_issued() const { return serial_ - 100; }
  const std::string& last_problem() const { return last_problem_; }
  std::string root_pem() const { return pki_root_.cert.to_pem(); }
  std::string intermediate_pem() const { return pki_intermediate_.cert.to_pem(); }
  const std::string& trust_anchor_file() const { return root_file_->path(); }

 private:
  struct Account {
    std::string url, jwk, thumbprint;  // jwk: canonical text (RFC 7638)
    Json contact;
  };
  struct Authz {
    std::string host, status = "pending", token, account;
    std::string challenge_status = "pending";
    std::string error_detail;
  };
  struct Order {
    std::string status = "pending", account, cert_pem;
    std::vector<std::string> names;
    std::vector<std::size_t> authzs;
  };
  struct Signed {         // a POST that passed every JWS check
    std::string account;  // account URL ("" for a new account)
    std::string payload;
    Json jwk;  // newAccount only
  };

  HttpResponse handle(const HttpRequest& request);
  HttpResponse handle_post(const HttpRequest& request);
  HttpResponse check_jws(const HttpRequest& request, bool new_account, Signed* out);
  HttpResponse new_account(const Signed& s);
  HttpResponse check_eab(const Json& payload, const Json& jwk);          // fake_acme_ca_accounts.cc
  HttpResponse update_account(const Signed& s, std::size_t id);          // fake_acme_ca_accounts.cc
  HttpResponse key_change(const HttpRequest& request, const Signed& s);  // ditto
  HttpResponse new_order(const Signed& s);
  HttpResponse check_order_extensions(const Json& payload);  // fake_acme_ca_ari.cc
  HttpResponse renewal_info(const HttpRequest& request);     // fake_acme_ca_ari.cc
  void add_ari_directory(Json& dir, Json& meta) const;       // fake_acme_ca_ari.cc
  std::string issuer_key_id() const;                         // fake_acme_ca_ari.cc
  void add_authority_key_id(X509* leaf) const;               // fake_acme_ca_ari.cc
  HttpResponse get_order(const Signed& s, std::size_t id);
  HttpResponse finalize(const Signed& s, std::size_t id);
  HttpResponse get_authz(const Signed& s, std::size_t id);
  HttpResponse respond_challenge(const Signed& s, std::size_t id);
  HttpResponse get_certificate(const Signed& s, std::size_t id);

  HttpResponse problem(int status, const std::string& type, const std::string& detail);
  HttpResponse reply(int status, const Json& body, const std::string& location = "");
  std::string fresh_nonce();
  Json order_json(std::size_t id) const;
  Json authz_json(std::size_t id) const;
  Json challenge_json(std::size_t id) const;
  void update_order(Order& order);
  void validate(Authz& authz);  // looks the answer up in the table
  Result<std::string> issue_leaf(EVP_PKEY* public_key, const std::vector<std::string>& names);

  const ChallengeTable& table_;
  const Clock& clock_;
  Issued pki_root_;
  Issued pki_intermediate_;
  std::unique_ptr<TempFile> root_file_;

  std::set<std::string> nonces_;  // issued, not yet used
  long nonce_counter_ = 0;
  std::map<std::string, Account> accounts_;        // by canonical JWK
  std::map<std::string, std::string> kid_to_jwk_;  // account URL -> canonical JWK
  std::vector<Order> orders_;
  std::vector<Authz> authzs_;
  long requests_ = 0;
  int accounts_created_ = 0;
  int key_changes_ = 0;
  int account_updates_ = 0;
  long signed_requests_ = 0;
  int bad_nonces_sent_ = 0;
  long serial_ = 100;
  std::vector<Json> order_requests_;
  int renewal_info_requests_ = 0;
  std::vector<std::string> finalized_keys_;
  int revocations_ = 0;
  std::string last_problem_;
};

// The public key a JWK describes (EC P-256/P-384 or RSA), as a PrivateKey
// without its private half: enough for jws_verify.
Result<PrivateKey> public_key_from_jwk(const Json& jwk);

}  // namespace testing
}  // namespace acme
