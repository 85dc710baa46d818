#include "crypto/self_signed.h"

#include <openssl/bn.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

#include "base/handle.h"
#include "crypto/certificate.h"

namespace acme {

namespace {

// RFC 8737 §6.1: id-pe-acmeIdentifier, not yet known to OpenSSL by name.
constexpr const char* kAcmeIdentifierOid = "1.3.6.1.5.5.7.1.31";
constexpr std::size_t kMaxCommonName = 64;  // RFC 5280 ub-common-name

using BnDeleter = FreeWith<BN_free>;
using ObjectDeleter = FreeWith<ASN1_OBJECT_free>;
using OctetStringDeleter = FreeWith<ASN1_OCTET_STRING_free>;
using OctetStringPtr = std::unique_ptr<ASN1_OCTET_STRING, OctetStringDeleter>;
using ExtensionDeleter = FreeWith<X509_EXTENSION_free>;
using BasicConstraintsDeleter = FreeWith<BASIC_CONSTRAINTS_free>;

// 127 random bits with the top one set: positive, never zero, 16 octets
// (RFC 5280 §4.1.2.2 allows 20), unique enough that no client caches clash.
Status set_serial(X509* x) {
  std::unique_ptr<BIGNUM, BnDeleter> bn(BN_new());
  if (!bn || BN_rand(bn.get(), 127, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ANY) != 1 ||
      !BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(x))) {
    return crypto_error("choosing a certificate serial number");
  }
  return Status::ok_status();
}

// Backdated an hour so clients with a slightly slow clock accept it.
Status set_validity(X509* x, TimePoint now, Seconds validity) {
  time_t from = static_cast<time_t>(to_unix(now - std::chrono::hours(1)));
  time_t until = static_cast<time_t>(to_unix(now + validity));
  if (!ASN1_TIME_set(X509_getm_notBefore(x), from) ||
      !ASN1_TIME_set(X509_getm_notAfter(x), until)) {
    return crypto_error("setting the certificate validity");
  }
  return Status::ok_status();
}

Status set_names(X509* x, const std::string& first) {
  std::string cn = first.size() <= kMaxCommonName ? first : "mod_acme self-signed";
  X509_NAME* name = X509_get_subject_name(x);
  if (X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1,
                                 0) != 1 ||
      X509_set_issuer_name(x, name) != 1) {
    return crypto_error("setting the certificate subject " + cn);
  }
  return Status::ok_status();
}

Status add_basic_extensions(X509* x, const std::vector<std::string>& names) {
  std::unique_ptr<BASIC_CONSTRAINTS, BasicConstraintsDeleter> bc(BASIC_CONSTRAINTS_new());
  Result<GeneralNamesPtr> gens = make_general_names(names);
  ACME_RETURN_IF_ERROR(gens);
  if (!bc || X509_add1_ext_i2d(x, NID_basic_constraints, bc.get(), 1, X509V3_ADD_DEFAULT) != 1 ||
      X509_add1_ext_i2d(x, NID_subject_alt_name, gens->get(), 0, X509V3_ADD_DEFAULT) != 1) {
    return crypto_error("adding certificate extensions");
  }
  return Status::ok_status();
}

OctetStringPtr octet_string(const unsigned char* data, int len) {
  OctetStringPtr s(ASN1_OCTET_STRING_new());
  if (s && ASN1_OCTET_STRING_set(s.get(), data, len) != 1) s.reset();
  return s;
}

// RFC 8737 §3: critical, extnValue = DER of Authorization ::= OCTET STRING
// (SIZE (32)) holding SHA-256 of the key authorization.
Status add_acme_identifier(X509* x, const std::string& digest) {
  if (digest.size() != 32) {
    return Status(Code::kInvalidArgument, "acmeIdentifier needs a 32-byte SHA-256 digest, got " +
                                              std::to_string(digest.size()) + " bytes");
  }
  OctetStringPtr inner = octet_string(reinterpret_cast<const unsigned char*>(digest.data()), 32);
  unsigned char* der = nullptr;
  int len = inner ? i2d_ASN1_OCTET_STRING(inner.get(), &der) : -1;
  OctetStringPtr value = len > 0 ? octet_string(der, len) : nullptr;
  OPENSSL_free(der);
  std::unique_ptr<ASN1_OBJECT, ObjectDeleter> oid(OBJ_txt2obj(kAcmeIdentifierOid, 1));
  std::unique_ptr<X509_EXTENSION, ExtensionDeleter> ext(
      value && oid ? X509_EXTENSION_create_by_OBJ(nullptr, oid.get(), 1, value.get()) : nullptr);
  if (!ext || X509_add_ext(x, ext.get(), -1) != 1) {
    return crypto_error("adding the acmeIdentifier extension");
  }
  return Status::ok_status();
}

Status build(X509* x, const PrivateKey& key, const std::vector<std::string>& names, TimePoint now,
             Seconds validity, const std::string& acme_identifier) {
  if (X509_set_version(x, X509_VERSION_3) != 1 || X509_set_pubkey(x, key.get()) != 1) {
    return crypto_error("creating a certificate");
  }
  ACME_RETURN_IF_ERROR(set_serial(x));
  ACME_RETURN_IF_ERROR(set_validity(x, now, validity));
  ACME_RETURN_IF_ERROR(set_names(x, names.front()));
  ACME_RETURN_IF_ERROR(add_basic_extensions(x, names));
  if (!acme_identifier.empty()) ACME_RETURN_IF_ERROR(add_acme_identifier(x, acme_identifier));
  if (X509_sign(x, key.get(), EVP_sha256()) <= 0) return crypto_error("signing a certificate");
  return Status::ok_status();
}

}  // namespace

Result<SelfSigned> make_self_signed(const std::vector<std::string>& names, KeyType type,
                                    TimePoint now, Seconds validity,
                                    const std::string& acme_identifier) {
  if (names.empty()) return Status(Code::kInvalidArgument, "a certificate needs at least one name");
  if (validity <= Seconds(0)) {
    return Status(Code::kInvalidArgument, "a self-signed certificate needs a positive validity");
  }
  Result<PrivateKey> key = PrivateKey::generate(type);
  ACME_RETURN_IF_ERROR(key);
  Certificate cert(X509_new());
  if (!cert.get()) return crypto_error("creating a certificate");
  ACME_RETURN_IF_ERROR(build(cert.get(), *key, names, now, validity, acme_identifier));
  Result<std::string> key_pem = key->to_pem();
  ACME_RETURN_IF_ERROR(key_pem);
  return SelfSigned{cert.to_pem(), *key_pem};
}

}  // namespace acme
