#include "crypto/csr.h"

#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

#include "base/handle.h"
#include "crypto/certificate.h"

namespace acme {

namespace {

using X509ReqDeleter = FreeWith<X509_REQ_free>;
using X509ReqPtr = std::unique_ptr<X509_REQ, X509ReqDeleter>;

// The stack owns its extensions.
void free_extensions(STACK_OF(X509_EXTENSION) * exts) {
  sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
}
using ExtensionsPtr = std::unique_ptr<STACK_OF(X509_EXTENSION), FreeWith<free_extensions>>;

// RFC 5280 ub-common-name: a longer name cannot be a CN, only a SAN entry.
constexpr std::size_t kMaxCommonName = 64;

// RFC 8555 §7.4 requires every identifier in the SAN; the CN is optional and
// only set for a DNS name, since CAs differ on IP addresses in the CN.
Status set_subject(X509_REQ* req, const std::string& first) {
  if (first.size() > kMaxCommonName || is_ip_literal(first)) return Status::ok_status();
  X509_NAME* subject = X509_REQ_get_subject_name(req);
  if (X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>(first.c_str()), -1, -1,
                                 0) != 1) {
    return crypto_error("setting the CSR common name to " + first);
  }
  return Status::ok_status();
}

Status add_san(X509_REQ* req, const std::vector<std::string>& names) {
  Result<GeneralNamesPtr> gens = make_general_names(names);
  ACME_RETURN_IF_ERROR(gens);
  STACK_OF(X509_EXTENSION)* raw = nullptr;
  if (X509V3_add1_i2d(&raw, NID_subject_alt_name, gens->get(), 0, X509V3_ADD_DEFAULT) != 1) {
    return crypto_error("building the CSR subjectAltName");
  }
  ExtensionsPtr exts(raw);
  if (X509_REQ_add_extensions(req, exts.get()) != 1) {
    return crypto_error("adding the subjectAltName to the CSR");
  }
  return Status::ok_status();
}

Result<std::string> req_der(X509_REQ* req) {
  unsigned char* der = nullptr;
  int len = i2d_X509_REQ(req, &der);
  if (len <= 0) return crypto_error("encoding the CSR");
  std::string out(reinterpret_cast<char*>(der), static_cast<std::size_t>(len));
  OPENSSL_free(der);
  return out;
}

}  // namespace

Result<std::string> make_csr_der(const PrivateKey& key, const std::vector<std::string>& names) {
  if (names.empty()) return Status(Code::kInvalidArgument, "a CSR needs at least one name");
  if (key.empty()) return Status(Code::kInvalidArgument, "no certificate key to sign the CSR");
  X509ReqPtr req(X509_REQ_new());
  if (!req || X509_REQ_set_version(req.get(), 0) != 1) return crypto_error("creating a CSR");
  ACME_RETURN_IF_ERROR(set_subject(req.get(), names.front()));
  ACME_RETURN_IF_ERROR(add_san(req.get(), names));
  if (X509_REQ_set_pubkey(req.get(), key.get()) != 1 ||
      X509_REQ_sign(req.get(), key.get(), EVP_sha256()) <= 0) {
    return crypto_error("signing the CSR");
  }
  return req_der(req.get());
}

Result<std::vector<std::string>> csr_names(const std::string& der) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  X509ReqPtr req(d2i_X509_REQ(nullptr, &p, static_cast<long>(der.size())));
  if (!req) return Status(Code::kInvalidArgument, "CSR is not valid DER: " + openssl_errors());
  EVP_PKEY* pub = X509_REQ_get0_pubkey(req.get());
  if (!pub || X509_REQ_verify(req.get(), pub) != 1) {
    ERR_clear_error();
    return Status(Code::kInvalidArgument, "CSR signature does not verify with its own key");
  }
  ExtensionsPtr exts(X509_REQ_get_extensions(req.get()));
  GeneralNamesPtr gens(static_cast<GENERAL_NAMES*>(
      exts ? X509V3_get_d2i(exts.get(), NID_subject_alt_name, nullptr, nullptr) : nullptr));
  if (!gens) return Status(Code::kInvalidArgument, "CSR has no subjectAltName extension");
  return general_names_text(gens.get());
}

}  // namespace acme
