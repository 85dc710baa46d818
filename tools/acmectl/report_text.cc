// OCSP findings and the printed form of a ChainReport (chain_report.h).
#include <utility>

#include "chain_report.h"
#include "text.h"

namespace acme::ctl {

namespace {

// RFC 5280 §5.3.1 CRLReason names; 7 is unused.
std::string reason_name(int reason) {
  static const char* const kNames[] = {
      "unspecified",   "keyCompromise",        "cACompromise",    "affiliationChanged",
      "superseded",    "cessationOfOperation", "certificateHold", "",
      "removeFromCRL", "privilegeWithdrawn",   "aACompromise"};
  if (reason < 0 || reason > 10 || reason == 7) return "no reason given";
  return std::string("reason ") + kNames[reason];
}

Finding warning(std::string problem, std::string fix) {
  return Finding{Severity::kWarning, std::move(problem), std::move(fix)};
}

void add_ocsp_answer(ChainReport& report, const std::string& url, const OcspResult& ocsp) {
  switch (ocsp.status) {
    case CertStatus::kGood:
      report.ocsp_text =
          "good (from " + url + ", next update " + format_time(ocsp.next_update) + ")";
      return;
    case CertStatus::kRevoked:
      report.ocsp_text = "REVOKED (from " + url + ")";
      report.findings.push_back(
          Finding{Severity::kError,
                  "the CA has revoked this certificate (on " + format_time(ocsp.revoked_at) + ", " +
                      reason_name(ocsp.reason) + "): clients that check OCSP reject it",
                  "serve a new certificate: renew it (acmectl renew " + report.name +
                      " if mod_acme manages it); after keyCompromise, use a new key"});
      return;
    case CertStatus::kUnknown:
      report.ocsp_text = "unknown (from " + url + ")";
      report.findings.push_back(
          warning("the OCSP responder " + url + " does not know this certificate",
                  "if the certificate was issued minutes ago, check again later; otherwise "
                  "the server sends a certificate its CA does not recognise: ask the CA"));
      return;
  }
}

void append_chain(const ChainReport& report, std::string& out) {
  out += "Chain sent by the server (" + std::to_string(report.served.size()) + " certificate" +
         (report.served.size() == 1 ? "" : "s") + "):\n";
  for (std::size_t i = 0; i < report.served.size(); ++i) {
    const CertSummary& c = report.served[i];
    out += "  [" + std::to_string(i) + "] " + c.subject + "\n";
    out += "      issuer " + c.issuer + ", expires " + format_time(c.not_after) + "\n";
  }
}

std::string expiry_text(const ChainReport& report) {
  if (report.served.empty()) return "-";
  std::string days = report.days_left < 0 ? "EXPIRED"
                                          : std::to_string(report.days_left) + " day" +
                                                (report.days_left == 1 ? "" : "s") + " left";
  return format_time(report.not_after) + " (" + days + ")";
}

std::string verdict(const ChainReport& report) {
  int errors = report.count(Severity::kError);
  int warnings = report.count(Severity::kWarning);
  if (errors == 0 && warnings == 0) return "All is well.\n";
  auto plural = [](int n, const char* what) {
    return std::to_string(n) + " " + what + (n == 1 ? "" : "s");
  };
  if (errors == 0) return plural(warnings, "warning") + ", no error.\n";
  return plural(errors, "error") + ", " + plural(warnings, "warning") + ".\n";
}

}  // namespace

void add_ocsp_result(ChainReport& report, const std::string& url,
                     const Result<OcspResult>& result) {
  if (result.ok()) return add_ocsp_answer(report, url, *result);
  report.ocsp_text = "no answer from " + url;
  report.findings.push_back(
      warning("could not get the OCSP status from " + url + ": " + result.status().message(),
              "nothing to change on this server: check again later; if the responder stays "
              "unreachable, clients that insist on OCSP fail: tell the CA"));
}

std::string format_report(const ChainReport& report) {
  std::string out;
  append_chain(report, out);
  out += "\n";
  out += "Chain:   " + report.chain_text + "\n";
  out += "Name:    " + report.name_text + "\n";
  out += "Expiry:  " + expiry_text(report) + "\n";
  out += "OCSP:    " + report.ocsp_text + "\n";
  for (const Finding& f : report.findings) {
    out += std::string("\n") + (f.severity == Severity::kError ? "ERROR: " : "WARNING: ") +
           f.problem + "\n";
    if (!f.fix.empty()) out += "FIX: " + f.fix + "\n";
  }
  return out + "\n" + verdict(report);
}

}  // namespace acme::ctl
