#include "crypto/cert_facts.h"

#include <openssl/asn1t.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

#include <memory>

#include "crypto/key.h"

namespace acme {

namespace {

// RFC 5280 §4.1: Certificate and TBSCertificate, every part the facts do
// not need kept as opaque DER (ASN1_ANY), the public key above all.
struct ValidityView {
  ASN1_TIME* not_before;
  ASN1_TIME* not_after;
};
ASN1_SEQUENCE(ValidityView) =
    {
        ASN1_SIMPLE(ValidityView, not_before, ASN1_TIME),
        ASN1_SIMPLE(ValidityView, not_after, ASN1_TIME),
} ASN1_SEQUENCE_END(ValidityView)

        struct TbsView {
  ASN1_INTEGER* version;
  ASN1_INTEGER* serial;
  ASN1_TYPE* signature;
  ASN1_TYPE* issuer;
  ValidityView* validity;
  ASN1_TYPE* subject;
  ASN1_TYPE* public_key;
  ASN1_BIT_STRING* issuer_uid;
  ASN1_BIT_STRING* subject_uid;
  STACK_OF(X509_EXTENSION) * extensions;
};
ASN1_SEQUENCE(TbsView) =
    {
        ASN1_EXP_OPT(TbsView, version, ASN1_INTEGER, 0),
        ASN1_SIMPLE(TbsView, serial, ASN1_INTEGER),
        ASN1_SIMPLE(TbsView, signature, ASN1_ANY),
        ASN1_SIMPLE(TbsView, issuer, ASN1_ANY),
        ASN1_SIMPLE(TbsView, validity, ValidityView),
        ASN1_SIMPLE(TbsView, subject, ASN1_ANY),
        ASN1_SIMPLE(TbsView, public_key, ASN1_ANY),
        ASN1_IMP_OPT(TbsView, issuer_uid, ASN1_BIT_STRING, 1),
        ASN1_IMP_OPT(TbsView, subject_uid, ASN1_BIT_STRING, 2),
        ASN1_EXP_SEQUENCE_OF_OPT(TbsView, extensions, X509_EXTENSION, 3),
} ASN1_SEQUENCE_END(TbsView)

        struct CertView {
  TbsView* tbs;
  ASN1_TYPE* signature_algorithm;
  ASN1_BIT_STRING* signature;
};
ASN1_SEQUENCE(CertView) =
    {
        ASN1_SIMPLE(CertView, tbs, TbsView),
        ASN1_SIMPLE(CertView, signature_algorithm, ASN1_ANY),
        ASN1_SIMPLE(CertView, signature, ASN1_BIT_STRING),
} ASN1_SEQUENCE_END(CertView)

        struct CertViewDeleter {
  void operator()(CertView* v) const {
    ASN1_item_free(reinterpret_cast<ASN1_VALUE*>(v), ASN1_ITEM_rptr(CertView));
  }
};

std::string serial_hex(const ASN1_INTEGER* serial) {
  BIGNUM* bn = ASN1_INTEGER_to_BN(serial, nullptr);
  char* hex = bn ? BN_bn2hex(bn) : nullptr;
  std::string out = hex ? hex : "";
  OPENSSL_free(hex);
  BN_free(bn);
  return out;
}

}  // namespace

Result<CertFacts> read_cert_facts(const std::string& der) {
  ERR_clear_error();
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  const unsigned char* end = p + der.size();
  std::unique_ptr<CertView, CertViewDeleter> view(static_cast<CertView*>(static_cast<void*>(
      ASN1_item_d2i(nullptr, &p, static_cast<long>(der.size()), ASN1_ITEM_rptr(CertView)))));
  if (!view)
    return Status(Code::kInvalidArgument, "DER certificate is malformed: " + openssl_errors());
  if (p != end) return Status(Code::kInvalidArgument, "DER certificate has trailing data");
  return CertFacts{serial_hex(view->tbs->serial), aia_uri(view->tbs->extensions, NID_ad_OCSP)};
}

std::string aia_uri(const STACK_OF(X509_EXTENSION) * extensions, int method) {
  std::unique_ptr<AUTHORITY_INFO_ACCESS, FreeWith<AUTHORITY_INFO_ACCESS_free>> aia(
      static_cast<AUTHORITY_INFO_ACCESS*>(
          X509V3_get_d2i(extensions, NID_info_access, nullptr, nullptr)));
  ERR_clear_error();  // a malformed extension reads as none
  for (int i = 0; aia && i < sk_ACCESS_DESCRIPTION_num(aia.get()); ++i) {
    const ACCESS_DESCRIPTION* ad = sk_ACCESS_DESCRIPTION_value(aia.get(), i);
    if (OBJ_obj2nid(ad->method) != method || ad->location->type != GEN_URI) continue;
    const ASN1_IA5STRING* uri = ad->location->d.uniformResourceIdentifier;
    return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(uri)),
                       static_cast<std::size_t>(ASN1_STRING_length(uri)));
  }
  return std::string();
}

}  // namespace acme
