#include "check_cmd.h"

#include "chain_report.h"
#include "http/curl_http_client.h"
#include "ocsp_fetch.h"
#include "tls_probe.h"

namespace acme::ctl {

namespace {

constexpr Seconds kTimeout{10};

std::string endpoint_text(const Endpoint& e) {
  return (e.host.find(':') != std::string::npos ? "[" + e.host + "]" : e.host) + ":" +
         std::to_string(e.port);
}

void check_ocsp(const std::vector<Certificate>& served, TimePoint now, ChainReport& report) {
  if (served.empty()) return;
  const Certificate& leaf = served.front();
  std::string url = ocsp_url(leaf);
  const Certificate* issuer = leaf_issuer(report, served);
  if (url.empty()) {
    report.ocsp_text = "no responder named in the certificate";
  } else if (!issuer) {
    report.ocsp_text = "not checked: the certificate's issuer is missing";
  } else {
    HttpOptions options;
    options.connect_timeout_s = kTimeout.count();
    options.total_timeout_s = kTimeout.count();
    options.user_agent = "acmectl/" ACME_VERSION;
    CurlHttpClient http(options);
    add_ocsp_result(report, url, fetch_ocsp(http, url, leaf, *issuer, now));
  }
}

}  // namespace

int run_check(const Args& args, std::ostream& out, std::ostream& err) {
  Result<TrustAnchors> anchors = TrustAnchors::load(args.ca_file);
  if (!anchors.ok()) {
    err << "acmectl check: " << anchors.status().message() << "\n";
    return kExitUsage;
  }
  Result<ProbeResult> probe = probe_tls(args.connect, args.target.host, kTimeout);
  if (!probe.ok()) {
    err << "acmectl check: " << probe.status().message() << "\n";
    return kExitUsage;
  }
  out << "Checked " << endpoint_text(args.target) << ": connected to " << probe->peer << " ("
      << probe->protocol << ", " << probe->cipher << "), asked for " << args.target.host << "\n\n";
  TimePoint now = std::chrono::system_clock::now();
  ChainReport report = analyze_chain(probe->served, *anchors, args.target.host, now);
  check_ocsp(probe->served, now, report);
  out << format_report(report);
  return report.has_errors() ? kExitProblem : kExitOk;
}

}  // namespace acme::ctl
