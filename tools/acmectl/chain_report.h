// The pure half of `acmectl check`: given the chain a TLS server sent, the
// trust anchors, the name the client asked for and the time, what a strict
// client (a webhook sender, a script, anything that does not fetch missing
// intermediates through AIA) would conclude, with one plain fix per
// problem. No network here: tls_probe.h fetches the chain and ocsp_fetch.h
// the OCSP answer; check_cmd.h ties them together.
#pragma once

#include <openssl/x509_vfy.h>

#include <memory>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "crypto/certificate.h"
#include "crypto/ocsp.h"

namespace acme::ctl {

// Roots a client trusts: the system store or a PEM file (--ca-file).
class TrustAnchors {
 public:
  TrustAnchors() = default;
  TrustAnchors(TrustAnchors&&) = default;
  TrustAnchors& operator=(TrustAnchors&&) = default;
  TrustAnchors(const TrustAnchors&) = delete;
  TrustAnchors& operator=(const TrustAnchors&) = delete;

  static Result<TrustAnchors> load(const std::string& ca_file);  // "" = the system store
  static Result<TrustAnchors> from_certs(const std::vector<Certificate>& roots);  // for tests

  X509_STORE* get() const { return store_.get(); }
  const std::string& source() const { return source_; }  // "--ca-file root.pem", ...

 private:
  X509StorePtr store_;
  std::string source_;
};

enum class Severity { kWarning, kError };

struct Finding {
  Severity severity;
  std::string problem;  // what a client sees, naming the certificate
  std::string fix;      // what the admin should do
};

struct CertSummary {
  std::string subject;
  std::string issuer;
  TimePoint not_after{};
};

struct ChainReport {
  std::string name;                 // what the client asked for (SNI, hostname check)
  std::vector<CertSummary> served;  // as sent, leaf first
  std::vector<Certificate> path;    // the verified path, leaf to anchor; empty if none
  std::string chain_text;           // one line on completeness and trust
  std::string name_text;            // one line on the hostname match
  TimePoint not_after{};            // of the leaf
  long days_left = 0;
  std::string ocsp_text = "not checked";
  std::vector<Finding> findings;

  bool has_errors() const;
  int count(Severity severity) const;
};

ChainReport analyze_chain(const std::vector<Certificate>& served, const TrustAnchors& anchors,
                          const std::string& name, TimePoint now);

// The certificate that issued the leaf: from the verified path, else one of
// the served certificates; null if neither has it (needed for OCSP).
const Certificate* leaf_issuer(const ChainReport& report, const std::vector<Certificate>& served);

// Adds the OCSP answer for the leaf (RFC 6960) to the report: good is fine,
// revoked an error, unknown or no answer a warning.
void add_ocsp_result(ChainReport& report, const std::string& url, const Result<OcspResult>& result);

// The report as printed: chain, trust, name, expiry, OCSP, then every
// finding as "ERROR: ..." / "WARNING: ..." followed by "FIX: ...".
std::string format_report(const ChainReport& report);

}  // namespace acme::ctl
