// Fuzzes the parsers of every ACME resource a CA sends (RFC 8555 §7.1):
// directory, account, order, authorization, challenge, problem, and ARI's
// renewalInfo (RFC 9773 §4.2). The first byte picks the resource (see
// kinds below; corpus files start with that letter), the rest is the body;
// for an account, a digit 0-5 first picks the HTTP status of the answer.
// Accounts are parsed inside new_account(), so that kind drives a real
// AcmeClient against a scripted CA whose newAccount answer is the input.
#include <cstddef>
#include <cstdint>
#include <string>

#include "acme/account.h"
#include "acme/ari.h"
#include "acme/authorization.h"
#include "acme/challenge.h"
#include "acme/directory.h"
#include "acme/order.h"
#include "acme/problem.h"
#include "crypto/key.h"
#include "fuzz_util.h"
#include "json/json.h"

namespace acme {
namespace {

constexpr char kDirectoryUrl[] = "https://ca.test/dir";

// Directory and nonce are fixed; the newAccount answer is the input.
class ScriptedCa : public HttpClient {
 public:
  ScriptedCa(int status, std::string body) : status_(status), body_(std::move(body)) {}
  Result<HttpResponse> send(const HttpRequest& request) override {
    HttpResponse r;
    r.status = 200;
    r.headers.emplace("replay-nonce", "bm9uY2U");
    if (request.url == kDirectoryUrl) {
      r.body = R"({"newNonce":"https://ca.test/nonce","newAccount":"https://ca.test/acct",)"
               R"("newOrder":"https://ca.test/order","revokeCert":"https://ca.test/revoke",)"
               R"("keyChange":"https://ca.test/key"})";
    } else if (request.method == "POST") {
      r.status = status_;
      r.body = body_;
      r.headers.emplace("content-type",
                        status_ >= 400 ? "application/problem+json" : "application/json");
      r.headers.emplace("location", "https://ca.test/acct/1");
      r.headers.emplace("retry-after", "120");
    }
    return r;
  }

 private:
  int status_;
  std::string body_;
};

const PrivateKey& account_key() {
  static const PrivateKey* key = new PrivateKey(PrivateKey::generate(KeyType::kP256).value());
  return *key;
}

void fuzz_account(const std::string& input) {
  static const int kStatuses[] = {201, 200, 400, 403, 429, 503};
  int status = input.empty() ? 201 : kStatuses[static_cast<uint8_t>(input[0]) % 6];
  ScriptedCa ca(status, input.empty() ? "" : input.substr(1));
  AcmeClient client(ca, kDirectoryUrl);
  client.set_signer(&account_key(), "");
  auto account = new_account(client, {{"admin@a.test"}, true, false, ""});
  if (!account.ok()) (void)account.status().to_string();
}

void fuzz_json(char kind, const std::string& body) {
  auto json = Json::parse(body);
  if (!json.ok()) return;
  switch (kind) {
    case 'd':
      (void)parse_directory(*json);
      break;
    case 'o':
      (void)parse_order("https://ca.test/order/1", *json);
      break;
    case 'z': {
      auto authz = parse_authorization("https://ca.test/authz/1", *json);
      if (authz.ok()) (void)authz->error_text();
      break;
    }
    case 'c':
      (void)parse_challenge(*json);
      break;
    case 'p': {
      auto problem = parse_problem(*json, 400);
      if (problem.ok()) (void)problem->to_status("https://ca.test/x").to_string();
      break;
    }
    case 'r':
      (void)parse_renewal_info(*json);
      break;
  }
}

}  // namespace
}  // namespace acme

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  static const char kKinds[] = "dozcpra";  // 'a': account via newAccount
  char kind = data[0];
  if (std::string(kKinds).find(kind) == std::string::npos) kind = kKinds[data[0] % 7];
  std::string body = acme::fuzz::text(data + 1, size - 1);
  if (kind == 'a')
    acme::fuzz_account(body);
  else
    acme::fuzz_json(kind, body);
  return 0;
}
