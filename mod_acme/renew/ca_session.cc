#include "renew/ca_session.h"

#include "acme/account.h"
#include "crypto/jwk.h"
#include "renew/layout.h"

namespace acme {

CaSession::CaSession(std::unique_ptr<HttpClient> http, CaSettings ca)
    : http_(std::move(http)), ca_(std::move(ca)), client_(*http_, ca_.directory_url) {}

Status CaSession::check_terms(const Directory& dir) const {
  if (dir.terms_of_service.empty() || ca_.terms_agreed) return Status();
  return Status(Code::kInvalidArgument,
                "the CA " + ca_.directory_url + " requires agreeing to its terms of service (" +
                    dir.terms_of_service + "); read them and add 'ACMETermsOfService agreed'");
}

Status CaSession::load_or_create_key(Store& store) {
  const std::string path = layout::account_dir(ca_.directory_url) + "/account.key.pem";
  auto pem = store.read(path);
  if (pem.ok()) {
    auto key = PrivateKey::from_pem(*pem);
    if (!key.ok()) return key.status().with_context(store.absolute(path));
    key_ = std::move(*key);
  } else {
    auto key = PrivateKey::generate(KeyType::kP256);
    if (!key.ok()) return key.status();
    auto text = key->to_pem();
    if (!text.ok()) return text.status();
    ACME_RETURN_IF_ERROR(store.write(path, *text, 0600));
    key_ = std::move(*key);
  }
  auto thumbprint = jwk_thumbprint(key_);
  if (!thumbprint.ok()) return thumbprint.status();
  thumbprint_ = *thumbprint;
  return Status();
}

Status CaSession::ensure_account(Store& store, LogSink& log) {
  if (ready_) return Status();
  auto dir = client_.directory();
  if (!dir.ok()) return dir.status();
  ACME_RETURN_IF_ERROR(check_terms(**dir));
  if (key_.empty()) ACME_RETURN_IF_ERROR(load_or_create_key(store));
  const std::string path = layout::account_dir(ca_.directory_url) + "/account.json";
  auto saved = store.read(path);
  if (saved.ok()) {
    auto json = Json::parse(*saved);
    if (json.ok() && json->get_string("url").ok()) {
      client_.set_signer(&key_, *json->get_string("url"));
      ready_ = true;
      return Status();
    }
  }
  client_.set_signer(&key_, "");
  auto account = new_account(client_, {ca_.contact, ca_.terms_agreed, false});
  if (!account.ok()) return account.status();
  Json record = Json::object().set("url", account->url).set("ca", ca_.directory_url);
  Json contact = Json::array();
  for (const auto& c : account->contact) contact.append(c);
  record.set("contact", contact);
  ACME_RETURN_IF_ERROR(store.write(path, record.dump_pretty() + "\n", 0644));
  log.log(LogLevel::kNotice, kMsgAccountCreated,
          "ACME account " + account->url + " ready at " + ca_.directory_url);
  client_.set_signer(&key_, account->url);
  ready_ = true;
  return Status();
}

void CaSession::forget_account(Store& store) {
  store.remove(layout::account_dir(ca_.directory_url) + "/account.json");
  ready_ = false;
}

}  // namespace acme
