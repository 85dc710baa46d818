// A tiny PKI for unit tests, built with OpenSSL directly so the code under
// test is not used to make its own fixtures: issue() makes a CA or a TLS
// server leaf, TestChain the CA chain most tests issue their leaves under.
#pragma once

#include <openssl/x509v3.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "crypto/certificate.h"
#include "crypto/key.h"

namespace acme {
namespace testing {

struct Issued {
  PrivateKey key;
  Certificate cert;
};

inline void add_ext(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (!ext) std::abort();
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

// Issues a certificate for cn (self-signed when issuer is null), signed by
// issuer, carrying exactly the given extensions, e.g. {{NID_ext_key_usage,
// "OCSPSigning"}} for a delegated OCSP responder or {NID_info_access,
// "OCSP;URI:http://ocsp.example/"} for a leaf.
inline Issued issue_with_extensions(const std::string& cn, const Issued* issuer,
                                    TimePoint not_before, TimePoint not_after, long serial,
                                    const std::vector<std::pair<int, std::string>>& extensions) {
  Issued out{std::move(PrivateKey::generate(KeyType::kP256).value()), Certificate(X509_new())};
  X509* x = out.cert.get();
  X509_set_version(x, X509_VERSION_3);
  ASN1_INTEGER_set(X509_get_serialNumber(x), serial);
  ASN1_TIME_set(X509_getm_notBefore(x), static_cast<time_t>(to_unix(not_before)));
  ASN1_TIME_set(X509_getm_notAfter(x), static_cast<time_t>(to_unix(not_after)));
  X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  X509* issuer_cert = issuer ? issuer->cert.get() : x;
  X509_set_issuer_name(x, X509_get_subject_name(issuer_cert));
  X509_set_pubkey(x, out.key.get());
  for (const auto& ext : extensions) add_ext(x, issuer_cert, ext.first, ext.second.c_str());
  X509_sign(x, issuer ? issuer->key.get() : out.key.get(), EVP_sha256());
  return out;
}

inline Issued issue_with_extensions(const std::string& cn, const Issued& issuer,
                                    TimePoint not_before, TimePoint not_after, long serial,
                                    const std::vector<std::pair<int, std::string>>& extensions) {
  return issue_with_extensions(cn, &issuer, not_before, not_after, serial, extensions);
}

// Issues a certificate for cn (self-signed when issuer is null); a CA when
// san is empty, else a TLS server leaf naming san ("DNS:a.example,IP:...").
inline Issued issue(const std::string& cn, const Issued* issuer, const std::string& san,
                    TimePoint not_before, TimePoint not_after, long serial) {
  if (san.empty()) {
    return issue_with_extensions(cn, issuer, not_before, not_after, serial,
                                 {{NID_basic_constraints, "critical,CA:TRUE"},
                                  {NID_key_usage, "critical,keyCertSign,cRLSign"}});
  }
  return issue_with_extensions(cn, issuer, not_before, not_after, serial,
                               {{NID_basic_constraints, "critical,CA:FALSE"},
                                {NID_ext_key_usage, "serverAuth"},
                                {NID_subject_alt_name, san}});
}

constexpr std::chrono::hours kTestDay{24};
// The instant the tests' certificates are issued around.
const TimePoint kTestNow = from_unix(1767225600);  // 2026-01-01T00:00:00Z

// Test Root (a year back, ten ahead) -> Test Intermediate (30 days back, a
// year ahead), around `now`.
struct TestChain {
  explicit TestChain(TimePoint now = kTestNow)
      : now(now),
        root(issue("Test Root", nullptr, "", now - 365 * kTestDay, now + 3650 * kTestDay, 1)),
        intermediate(
            issue("Test Intermediate", &root, "", now - 30 * kTestDay, now + 365 * kTestDay, 2)) {}

  // A leaf for "a.example" naming san, from a day before now until not_after.
  Issued issue_leaf(const std::string& san, TimePoint not_after, long serial) const {
    return issue("a.example", &intermediate, san, now - kTestDay, not_after, serial);
  }

  TimePoint now;
  Issued root;
  Issued intermediate;
};

}  // namespace testing
}  // namespace acme
