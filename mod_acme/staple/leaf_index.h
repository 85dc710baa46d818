// LeafIndex: which managed certificate a leaf handed to the OCSP stapling
// prime is (httpd/stapling.cc). mod_ssl primes stapling in the parent for
// every certificate it loads, once per configuration, with the PEM of the
// leaf and its issuer, and we take over stapling for our own live leaves.
//
// Each live leaf is read once per configuration, its serial and OCSP
// responder without decoding its key (crypto/cert_facts.h); a primed leaf
// is matched by the SHA-256 of its DER alone, with no parse (crypto/
// certificate.h first_certificate_der). Parsing each primed leaf, its
// issuer and each live leaf with d2i_X509 cost 0.25-0.45 ms per certificate
// here (OpenSSL 3 decodes every public key): most of what 1,000 live sets
// added to a start (bench/RESULTS.md).
//
// A digest matches what mod_ssl hands over because a certificate is DER
// (RFC 5280 §4.1) and mod_ssl writes the PEM with PEM_write_bio_X509, whose
// encoding of a DER certificate is the same bytes.
#pragma once

#include <cstddef>
#include <map>
#include <string>

#include "store/store.h"

namespace acme {

struct LiveLeaf {
  std::string name;       // the managed certificate (ACMEDomain's first name)
  std::string serial;     // upper-case hex (Certificate::serial_hex)
  std::string responder;  // the OCSP responder its AIA names; "" when none
};

class LeafIndex {
 public:
  // Indexes the live leaf of certificate name (live/<name>/cert.pem); a name
  // with no readable, parsable live leaf is left out.
  void add(const Store& store, const std::string& name);

  // The indexed leaf whose DER is the first certificate in pem; null when
  // none is, or pem holds no certificate.
  const LiveLeaf* find(const std::string& pem) const;

  std::size_t size() const { return by_digest_.size(); }
  // Live leaves decoded so far: one per add(), none per find().
  std::size_t parses() const { return parses_; }

 private:
  std::map<std::string, LiveLeaf> by_digest_;  // SHA-256 of the leaf's DER
  std::size_t parses_ = 0;
};

}  // namespace acme
