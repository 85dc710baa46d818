// FakeAcmeCa: routing, the JWS checks of RFC 8555 §6, and the account,
// order, authorization, challenge and certificate resources.
#include "fakes/fake_acme_ca.h"

#include <openssl/rand.h>

#include <algorithm>
#include <cctype>

#include "base/time_format.h"
#include "crypto/base64url.h"
#include "crypto/csr.h"
#include "crypto/jwk.h"
#include "crypto/jws.h"

namespace acme {
namespace testing {

namespace {

const std::string kErr = "urn:ietf:params:acme:error:";

std::string url(const std::string& path) {
  return std::string(FakeAcmeCa::kBase) + path;
}

// "https://ca.test/order/3/finalize" -> ("order", 3, "finalize").
bool parse_path(const std::string& u, std::string* kind, std::size_t* id, std::string* rest) {
  const std::string base = url("/");
  if (u.compare(0, base.size(), base) != 0) return false;
  std::string path = u.substr(base.size());
  std::size_t slash = path.find('/');
  if (slash == std::string::npos) return false;
  *kind = path.substr(0, slash);
  std::string tail = path.substr(slash + 1);
  std::size_t digits = 0;
  while (digits < tail.size() && std::isdigit(static_cast<unsigned char>(tail[digits]))) ++digits;
  if (digits == 0) return false;
  *id = std::stoul(tail.substr(0, digits));
  *rest = digits < tail.size() && tail[digits] == '/' ? tail.substr(digits + 1) : "";
  return digits == tail.size() || tail[digits] == '/';
}

std::string random_token() {
  unsigned char bytes[32];
  RAND_bytes(bytes, sizeof bytes);
  return base64url_encode(std::string(reinterpret_cast<char*>(bytes), sizeof bytes));
}

// RFC 7638 §3.2: the required members only, sorted, no whitespace.
std::string canonical_jwk(const Json& jwk) {
  Json c = Json::object();
  for (const char* m : {"crv", "e", "kty", "n", "x", "y"})
    if (jwk.has(m)) c.set(m, jwk.get(m));
  return c.dump();
}

// RFC 8738: an "ip" identifier carries an address, a "dns" one a name.
const char* identifier_type(const std::string& value) {
  return is_ip_literal(value) ? "ip" : "dns";
}

std::vector<std::string> sorted_lower(std::vector<std::string> names) {
  for (auto& n : names)
    std::transform(n.begin(), n.end(), n.begin(), [](unsigned char c) { return std::tolower(c); });
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

int FakeAcmeCa::open_orders() const {
  return static_cast<int>(std::count_if(orders_.begin(), orders_.end(), [](const Order& o) {
    return o.status == "pending" || o.status == "ready";
  }));
}

Result<HttpResponse> FakeAcmeCa::send(const HttpRequest& request) {
  ++requests_;
  if (on_request) on_request(request);
  if (fail_after >= 0 && requests_ > fail_after) {
    if (lose_failing_request && requests_ == fail_after + 1) handle(request);
    return Status(Code::kNetwork, "fake CA: connection to " + request.url + " reset");
  }
  if (server_error) return problem(500, kErr + "serverInternal", "scripted server error");
  return handle(request);
}

std::string FakeAcmeCa::fresh_nonce() {
  std::string nonce = base64url_encode("fake-nonce-" + std::to_string(++nonce_counter_));
  nonces_.insert(nonce);
  return nonce;
}

HttpResponse FakeAcmeCa::problem(int status, const std::string& type, const std::string& detail) {
  last_problem_ = type + ": " + detail;
  Json body = Json::object().set("type", type).set("detail", detail);
  body.set("status", static_cast<long long>(status));
  return make_response(status, body.dump(),
                       {{"content-type", "application/problem+json"},
                        {"replay-nonce", fresh_nonce()},
                        {"link", "<" + url("/dir") + ">;rel=\"index\""}});
}

HttpResponse FakeAcmeCa::reply(int status, const Json& body, const std::string& location) {
  HttpResponse r = json_response(status, body.dump(), {{"replay-nonce", fresh_nonce()}});
  if (!location.empty()) r.headers.emplace("location", location);
  return r;
}

HttpResponse FakeAcmeCa::handle(const HttpRequest& request) {
  if (request.url == kDirectoryUrl && request.method == "GET") {
    Json dir = Json::object();
    dir.set("newNonce", url("/nonce")).set("newAccount", url("/new-account"));
    dir.set("newOrder", url("/new-order")).set("revokeCert", url("/revoke"));
    dir.set("keyChange", url("/key-change"));
    Json meta = Json::object();
    if (!terms_of_service.empty()) meta.set("termsOfService", terms_of_service);
    if (external_account_required) meta.set_bool("externalAccountRequired", true);
    add_ari_directory(dir, meta);
    dir.set("meta", meta);
    return json_response(200, dir.dump());
  }
  if (request.url == url("/nonce") && (request.method == "HEAD" || request.method == "GET")) {
    return make_response(request.method == "HEAD" ? 200 : 204, "",
                         {{"replay-nonce", fresh_nonce()}, {"cache-control", "no-store"}});
  }
  if (request.method == "POST") return handle_post(request);
  if (request.url.rfind(url("/renewal-info/"), 0) == 0) return renewal_info(request);
  return problem(405, kErr + "malformed", request.method + " " + request.url + " not allowed");
}

HttpResponse FakeAcmeCa::handle_post(const HttpRequest& request) {
  const bool is_new_account = request.url == url("/new-account");
  Signed s;
  HttpResponse refused = check_jws(request, is_new_account, &s);
  if (refused.status != 0) return refused;
  if (is_new_account) return new_account(s);
  if (request.url == url("/new-order")) return new_order(s);
  if (request.url == url("/key-change")) return key_change(request, s);
  if (request.url == url("/revoke")) {  // RFC 8555 §7.6, not checked further
    ++revocations_;
    return reply(200, Json::object());
  }
  std::string kind, rest;
  std::size_t id = 0;
  if (parse_path(request.url, &kind, &id, &rest)) {
    if (kind == "order" && id < orders_.size() && rest.empty()) return get_order(s, id);
    if (kind == "order" && id < orders_.size() && rest == "finalize") return finalize(s, id);
    if (kind == "authz" && id < authzs_.size() && rest.empty()) return get_authz(s, id);
    if (kind == "chall" && id < authzs_.size() && rest.empty()) return respond_challenge(s, id);
    if (kind == "cert" && id < orders_.size() && rest.empty()) return get_certificate(s, id);
    if (kind == "acct" && rest.empty()) return update_account(s, id);
  }
  return problem(404, kErr + "malformed", "no resource at " + request.url);
}

// RFC 8555 §6.2-§6.5. Returns a response with status 0 when every check passes.
HttpResponse FakeAcmeCa::check_jws(const HttpRequest& request, bool new_account, Signed* out) {
  if (request.content_type != "application/jose+json")
    return problem(415, kErr + "malformed", "Content-Type must be application/jose+json");
  auto jws = Json::parse(request.body);
  if (!jws.ok() || !jws->get_string("protected").ok() || !jws->get_string("payload").ok() ||
      !jws->get_string("signature").ok())
    return problem(400, kErr + "malformed", "body is not a flattened JWS");
  auto header_text = base64url_decode(*jws->get_string("protected"));
  auto header = header_text.ok() ? Json::parse(*header_text) : Result<Json>(header_text.status());
  if (!header.ok() || !header->is_object())
    return problem(400, kErr + "malformed", "protected header is not a JSON object");
  if (!header->get_string("alg").ok())
    return problem(400, kErr + "badSignatureAlgorithm", "protected header has no alg");
  std::string nonce = header->get_string_or("nonce", "");
  if (nonces_.erase(nonce) == 0)
    return problem(400, kErr + "badNonce", "nonce '" + nonce + "' was not issued or is used");
  if (header->get_string_or("url", "") != request.url)
    return problem(
        401, kErr + "unauthorized",
        "JWS url '" + header->get_string_or("url", "") + "' is not the request URL " + request.url);
  const bool has_jwk = header->get("jwk").is_object(), has_kid = header->has("kid");
  if (new_account ? (!has_jwk || has_kid) : (has_jwk || !has_kid))
    return problem(
        400, kErr + "malformed",
        new_account ? "newAccount needs jwk and no kid" : "requests need kid and no jwk");
  if (bad_nonce_every > 0 && ++signed_requests_ % bad_nonce_every == 0) {
    ++bad_nonces_sent_;
    return problem(400, kErr + "badNonce", "scripted badNonce");
  }
  Result<PrivateKey> key = Status(Code::kNotFound, "no key");
  if (new_account) {
    key = public_key_from_jwk(header->get("jwk"));
    out->jwk = header->get("jwk");
  } else {
    out->account = header->get_string_or("kid", "");
    auto jwk = kid_to_jwk_.find(out->account);
    if (jwk == kid_to_jwk_.end())
      return problem(400, kErr + "accountDoesNotExist", "no account " + out->account);
    key = public_key_from_jwk(*Json::parse(jwk->second));
  }
  auto payload = key.ok() ? jws_verify(*key, request.body) : Result<std::string>(key.status());
  if (!payload.ok())
    // Boulder's and pebble's words for a signature that does not verify.
    return problem(400, kErr + "malformed",
                   "JWS verification error: " + payload.status().message());
  out->payload = *payload;
  return HttpResponse();
}

// RFC 8555 §7.3, §7.3.1: the same key twice is the same account (200).
HttpResponse FakeAcmeCa::new_account(const Signed& s) {
  auto payload = Json::parse(s.payload);
  if (!payload.ok() || !payload->is_object())
    return problem(400, kErr + "malformed", "newAccount payload is not an object");
  const std::string jwk = canonical_jwk(s.jwk);
  auto found = accounts_.find(jwk);
  const bool created = found == accounts_.end();
  if (created) {
    if (payload->get_bool_or("onlyReturnExisting", false))
      return problem(400, kErr + "accountDoesNotExist", "no account for this key");
    if (!terms_of_service.empty() && !payload->get_bool_or("termsOfServiceAgreed", false))
      return problem(403, kErr + "userActionRequired", "agree to " + terms_of_service);
    HttpResponse refused = check_eab(*payload, s.jwk);
    if (refused.status != 0) return refused;
    Account account;
    account.url = url("/acct/" + std::to_string(accounts_created_++));
    account.jwk = jwk;
    account.thumbprint = thumbprint_of_canonical_jwk(jwk);
    account.contact = payload->get("contact").is_array() ? payload->get("contact") : Json::array();
    kid_to_jwk_[account.url] = jwk;
    found = accounts_.emplace(jwk, std::move(account)).first;
  }
  const Account& account = found->second;
  Json body = Json::object().set("status", "valid").set("contact", account.contact);
  return reply(created ? 201 : 200, body.set("orders", account.url + "/orders"), account.url);
}

HttpResponse FakeAcmeCa::new_order(const Signed& s) {
  auto payload = Json::parse(s.payload);
  auto ids = payload.ok() ? payload->get_array("identifiers") : Result<Json>(payload.status());
  if (!ids.ok() || ids->size() == 0)
    return problem(400, kErr + "malformed", "newOrder needs identifiers");
  HttpResponse refused = check_order_extensions(*payload);
  if (refused.status != 0) return refused;
  Order order;
  order.account = s.account;
  for (std::size_t i = 0; i < ids->size(); ++i) {
    Json id = ids->at(i);
    const std::string value = id.get_string_or("value", "");
    if (value.empty() || id.get_string_or("type", "") != identifier_type(value))
      return problem(400, kErr + "unsupportedIdentifier", "dns names, ip addresses: " + id.dump());
    Authz authz;
    authz.host = id.get_string_or("value", "");
    authz.token = random_token();
    authz.account = s.account;
    order.names.push_back(authz.host);
    order.authzs.push_back(authzs_.size());
    authzs_.push_back(std::move(authz));
  }
  orders_.push_back(std::move(order));
  const std::size_t id = orders_.size() - 1;
  return reply(201, order_json(id), url("/order/" + std::to_string(id)));
}

HttpResponse FakeAcmeCa::get_order(const Signed& s, std::size_t id) {
  if (!s.payload.empty()) return problem(400, kErr + "malformed", "POST-as-GET has a payload");
  if (orders_[id].account != s.account)
    return problem(403, kErr + "unauthorized", "order of another account");
  Order& order = orders_[id];
  if (order.status == "processing") order.status = "valid";  // issue_on_poll: issued meanwhile
  return reply(200, order_json(id));
}

// RFC 8555 §7.4: the CSR names exactly the order's identifiers.
HttpResponse FakeAcmeCa::finalize(const Signed& s, std::size_t id) {
  Order& order = orders_[id];
  if (order.account != s.account)
    return problem(403, kErr + "unauthorized", "order of another account");
  if (order.status != "ready")
    return problem(403, kErr + not_ready_problem, "order is " + order.status);
  auto payload = Json::parse(s.payload);
  auto csr64 = payload.ok() ? payload->get_string("csr") : Result<std::string>(payload.status());
  auto der = csr64.ok() ? base64url_decode(*csr64) : Result<std::string>(csr64.status());
  auto names = der.ok() ? csr_names(*der) : Result<std::vector<std::string>>(der.status());
  if (!names.ok()) return problem(400, kErr + "badCSR", names.status().message());
  if (sorted_lower(*names) != sorted_lower(order.names))
    return problem(400, kErr + "badCSR", "CSR names differ from the order's identifiers");
  const auto* p = reinterpret_cast<const unsigned char*>(der->data());
  std::unique_ptr<X509_REQ, decltype(&X509_REQ_free)> req(
      d2i_X509_REQ(nullptr, &p, static_cast<long>(der->size())), X509_REQ_free);
  unsigned char* spki = nullptr;
  int spki_len = i2d_PUBKEY(X509_REQ_get0_pubkey(req.get()), &spki);
  finalized_keys_.emplace_back(reinterpret_cast<char*>(spki), spki_len > 0 ? spki_len : 0);
  OPENSSL_free(spki);
  if (!refuse_finalize.empty()) {
    order.status = "invalid";
    std::string type = kErr + refuse_finalize;
    refuse_finalize.clear();
    return problem(400, type, "refused by the test");
  }
  auto leaf = issue_leaf(X509_REQ_get0_pubkey(req.get()), order.names);
  if (!leaf.ok()) return problem(500, kErr + "serverInternal", leaf.status().message());
  order.cert_pem = *leaf;
  order.status = issue_on_poll ? "processing" : "valid";
  return reply(200, order_json(id), url("/order/" + std::to_string(id)));
}

HttpResponse FakeAcmeCa::get_authz(const Signed& s, std::size_t id) {
  if (!s.payload.empty()) return problem(400, kErr + "malformed", "POST-as-GET has a payload");
  if (authzs_[id].account != s.account)
    return problem(403, kErr + "unauthorized", "authorization of another account");
  return reply(200, authz_json(id));
}

// RFC 8555 §8.3: the CA fetches the key authorization and compares it with
// token || '.' || thumbprint of the account key.
HttpResponse FakeAcmeCa::respond_challenge(const Signed& s, std::size_t id) {
  auto payload = Json::parse(s.payload);
  if (!payload.ok() || !payload->is_object())
    return problem(400, kErr + "malformed", "challenge response payload must be {}");
  Authz& authz = authzs_[id];
  if (authz.account != s.account)
    return problem(403, kErr + "unauthorized", "challenge of another account");
  if (authz.challenge_status == "pending") {
    authz.challenge_status = "processing";  // RFC 8555 §7.1.6: validation under way
    if (!defer_validation) validate(authz);
  }
  HttpResponse r = reply(200, challenge_json(id));
  r.headers.emplace("link", "<" + url("/authz/" + std::to_string(id)) + ">;rel=\"up\"");
  return r;
}

void FakeAcmeCa::run_validations() {
  for (Authz& authz : authzs_)
    if (authz.challenge_status == "processing") validate(authz);
}

void FakeAcmeCa::validate(Authz& authz) {
  std::string served;
  bool found = table_.lookup(authz.host, authz.token, &served);
  std::string expected = authz.token + "." + accounts_[kid_to_jwk_[authz.account]].thumbprint;
  bool ok = found && served == expected && !invalid_challenge;
  authz.challenge_status = authz.status = ok ? "valid" : "invalid";
  if (!ok) {
    authz.error_detail = !found ? "http://" + authz.host + "/.well-known/acme-challenge/" +
                                      authz.token + " answered 404"
                                : "the key authorization served for " + authz.host + " is wrong";
  }
  for (Order& order : orders_) update_order(order);
}

HttpResponse FakeAcmeCa::get_certificate(const Signed& s, std::size_t id) {
  if (!s.payload.empty()) return problem(400, kErr + "malformed", "POST-as-GET has a payload");
  const Order& order = orders_[id];
  if (order.account != s.account || order.status != "valid")
    return problem(404, kErr + "malformed", "no certificate " + std::to_string(id));
  std::string pem = order.cert_pem + (omit_intermediate ? "" : intermediate_pem());
  return make_response(
      200, pem,
      {{"content-type", "application/pem-certificate-chain"}, {"replay-nonce", fresh_nonce()}});
}

void FakeAcmeCa::update_order(Order& order) {
  if (order.status != "pending") return;
  bool all_valid = true;
  for (std::size_t a : order.authzs) {
    if (authzs_[a].status == "invalid") {
      order.status = "invalid";
      return;
    }
    all_valid = all_valid && authzs_[a].status == "valid";
  }
  if (all_valid) order.status = "ready";
}

Json FakeAcmeCa::order_json(std::size_t id) const {
  const Order& order = orders_[id];
  Json identifiers = Json::array(), authzs = Json::array();
  for (const auto& name : order.names)
    identifiers.append(Json::object().set("type", identifier_type(name)).set("value", name));
  for (std::size_t a : order.authzs) authzs.append(url("/authz/" + std::to_string(a)));
  Json j = Json::object().set("status", order.status).set("identifiers", identifiers);
  j.set("expires", format_rfc3339(clock_.now() + std::chrono::hours(24 * 7)));
  j.set("authorizations", authzs)
      .set("finalize", url("/order/" + std::to_string(id) + "/finalize"));
  if (order.status == "valid") j.set("certificate", url("/cert/" + std::to_string(id)));
  return j;
}

Json FakeAcmeCa::authz_json(std::size_t id) const {
  const Authz& authz = authzs_[id];
  Json j = Json::object().set("status", authz.status);
  j.set("identifier",
        Json::object().set("type", identifier_type(authz.host)).set("value", authz.host));
  j.set("expires", format_rfc3339(clock_.now() + std::chrono::hours(24 * 7)));
  return j.set("challenges", Json::array().append(challenge_json(id)));
}

Json FakeAcmeCa::challenge_json(std::size_t id) const {
  const Authz& authz = authzs_[id];
  Json j = Json::object().set("type", "http-01").set("url", url("/chall/" + std::to_string(id)));
  j.set("status", authz.challenge_status).set("token", authz.token);
  if (!authz.error_detail.empty()) {
    Json error = Json::object().set("type", kErr + "incorrectResponse");
    j.set("error", error.set("detail", authz.error_detail).set("status", 403LL));
  }
  return j;
}

}  // namespace testing
}  // namespace acme
