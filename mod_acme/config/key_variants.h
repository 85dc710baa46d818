// Several key types per name (`ACMEKeyType p256 rsa2048`): each type is a
// certificate of its own, with its own key, order, renewal time, files,
// status record and OCSP response, so every per-certificate mechanism
// (jobs/, staging/, the atomic live/ swap, status/, ocsp/, acmectl) stays as
// it is. The first type keeps the certificate's plain name, so the
// single-type layout (live/<name>/fullchain.pem) does not change; each
// further type is named "<name>_<type>" (live/example.org_rsa2048/...). '_'
// occurs in no DNS name and no IP literal, so such a name never clashes
// with one an ACMEDomain gives.
//
// A TLS server sends one certificate per signature algorithm (OpenSSL keeps
// one RSA and one ECDSA slot per context), so the types must differ in
// algorithm: at most one RSA and one ECDSA type.
#pragma once

#include <string>
#include <vector>

#include "config/managed_cert.h"
#include "crypto/certificate.h"
#include "crypto/key.h"
#include "store/layout.h"  // key_variant_name: the store names of the variants

namespace acme {

// One ManagedCert per type, in the order given (base.key_type is replaced);
// an empty list keeps base as it is.
std::vector<ManagedCert> per_key_type(const ManagedCert& base, const std::vector<KeyType>& types);

// Why `added` cannot join `earlier` in one ACMEKeyType, or "" if it can: the
// same type twice, or a second type of the same algorithm.
std::string key_type_conflict(const std::vector<KeyType>& earlier, KeyType added);

// The type of a certificate's public key, so a live certificate whose key
// no longer matches ACMEKeyType is replaced.
Result<KeyType> certificate_key_type(const Certificate& cert);

}  // namespace acme
