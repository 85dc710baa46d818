#include "acme/key_change.h"

#include "crypto/jwk.h"
#include "crypto/jws.h"
#include "json/json.h"

namespace acme {

Result<std::string> key_change_inner_jws(const PrivateKey& new_key, const PrivateKey& old_key,
                                         const std::string& key_change_url,
                                         const std::string& account_url) {
  Result<std::string> old_jwk = jwk_json(old_key);
  ACME_RETURN_IF_ERROR(old_jwk);
  Result<Json> old_jwk_json = Json::parse(*old_jwk);
  ACME_RETURN_IF_ERROR(old_jwk_json);
  Json payload = Json::object().set("account", account_url).set("oldKey", *old_jwk_json);
  // Empty kid embeds the new key's JWK; empty nonce leaves "nonce" out.
  return jws_sign(new_key, JwsParams{key_change_url, "", ""}, payload.dump());
}

// RFC 8555 §7.3.5.
Status change_account_key(AcmeClient& client, const PrivateKey& old_key,
                          const PrivateKey& new_key) {
  if (client.kid().empty()) {
    return Status(Code::kInvalidArgument, "no ACME account to change the key of");
  }
  auto dir = client.directory();
  if (!dir.ok()) return dir.status();
  if ((*dir)->key_change.empty()) {
    return Status(Code::kProtocol, "the CA's directory " + client.directory_url() +
                                       " has no keyChange resource: it cannot roll account keys");
  }
  Result<std::string> inner =
      key_change_inner_jws(new_key, old_key, (*dir)->key_change, client.kid());
  ACME_RETURN_IF_ERROR(inner);
  auto response = client.post((*dir)->key_change, *inner);
  if (!response.ok()) return response.status().with_context("changing the account key");
  return Status::ok_status();
}

}  // namespace acme
