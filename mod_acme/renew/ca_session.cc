#include "renew/ca_session.h"

#include "acme/account.h"
#include "acme/eab.h"
#include "acme/key_change.h"
#include "acme/problem.h"
#include "crypto/jwk.h"
#include "json/record_file.h"
#include "store/layout.h"

namespace acme {

namespace {

constexpr const char kPendingSuffix[] = ".new";  // a rollover's key, before the CA agreed
constexpr const char kOldSuffix[] = ".old";      // the previous key, while the new is written

std::vector<std::string> contact_uris(const std::vector<std::string>& contact) {
  std::vector<std::string> uris;
  for (const auto& c : contact) uris.push_back(contact_uri(c));
  return uris;
}

std::string list_text(const std::vector<std::string>& items) {
  std::string text;
  for (const auto& item : items) text += (text.empty() ? "" : ", ") + item;
  return text.empty() ? "(none)" : text;
}

}  // namespace

CaSession::CaSession(std::unique_ptr<HttpClient> http, CaSettings ca)
    : http_(std::move(http)), ca_(std::move(ca)), client_(*http_, ca_.directory_url) {}

std::string CaSession::key_path() const {
  return layout::account_key_file(ca_.directory_url);
}

std::string CaSession::record_path() const {
  return layout::account_file(ca_.directory_url);
}

Status CaSession::check_terms(const Directory& dir) const {
  if (dir.terms_of_service.empty() || ca_.terms_agreed) return Status();
  return Status(Code::kInvalidArgument,
                "the CA " + ca_.directory_url + " requires agreeing to its terms of service (" +
                    dir.terms_of_service + "); read them and add 'ACMETermsOfService agreed'");
}

// A key that cannot be read (gone, replaced by a link or by garbage: only
// the child user or an admin can do that) is replaced by a new one, and the
// account record made with the old key is not used with it: a new key is
// always registered anew, never paired with another key's account URL.
Status CaSession::load_or_create_key(Store& store, LogSink& log) {
  auto pem = store.read(key_path());
  Result<PrivateKey> key = pem.ok() ? PrivateKey::from_pem(*pem) : Result<PrivateKey>(pem.status());
  if (key.ok()) {
    key_ = std::move(*key);
  } else {
    if (key.status().code() != Code::kNotFound)
      log.log(LogLevel::kWarn, kMsgAccountError,
              "account key " + store.absolute(key_path()) + " is unusable (" +
                  key.status().message() + "): registering a new account with a new key");
    fresh_key_ = true;
    auto key = PrivateKey::generate(KeyType::kP256);
    if (!key.ok()) return key.status();
    auto text = key->to_pem();
    if (!text.ok()) return text.status();
    ACME_RETURN_IF_ERROR(store.write(key_path(), *text, 0600));
    key_ = std::move(*key);
  }
  auto thumbprint = jwk_thumbprint(key_);
  if (!thumbprint.ok()) return thumbprint.status();
  thumbprint_ = *thumbprint;
  return Status();
}

Status CaSession::write_record(Store& store, const std::string& url) {
  Json record = Json::object().set("url", url).set("ca", ca_.directory_url);
  Json contact = Json::array();
  for (const auto& c : contact_uris(ca_.contact)) contact.append(c);
  record.set("contact", contact);
  return store.write(record_path(), record_file_text(record), 0644);
}

Status CaSession::ensure_account(Store& store, LogSink& log) {
  if (ready_) return Status();
  auto dir = client_.directory();
  if (!dir.ok()) return dir.status();
  ACME_RETURN_IF_ERROR(check_terms(**dir));
  if (key_.empty()) ACME_RETURN_IF_ERROR(load_or_create_key(store, log));
  ACME_RETURN_IF_ERROR(resolve_pending_key(store, log));
  auto saved = store.read(record_path());
  if (saved.ok() && !fresh_key_) {
    auto json = Json::parse(*saved);
    if (json.ok() && json->get_string("url").ok()) {
      client_.set_signer(&key_, *json->get_string("url"));
      sync_contact(store, log, *json);
      ready_ = true;
      return Status();
    }
  }
  return register_account(store, log, **dir);
}

// RFC 8555 §7.3, with the external account binding of §7.3.4 when configured.
Status CaSession::register_account(Store& store, LogSink& log, const Directory& dir) {
  NewAccountRequest request{ca_.contact, ca_.terms_agreed, false, ""};
  if (!ca_.eab.empty()) {
    auto eab = eab_jws(ca_.eab, key_, dir.new_account);
    if (!eab.ok()) return eab.status().with_context("ACMEExternalAccountBinding");
    request.external_account_binding = *eab;
  } else if (dir.external_account_required) {
    return Status(Code::kInvalidArgument,
                  "the CA " + ca_.directory_url +
                      " registers only accounts bound to a customer account with it (its "
                      "directory says externalAccountRequired); add "
                      "'ACMEExternalAccountBinding KID HMAC-KEY' with the key id and HMAC key "
                      "from the CA's web console or support");
  }
  client_.set_signer(&key_, "");
  auto account = new_account(client_, request);
  if (!account.ok() && !ca_.eab.empty() && account.status().code() == Code::kProblem) {
    return account.status().with_context("ACMEExternalAccountBinding key id '" + ca_.eab.kid +
                                         "' (check the key id and HMAC key)");
  }
  if (!account.ok()) return account.status();
  ACME_RETURN_IF_ERROR(write_record(store, account->url));
  log.log(LogLevel::kNotice, kMsgAccountCreated,
          "ACME account " + account->url + " ready at " + ca_.directory_url);
  client_.set_signer(&key_, account->url);
  ready_ = true;
  return Status();
}

void CaSession::update_contact_if_changed(Store& store, LogSink& log) {
  auto saved = store.read(record_path());
  auto json = saved.ok() ? Json::parse(*saved) : Result<Json>(saved.status());
  if (ready_ || !json.ok() || !json->get_string("url").ok()) return;
  auto had = json->get_string_array("contact");
  if (had.ok() && *had == contact_uris(ca_.contact)) return;
  Status status = ensure_account(store, log);  // updates the contact, logs ACME10120
  if (!status.ok()) {
    log.log(LogLevel::kWarn, kMsgAccountUpdated,
            "could not update the ACME account contact at " + ca_.directory_url + ": " +
                status.message() + "; trying again with the next order");
  }
}

// RFC 8555 §7.3.2: the admin changed ACMEContactEmail. A failure is logged
// and tried again at the next start; it never stops renewals.
void CaSession::sync_contact(Store& store, LogSink& log, const Json& saved) {
  const std::vector<std::string> wanted = contact_uris(ca_.contact);
  auto had = saved.get_string_array("contact");
  if (had.ok() && *had == wanted) return;
  const std::string before = had.ok() ? list_text(*had) : "(unknown)";
  auto updated = update_account_contact(client_, wanted);
  if (!updated.ok()) {
    log.log(LogLevel::kWarn, kMsgAccountUpdated,
            "could not change the contact of ACME account " + client_.kid() + " to " +
                list_text(wanted) + ": " + updated.status().message() +
                "; trying again at the next start");
    return;
  }
  Status written = write_record(store, client_.kid());
  log.log(LogLevel::kNotice, kMsgAccountUpdated,
          "ACME account " + client_.kid() + " at " + ca_.directory_url + ": contact changed from " +
              before + " to " + list_text(updated->contact) +
              (written.ok() ? "" : " (" + written.message() + ")"));
}

Status CaSession::rollover(Store& store, LogSink& log) {
  ACME_RETURN_IF_ERROR(ensure_account(store, log));
  auto fresh = PrivateKey::generate(KeyType::kP256);
  if (!fresh.ok()) return fresh.status();
  auto pem = fresh->to_pem();
  if (!pem.ok()) return pem.status();
  ACME_RETURN_IF_ERROR(store.write(key_path() + kPendingSuffix, *pem, 0600));
  Status changed = change_account_key(client_, key_, *fresh);
  if (!changed.ok()) {
    // A refusal is final; after a lost answer only the CA knows which key
    // it has: resolve_pending_key asks it before the account is used again.
    if (changed.code() == Code::kNetwork || changed.code() == Code::kTimeout)
      ready_ = false;
    else  // left behind, it is resolved with the CA before the account is used again
      (void)store.remove(key_path() + kPendingSuffix);
    return changed;
  }
  const std::string old_thumbprint = thumbprint_;
  ACME_RETURN_IF_ERROR(install_key(store, std::move(*fresh)));
  log.log(LogLevel::kNotice, kMsgAccountKeyChanged,
          "ACME account " + client_.kid() + " at " + ca_.directory_url +
              ": account key rolled over (thumbprint " + old_thumbprint + " -> " + thumbprint_ +
              "); the new key is in " + store.absolute(key_path()));
  return Status();
}

// The new key goes over account.key.pem (atomic write); the old one stays
// in account.key.pem.old until that write is done.
Status CaSession::install_key(Store& store, PrivateKey new_key) {
  auto old_pem = key_.to_pem();
  auto new_pem = new_key.to_pem();
  if (!old_pem.ok()) return old_pem.status();
  if (!new_pem.ok()) return new_pem.status();
  auto thumbprint = jwk_thumbprint(new_key);
  if (!thumbprint.ok()) return thumbprint.status();
  ACME_RETURN_IF_ERROR(store.write(key_path() + kOldSuffix, *old_pem, 0600));
  ACME_RETURN_IF_ERROR(store.write(key_path(), *new_pem, 0600));
  // Left behind, they are resolved with the CA (resolve_pending_key) before
  // the account is used again: the new key is already the one on file.
  (void)store.remove(key_path() + kPendingSuffix);
  (void)store.remove(key_path() + kOldSuffix);
  key_ = std::move(new_key);  // same object: the client's signer pointer stays valid
  thumbprint_ = *thumbprint;
  return Status();
}

// A rollover left account.key.pem.new: the process died (or the answer was
// lost) after it was written. Ask the CA which key it has (§7.3.1
// onlyReturnExisting with the new key): if it knows it, the rollover
// happened and is finished here; if not, the old key is still the one.
Status CaSession::resolve_pending_key(Store& store, LogSink& log) {
  const std::string pending_path = key_path() + kPendingSuffix;
  auto pem = store.read(pending_path);
  if (!pem.ok()) return Status();
  auto pending = PrivateKey::from_pem(*pem);
  if (!pending.ok()) return store.remove(pending_path);
  const std::string kid = client_.kid();
  client_.set_signer(&*pending, "");
  auto found = new_account(client_, {{}, false, true, ""});
  client_.set_signer(&key_, kid);
  if (!found.ok() && found.status().tag() == problem::kAccountDoesNotExist) {
    log.log(LogLevel::kWarn, kMsgAccountKeyChanged,
            "an interrupted account key rollover at " + ca_.directory_url +
                " never reached the CA; keeping the old key");
    return store.remove(pending_path);
  }
  if (!found.ok()) return found.status().with_context("finishing an interrupted key rollover");
  ACME_RETURN_IF_ERROR(install_key(store, std::move(*pending)));
  log.log(LogLevel::kNotice, kMsgAccountKeyChanged,
          "finished an interrupted account key rollover: ACME account " + found->url + " at " +
              ca_.directory_url + " now uses the new key (thumbprint " + thumbprint_ + ")");
  return Status();
}

void CaSession::forget_account(Store& store) {
  // Left behind, the next use loads it, the CA says again that it does not
  // know it, and it is forgotten then.
  (void)store.remove(record_path());
  ready_ = false;
}

}  // namespace acme
