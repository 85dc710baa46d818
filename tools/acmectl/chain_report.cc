#include "chain_report.h"

#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <utility>

#include "base/handle.h"
#include "crypto/key.h"
#include "text.h"

namespace acme::ctl {

namespace {

using StoreCtxDeleter = FreeWith<X509_STORE_CTX_free>;

constexpr long kWarnDays = 7;

const char kFullchainFix[] =
    "send the intermediate: use fullchain.pem (SSLCertificateFile .../fullchain.pem), not "
    "cert.pem (before httpd 2.4.8: SSLCertificateFile .../cert.pem plus "
    "SSLCertificateChainFile .../chain.pem)";

Finding error(std::string problem, std::string fix) {
  return Finding{Severity::kError, std::move(problem), std::move(fix)};
}

Certificate borrow(X509* x) {
  if (x) X509_up_ref(x);
  return Certificate(x);
}

std::string quoted(const std::string& text) {
  return "'" + text + "'";
}

// Why X509_verify_cert failed: a short line for the summary, and the finding.
struct PathFailure {
  std::string summary;
  Finding finding;
};

PathFailure missing_issuer(int depth, const Certificate& cert, std::size_t served,
                           const std::string& anchors) {
  std::string issuer = quoted(cert.issuer());
  if (depth == 0 && served == 1) {
    return {"INCOMPLETE: the intermediate " + issuer + " is not sent",
            error("the server sends only its own certificate, not the intermediate " + issuer +
                      " that issued it: clients cannot build a path to a trusted root (if " +
                      issuer + " is itself a private root, give it with --ca-file)",
                  kFullchainFix)};
  }
  if (depth == 0) {
    return {"INCOMPLETE: the certificate's issuer " + issuer + " is not among those sent",
            error("none of the certificates the server sends issued its certificate (issuer " +
                      issuer + ")",
                  "send the chain issued together with this certificate: its fullchain.pem "
                  "(SSLCertificateFile .../fullchain.pem); an intermediate from another "
                  "certificate does not fit")};
  }
  return {"NOT trusted: it ends at " + quoted(cert.subject()) + ", issued by " + issuer +
              ", which is not a trusted root",
          error("the chain the server sends ends at " + quoted(cert.subject()) + ", whose issuer " +
                    issuer + " is not a trusted root in " + anchors,
                "if " + issuer +
                    " is a private CA, check with its root: --ca-file ROOT.pem (clients need "
                    "it too); otherwise send the chain issued with this certificate "
                    "(fullchain.pem)")};
}

PathFailure path_failure(X509_STORE_CTX* ctx, std::size_t served, const std::string& anchors) {
  int err = X509_STORE_CTX_get_error(ctx);
  int depth = X509_STORE_CTX_get_error_depth(ctx);
  Certificate cert = borrow(X509_STORE_CTX_get_current_cert(ctx));
  switch (err) {
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
      return missing_issuer(depth, cert, served, anchors);
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
      return {"NOT trusted: self-signed",
              error("the server sends a self-signed certificate " + quoted(cert.subject()) +
                        ", which no client trusts",
                    "serve a certificate from a CA. With mod_acme: put ACMEDomain in this "
                    "<VirtualHost>; if it is there, this is mod_acme's stand-in until the "
                    "first certificate arrives: look for ACME10050 and ACME10022 in the error "
                    "log")};
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
      return {
          "NOT trusted: it leads to the root " + quoted(cert.subject()) + ", which is not trusted",
          error("the chain leads to the root " + quoted(cert.subject()) +
                    ", which is not trusted in " + anchors,
                "use a certificate from a publicly trusted CA; for a private CA, install "
                "its root on every client (and check with --ca-file ROOT.pem)")};
    default:
      return {std::string("NOT trusted: ") + X509_verify_cert_error_string(err),
              error("the chain fails verification at " + quoted(cert.subject()) + " (depth " +
                        std::to_string(depth) + "): " + X509_verify_cert_error_string(err),
                    "serve the certificate and intermediates exactly as the CA issued them "
                    "(fullchain.pem)")};
  }
}

// Builds the path a strict client would, from the served certificates only.
// Times are judged separately (check_*_time*), so one report names both an
// incomplete chain and an expired leaf.
void check_path(const std::vector<Certificate>& served, const TrustAnchors& anchors,
                ChainReport& report) {
  X509StackPtr untrusted(sk_X509_new_null());
  for (std::size_t i = 1; untrusted && i < served.size(); ++i)
    sk_X509_push(untrusted.get(), served[i].get());
  std::unique_ptr<X509_STORE_CTX, StoreCtxDeleter> ctx(X509_STORE_CTX_new());
  if (!untrusted || !ctx ||
      X509_STORE_CTX_init(ctx.get(), anchors.get(), served[0].get(), untrusted.get()) != 1) {
    report.chain_text = "could not be checked: " + openssl_errors();
    report.findings.push_back(error("the chain " + report.chain_text, ""));
    return;
  }
  X509_STORE_CTX_set_purpose(ctx.get(), X509_PURPOSE_SSL_SERVER);
  X509_VERIFY_PARAM_set_flags(X509_STORE_CTX_get0_param(ctx.get()), X509_V_FLAG_NO_CHECK_TIME);
  int ok = X509_verify_cert(ctx.get());
  ERR_clear_error();
  if (ok != 1) {
    PathFailure failure = path_failure(ctx.get(), served.size(), anchors.source());
    report.chain_text = failure.summary;
    report.findings.push_back(std::move(failure.finding));
    return;
  }
  STACK_OF(X509)* chain = X509_STORE_CTX_get0_chain(ctx.get());
  for (int i = 0; i < sk_X509_num(chain); ++i)
    report.path.push_back(borrow(sk_X509_value(chain, i)));
  report.chain_text = "complete, leads to the trusted root " +
                      quoted(report.path.back().subject()) + " (" + anchors.source() + ")";
}

void check_leaf_time(const Certificate& leaf, const std::string& name, TimePoint now,
                     ChainReport& report) {
  if (now < leaf.not_before()) {
    report.findings.push_back(error(
        "the certificate is not valid yet: it starts " + format_time(leaf.not_before()) +
            " (now is " + format_time(now) + ")",
        "check this machine's clock (date -u); if it is right, serve a certificate valid now"));
  } else if (now > leaf.not_after()) {
    std::string date = format_time(leaf.not_after());
    report.findings.push_back(error("the certificate for " + name + " has expired (" +
                                        relative_time(leaf.not_after(), now) + ")",
                                    "the certificate expired on " + date +
                                        ": renew it (acmectl renew " + name +
                                        " if mod_acme manages it)"));
  } else if (days_until(leaf.not_after(), now) < kWarnDays) {
    report.findings.push_back(Finding{
        Severity::kWarning,
        "the certificate expires " + relative_time(leaf.not_after(), now) + " (" +
            format_time(leaf.not_after()) + ")",
        "renew it now (acmectl renew " + name + " if mod_acme manages it; mod_acme renews " +
            "long before this, so look for ACME10022 in the error log to see why it did not)"});
  }
}

// The CA certificates above the leaf: in the verified path (anchor
// included), or as served when no path was found.
void check_ca_times(const std::vector<Certificate>& certs, bool last_is_anchor, TimePoint now,
                    ChainReport& report) {
  for (std::size_t i = 1; i < certs.size(); ++i) {
    const Certificate& cert = certs[i];
    bool anchor = last_is_anchor && i + 1 == certs.size();
    if (now <= cert.not_after() && now >= cert.not_before()) continue;
    std::string when = now > cert.not_after()
                           ? "expired on " + format_time(cert.not_after())
                           : "is not valid before " + format_time(cert.not_before());
    report.findings.push_back(
        anchor ? error("the root " + quoted(cert.subject()) + " " + when,
                       "update the trust store (apt-get install ca-certificates) or --ca-file; "
                       "if the CA has retired this root, serve a chain to its current one")
               : error("the CA certificate " + quoted(cert.subject()) + " in the chain " + when,
                       "send the current chain: the fullchain.pem issued with the certificate "
                       "(renew it if the CA has moved to a new intermediate)"));
  }
}

// RFC 6125 as TLS libraries apply it: subjectAltName only, never the CN.
void check_name(const Certificate& leaf, const std::string& name, ChainReport& report) {
  int match = is_ip_literal(name) ? X509_check_ip_asc(leaf.get(), name.c_str(), 0)
                                  : X509_check_host(leaf.get(), name.data(), name.size(),
                                                    X509_CHECK_FLAG_NEVER_CHECK_SUBJECT |
                                                        X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS,
                                                    nullptr);
  ERR_clear_error();
  std::string names = join(leaf.names(), "no DNS names or IP addresses");
  if (match == 1) {
    report.name_text = name + " is covered";
    return;
  }
  report.name_text = name + " is NOT covered (the certificate names " + names + ")";
  report.findings.push_back(
      error("the certificate does not cover " + name + ": it names " + names,
            "serve a certificate for " + name + ": with mod_acme, list " + name +
                " in ACMEDomain of the <VirtualHost> whose ServerName or ServerAlias is " + name +
                "; if that vhost has it, httpd picked another vhost: check its ServerName and "
                "<VirtualHost> address"));
}

}  // namespace

Result<TrustAnchors> TrustAnchors::load(const std::string& ca_file) {
  TrustAnchors anchors;
  anchors.store_.reset(X509_STORE_new());
  if (!anchors.store_) return crypto_error("creating a certificate store");
  anchors.source_ = ca_file.empty() ? "the system trust store" : "--ca-file " + ca_file;
  if (ca_file.empty()) {
    if (X509_STORE_set_default_paths(anchors.store_.get()) != 1) {
      return crypto_error("loading the system trust store");
    }
    return anchors;
  }
  if (access(ca_file.c_str(), R_OK) != 0) {
    return Status(Code::kInvalidArgument,
                  "cannot read --ca-file " + ca_file + ": " + std::strerror(errno));
  }
  if (X509_STORE_load_file(anchors.store_.get(), ca_file.c_str()) != 1) {
    return Status(Code::kInvalidArgument, "--ca-file " + ca_file + " holds no PEM certificate (" +
                                              openssl_errors() +
                                              "): give the root CA certificate(s) in PEM");
  }
  return anchors;
}

Result<TrustAnchors> TrustAnchors::from_certs(const std::vector<Certificate>& roots) {
  TrustAnchors anchors;
  anchors.store_.reset(X509_STORE_new());
  anchors.source_ = "the given roots";
  for (const Certificate& root : roots) {
    if (!anchors.store_ || X509_STORE_add_cert(anchors.store_.get(), root.get()) != 1) {
      return crypto_error("adding a trusted root");
    }
  }
  return anchors;
}

bool ChainReport::has_errors() const {
  return count(Severity::kError) > 0;
}

int ChainReport::count(Severity severity) const {
  int n = 0;
  for (const Finding& f : findings) n += f.severity == severity ? 1 : 0;
  return n;
}

ChainReport analyze_chain(const std::vector<Certificate>& served, const TrustAnchors& anchors,
                          const std::string& name, TimePoint now) {
  ChainReport report;
  report.name = name;
  if (served.empty()) {
    report.chain_text = report.name_text = "no certificate sent";
    report.findings.push_back(error("the server sent no certificate",
                                    "configure a certificate (SSLCertificateFile or ACMEDomain)"));
    return report;
  }
  for (const Certificate& c : served)
    report.served.push_back({c.subject(), c.issuer(), c.not_after()});
  const Certificate& leaf = served.front();
  report.not_after = leaf.not_after();
  report.days_left = days_until(leaf.not_after(), now);
  check_path(served, anchors, report);
  check_name(leaf, name, report);
  check_leaf_time(leaf, name, now, report);
  bool verified = !report.path.empty();
  check_ca_times(verified ? report.path : served, verified, now, report);
  return report;
}

const Certificate* leaf_issuer(const ChainReport& report, const std::vector<Certificate>& served) {
  if (report.path.size() >= 2) return &report.path[1];
  for (std::size_t i = 1; i < served.size(); ++i) {
    if (X509_check_issued(served[i].get(), served[0].get()) == X509_V_OK) return &served[i];
  }
  return nullptr;
}

}  // namespace acme::ctl
