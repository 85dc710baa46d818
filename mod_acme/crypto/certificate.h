// X.509 certificates: PEM chain parsing and the facts mod_acme decides on.
#pragma once

#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/handle.h"
#include "base/status.h"

namespace acme {

using X509Deleter = FreeWith<X509_free>;

class Certificate {
 public:
  Certificate() = default;
  explicit Certificate(X509* owned);  // takes ownership
  Certificate(Certificate&&) = default;
  Certificate& operator=(Certificate&&) = default;
  Certificate(const Certificate&) = delete;
  Certificate& operator=(const Certificate&) = delete;

  // Every CERTIFICATE block in order; an error if none or any is malformed.
  static Result<std::vector<Certificate>> parse_pem_chain(const std::string& pem);
  static Result<Certificate> from_der(const std::string& der);

  std::string to_pem() const;
  std::string to_der() const;
  TimePoint not_before() const;
  TimePoint not_after() const;
  std::string serial_hex() const;  // upper-case hex, no separators
  std::string subject() const;     // one-line RFC 2253 form
  std::string issuer() const;
  std::vector<std::string> names() const;  // SAN dNSName and iPAddress (text form)
  bool self_issued() const;                // subject == issuer
  X509* get() const { return x509_.get(); }

 private:
  std::unique_ptr<X509, X509Deleter> x509_;
};

// The DER of the first CERTIFICATE block in pem, base64-decoded only: no
// X.509 parse. Matching a certificate by its bytes needs no parse, and a
// parse is dear (OpenSSL 3 decodes the public key of every certificate it
// parses, 0.1-0.4 ms each). An error if pem holds no certificate block.
Result<std::string> first_certificate_der(const std::string& pem);

// Certificates as CAs serve them (PEM chain, or one DER certificate, as AIA
// caIssuers and "up" links do) converted to PEM.
Result<std::string> pem_from_pem_or_der(const std::string& body);

// An X.509 or OCSP time; times after 2255 saturate there, before 1970 at 1970.
TimePoint asn1_time_point(const ASN1_TIME* t);

// Concatenated PEM of certs[from..]; used to split fullchain into cert/chain.
std::string chain_pem(const std::vector<Certificate>& certs, std::size_t from);

// subjectAltName helpers shared by certificates, CSRs and self-signed certs.
using GeneralNamesDeleter = FreeWith<GENERAL_NAMES_free>;
using GeneralNamesPtr = std::unique_ptr<GENERAL_NAMES, GeneralNamesDeleter>;

// Verification plumbing shared by crypto/, renew/ and acmectl.
using X509StorePtr = std::unique_ptr<X509_STORE, FreeWith<X509_STORE_free>>;
// A stack that borrows its certificates: the Certificate objects own them.
inline void free_borrowing_stack(STACK_OF(X509) * s) {
  sk_X509_free(s);
}
using X509StackPtr = std::unique_ptr<STACK_OF(X509), FreeWith<free_borrowing_stack>>;

bool is_ip_literal(const std::string& name);  // "192.0.2.1", "2001:db8::1"
// iPAddress for IP literals (RFC 8738), dNSName otherwise; names must be ASCII.
Result<GeneralNamesPtr> make_general_names(const std::vector<std::string>& names);
// The dNSName and iPAddress entries as text ("a.example", "192.0.2.1",
// "2001:db8::1"); other kinds are skipped.
std::vector<std::string> general_names_text(const GENERAL_NAMES* names);

}  // namespace acme
