#include "solve/tls_alpn01_responder.h"

#include <arpa/inet.h>

#include "acme/identifier.h"
#include "crypto/base64url.h"
#include "crypto/self_signed.h"

namespace acme {

namespace {

// The CA looks at the certificate only during its handshake; a week covers
// every order's validation with room for a slow clock on either side.
constexpr Seconds kChallengeCertValidity{7 * 86400};
constexpr const char kEndCertificate[] = "-----END CERTIFICATE-----";

}  // namespace

std::string reverse_dns_name(const std::string& ip) {
  unsigned char addr[16];
  std::string name;
  if (inet_pton(AF_INET, ip.c_str(), addr) == 1) {
    for (int i = 3; i >= 0; --i) name += std::to_string(addr[i]) + ".";
    return name + "in-addr.arpa";
  }
  if (inet_pton(AF_INET6, ip.c_str(), addr) == 1) {
    const char* hex = "0123456789abcdef";
    for (int i = 15; i >= 0; --i) {
      name += hex[addr[i] & 0x0f];
      name += '.';
      name += hex[addr[i] >> 4];
      name += '.';
    }
    return name + "ip6.arpa";
  }
  return "";
}

std::string tls_alpn01_server_name(const Identifier& id) {
  if (id.type == "ip") return reverse_dns_name(id.value);
  if (id.type == "dns") return normalized_server_name(id.value);
  return "";
}

std::string normalized_server_name(const std::string& sni) {
  std::string name = lower_case(sni);
  while (!name.empty() && name.back() == '.') name.pop_back();
  return name;
}

bool split_challenge_pems(const std::string& blob, std::string* cert_pem, std::string* key_pem) {
  std::size_t end = blob.find(kEndCertificate);
  if (end == std::string::npos) return false;
  end = blob.find('\n', end);
  end = end == std::string::npos ? blob.size() : end + 1;
  if (blob.find("PRIVATE KEY-----", end) == std::string::npos) return false;
  *cert_pem = blob.substr(0, end);
  *key_pem = blob.substr(end);
  return true;
}

void TlsAlpn01Responder::answer_only(const std::vector<std::string>& names) {
  restricted_ = true;
  answerable_.clear();
  for (const auto& name : names) answerable_.insert(tls_alpn01_server_name(identifier_for(name)));
}

bool TlsAlpn01Responder::can_answer(const Identifier& id, bool wildcard) const {
  if (wildcard) return false;
  std::string name = tls_alpn01_server_name(id);
  if (restricted_ && !answerable_.count(name)) return false;
  return !name.empty() && name.size() <= AlpnCertTable::kNameMax;
}

// RFC 8737 §3: the certificate names exactly the identifier (a dNSName, or
// an iPAddress for "ip", RFC 8738 §6) and carries the critical
// acmeIdentifier extension with SHA-256 of the key authorization.
Status TlsAlpn01Responder::publish(const Identifier& id, const std::string& token,
                                   const std::string& key_authorization) {
  const std::string name = tls_alpn01_server_name(id);
  if (name.empty() || !can_answer(id, false)) {
    return Status(Code::kInvalidArgument,
                  "tls-alpn-01 cannot answer for " + id.type + " '" + id.value + "'");
  }
  auto published = tokens_.find(name);
  std::string existing;
  if (published != tokens_.end() && table_.get(name, &existing)) {
    if (published->second.token == token) return Status();  // idempotent: already served
    // Not a problem of the order: kIo keeps it, and the job retries later.
    return Status(Code::kIo, "tls-alpn-01 for " + id.value +
                                 " is busy with another order (a handshake for " + name +
                                 " shows one certificate at a time); retried later");
  }
  auto made = make_self_signed({id.value}, KeyType::kP256, clock_.now(), kChallengeCertValidity,
                               sha256(key_authorization));
  if (!made.ok()) return made.status();
  std::string pems = made->cert_pem + made->key_pem;
  Status stored = table_.put(name, pems);
  if (!stored.ok()) {
    return Status(stored.code(), "tls-alpn-01 certificate for " + id.value +
                                     " not stored in shared memory: " + stored.message());
  }
  tokens_[name] = Served{token, std::move(pems)};
  return Status();
}

void TlsAlpn01Responder::withdraw(const Identifier& id, const std::string& token) {
  const std::string name = tls_alpn01_server_name(id);
  if (name.empty()) return;
  auto published = tokens_.find(name);
  // Another job's answer for the same name stays; after a restart (nothing
  // known) whatever is there goes: withdrawn tokens are never needed again.
  if (published != tokens_.end() && published->second.token != token) return;
  table_.remove(name);
  if (published != tokens_.end()) tokens_.erase(published);
}

std::string TlsAlpn01Responder::served_pems(const Identifier& id, const std::string& token) const {
  auto published = tokens_.find(tls_alpn01_server_name(id));
  return published != tokens_.end() && published->second.token == token ? published->second.pems
                                                                        : "";
}

void TlsAlpn01Responder::withdraw_all() {
  table_.clear();
  tokens_.clear();
}

}  // namespace acme
