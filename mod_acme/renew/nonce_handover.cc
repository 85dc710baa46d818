#include "renew/nonce_handover.h"

#include <string>
#include <vector>

#include "acme/nonce_pool.h"
#include "base/time_format.h"
#include "crypto/base64url.h"
#include "json/json.h"
#include "json/record_file.h"
#include "store/layout.h"

namespace acme {

namespace {

struct SavedNonces {
  TimePoint saved;
  std::vector<std::string> nonces;  // oldest first
};

// What save_unused_nonces writes, or a refusal saying what is wrong.
Status read_saved(const Json& json, SavedNonces* out) {
  auto saved = json.get_string("saved");
  if (!saved.ok()) return saved.status();
  auto at = parse_rfc3339(*saved);
  if (!at.ok()) return at.status();
  out->saved = *at;
  Json nonces = json.get("nonces");
  if (!nonces.is_array()) return Status(Code::kProtocol, "\"nonces\" is not an array");
  if (nonces.size() > NoncePool::kMax)
    return Status(Code::kProtocol, std::to_string(nonces.size()) + " nonces, more than " +
                                       std::to_string(NoncePool::kMax));
  for (std::size_t i = 0; i < nonces.size(); ++i) {
    const std::string nonce = nonces.at(i).as_string();
    // RFC 8555 §6.5.1: a nonce is base64url.
    if (nonce.size() > kMaxSavedNonceLength || !is_base64url(nonce))
      return Status(Code::kProtocol, "entry " + std::to_string(i) + " is not a nonce");
  }
  for (std::size_t i = 0; i < nonces.size(); ++i) out->nonces.push_back(nonces.at(i).as_string());
  return Status();
}

}  // namespace

void save_unused_nonces(Store& store, AcmeClient& client, TimePoint now, LogSink& log) {
  const std::vector<std::string> nonces = client.nonces().take_all();
  if (nonces.empty()) return;
  Json list = Json::array();
  for (const auto& nonce : nonces) list.append(nonce);
  Json record = Json::object();
  record.set("ca", client.directory_url()).set("saved", format_rfc3339(now)).set("nonces", list);
  const std::string path = layout::ca_nonces_file(client.directory_url());
  Status written = store.write_unsynced(path, record_file_text(record), 0600);
  if (!written.ok())
    log.log(LogLevel::kInfo, kMsgStoreError,
            "could not hand the unused nonces of " + client.directory_url() +
                " to the next watchdog (" + store.absolute(path) + ": " + written.message() +
                "); it fetches new ones");
}

std::size_t take_saved_nonces(Store& store, AcmeClient& client, TimePoint now, LogSink& log) {
  const std::string path = layout::ca_nonces_file(client.directory_url());
  auto text = store.read(path);
  if (!text.ok()) return 0;  // none saved (a lost file only costs HEAD requests)
  // Removed before use, and unused if it stays: a nonce is never sent twice.
  if (!store.remove(path).ok()) return 0;
  auto saved = parse_record_file(*text, read_saved);
  if (!saved.ok()) {
    log.log(LogLevel::kWarn, kMsgStoreError,
            "ignored and removed " + store.absolute(path) + " (" + saved.status().message() +
                "): not the nonces a watchdog saved; new ones are fetched from the CA");
    return 0;
  }
  const auto age = now - saved->saved;
  if (age < Seconds(0) || age > kMaxNonceAge) return 0;  // the CA may have dropped them (§6.5)
  client.nonces().add_older(saved->nonces);
  return saved->nonces.size();
}

}  // namespace acme
