#include "config/key_variants.h"

namespace acme {

std::vector<ManagedCert> per_key_type(const ManagedCert& base, const std::vector<KeyType>& types) {
  if (types.empty()) return {base};
  std::vector<ManagedCert> certs;
  for (std::size_t i = 0; i < types.size(); ++i) {
    ManagedCert cert = base;
    cert.key_type = types[i];
    cert.name = key_variant_name(base.name, types[i], i == 0);
    certs.push_back(std::move(cert));
  }
  return certs;
}

std::string key_type_conflict(const std::vector<KeyType>& earlier, KeyType added) {
  for (KeyType type : earlier) {
    if (type == added) return std::string(key_type_name(added)) + " is listed twice";
    if (is_rsa(type) == is_rsa(added)) {
      return std::string(key_type_name(added)) + " and " + key_type_name(type) + " are both " +
             (is_rsa(added) ? "RSA" : "ECDSA") +
             ": a server sends one certificate per algorithm, so list at most one RSA and "
             "one ECDSA type";
    }
  }
  return "";
}

Result<KeyType> certificate_key_type(const Certificate& cert) {
  EVP_PKEY* pub = cert.get() ? X509_get_pubkey(cert.get()) : nullptr;  // a reference of our own
  if (!pub) return Status(Code::kInvalidArgument, "certificate without a usable public key");
  auto key = PrivateKey::adopt(pub);  // only the type is read: the private half is not needed
  if (!key.ok()) return key.status();
  return key->type();
}

}  // namespace acme
