// CertFacts: a certificate's serial and OCSP responder, read without
// decoding its public key. For the parent's look, once per configuration,
// at every live leaf it serves (staple/leaf_index.h): those were verified
// when they went live, and only these two facts are needed of them.
//
// d2i_X509 decodes the public key of every certificate it parses (OpenSSL
// 3 builds the key through its provider decoders): about 1.5 million
// instructions and 0.25 ms per P-256 certificate here, 6 % of a start with
// 1,000 names. This reads the RFC 5280 §4.1 structure with OpenSSL's ASN.1
// templates and keeps subjectPublicKeyInfo as opaque DER: about 7 us.
#pragma once

#include <openssl/x509.h>

#include <string>

#include "base/status.h"

namespace acme {

struct CertFacts {
  std::string serial_hex;  // as Certificate::serial_hex
  std::string ocsp_url;    // as ocsp_url(): the first OCSP accessLocation URI; "" if none
};

// der: one DER certificate, nothing after it.
Result<CertFacts> read_cert_facts(const std::string& der);

// RFC 5280 §4.2.2.1: the first accessLocation URI with the given method
// (NID_ad_OCSP, NID_ad_ca_issuers) in a certificate's extensions; "" if none.
// crypto/ocsp.cc reads a parsed certificate's with it too.
std::string aia_uri(const STACK_OF(X509_EXTENSION) * extensions, int method);

}  // namespace acme
