// FakeAcmeCa, the account resources beyond newAccount: external account
// binding (RFC 8555 §7.3.4), account update (§7.3.2) and key change
// (§7.3.5), checked as a strict CA checks them.
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "crypto/base64url.h"
#include "crypto/jwk.h"
#include "crypto/jws.h"
#include "fakes/fake_acme_ca.h"

namespace acme {
namespace testing {

namespace {

const std::string kErr = "urn:ietf:params:acme:error:";

std::string ca_url(const std::string& path) {
  return std::string(FakeAcmeCa::kBase) + path;
}

// RFC 7638 §3.2, as fake_acme_ca.cc has it.
std::string canonical(const Json& jwk) {
  Json c = Json::object();
  for (const char* m : {"crv", "e", "kty", "n", "x", "y"})
    if (jwk.has(m)) c.set(m, jwk.get(m));
  return c.dump();
}

Json decoded_member(const Json& jws, const char* member) {
  auto text = base64url_decode(jws.get_string_or(member, ""));
  auto json = text.ok() ? Json::parse(*text) : Result<Json>(text.status());
  return json.ok() ? *json : Json();
}

std::string hmac_sha256(const std::string& key, const std::string& data) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac, &len);
  return std::string(reinterpret_cast<char*>(mac), len);
}

}  // namespace

std::string FakeAcmeCa::account_contact(const std::string& account_url) const {
  auto jwk = kid_to_jwk_.find(account_url);
  if (jwk == kid_to_jwk_.end()) return "";
  return accounts_.at(jwk->second).contact.dump();
}

std::string FakeAcmeCa::account_jwk(const std::string& account_url) const {
  auto jwk = kid_to_jwk_.find(account_url);
  return jwk == kid_to_jwk_.end() ? "" : jwk->second;
}

// §7.3.4: HS256 over the account's JWK, with a key id the CA issued and the
// newAccount URL. Returns status 0 when the binding is fine (or not needed).
HttpResponse FakeAcmeCa::check_eab(const Json& payload, const Json& jwk) {
  Json eab = payload.get("externalAccountBinding");
  if (!eab.is_object()) {
    if (!external_account_required) return HttpResponse();
    return problem(400, kErr + "externalAccountRequired", "bind to your customer account");
  }
  if (eab_keys.empty()) return HttpResponse();  // a CA without EAB ignores it
  Json header = decoded_member(eab, "protected");
  auto key = eab_keys.find(header.get_string_or("kid", ""));
  if (header.get_string_or("alg", "") != "HS256" || key == eab_keys.end())
    return problem(400, kErr + "malformed",
                   "EAB needs alg HS256 and a known kid: " + header.dump());
  if (header.get_string_or("url", "") != ca_url("/new-account") || header.has("nonce"))
    return problem(400, kErr + "malformed", "EAB url must be newAccount's, no nonce");
  if (canonical(decoded_member(eab, "payload")) != canonical(jwk))
    return problem(400, kErr + "malformed", "EAB payload is not the account JWK");
  std::string input = eab.get_string_or("protected", "") + "." + eab.get_string_or("payload", "");
  if (base64url_encode(hmac_sha256(key->second, input)) != eab.get_string_or("signature", ""))
    return problem(400, kErr + "unauthorized", "EAB MAC does not verify");
  return HttpResponse();
}

// §7.3.2: POST-as-GET reads the account; {"contact": [...]} replaces it.
HttpResponse FakeAcmeCa::update_account(const Signed& s, std::size_t id) {
  if (s.account != ca_url("/acct/" + std::to_string(id)))
    return problem(403, kErr + "unauthorized", "account of another key");
  Account& account = accounts_[kid_to_jwk_[s.account]];
  if (!s.payload.empty()) {
    auto payload = Json::parse(s.payload);
    if (!payload.ok() || !payload->get("contact").is_array())
      return problem(400, kErr + "malformed", "account update needs a contact array");
    account.contact = payload->get("contact");
    ++account_updates_;
  }
  Json body = Json::object().set("status", "valid").set("contact", account.contact);
  return reply(200, body.set("orders", account.url + "/orders"));
}

// §7.3.5: the outer JWS (checked by check_jws) is signed with the old key;
// its payload is a JWS signed with the new key, whose header carries the new
// JWK and the same url, and whose payload names the account and old key.
HttpResponse FakeAcmeCa::key_change(const HttpRequest& request, const Signed& s) {
  auto inner = Json::parse(s.payload);
  if (!inner.ok()) return problem(400, kErr + "malformed", "keyChange payload is not a JWS");
  Json header = decoded_member(*inner, "protected");
  if (!header.get("jwk").is_object() || header.has("kid") || header.has("nonce") ||
      header.get_string_or("url", "") != request.url)
    return problem(400, kErr + "malformed", "inner JWS needs jwk, url, no kid, no nonce");
  auto new_key = public_key_from_jwk(header.get("jwk"));
  auto verified =
      new_key.ok() ? jws_verify(*new_key, s.payload) : Result<std::string>(new_key.status());
  auto payload = verified.ok() ? Json::parse(*verified) : Result<Json>(verified.status());
  if (!payload.ok())
    return problem(400, kErr + "malformed", "inner JWS does not verify with its jwk");
  const std::string old_jwk = kid_to_jwk_[s.account];
  if (payload->get_string_or("account", "") != s.account ||
      canonical(payload->get("oldKey")) != old_jwk)
    return problem(400, kErr + "malformed", "inner payload must name the account and old key");
  const std::string new_jwk = canonical(header.get("jwk"));
  if (accounts_.count(new_jwk)) return problem(409, kErr + "malformed", "key in use");
  Account account = accounts_[old_jwk];
  accounts_.erase(old_jwk);
  account.jwk = new_jwk;
  account.thumbprint = thumbprint_of_canonical_jwk(new_jwk);
  accounts_.emplace(new_jwk, std::move(account));
  kid_to_jwk_[s.account] = new_jwk;
  ++key_changes_;
  return reply(200, Json::object());
}

}  // namespace testing
}  // namespace acme
