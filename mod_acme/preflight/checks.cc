#include "preflight/checks.h"

#include <algorithm>

#include "preflight/caa.h"

namespace acme {

namespace {

bool has(const std::vector<std::string>& list, const std::string& item) {
  return std::count(list.begin(), list.end(), item) > 0;
}

std::string join(const std::vector<std::string>& list) {
  std::string out;
  for (const auto& s : list) out += (out.empty() ? "" : ", ") + s;
  return out;
}

void add(NameReport& report, Severity severity, std::string text, std::string fix = "") {
  report.findings.push_back({severity, std::move(text), std::move(fix)});
}

// A wildcard is validated by dns-01 only (RFC 8555 §7.1.3).
void check_wildcard(NameReport& r, const PreflightSettings& s) {
  bool dns01 = s.dns01_configured && (s.challenges.empty() || has(s.challenges, "dns-01"));
  if (dns01) {
    add(r, Severity::kOk, "wildcard name: dns-01 is configured");
    return;
  }
  add(r, Severity::kProblem,
      r.name +
          " is a wildcard name: the CA validates it by dns-01 only, "
          "which is not configured for it",
      "set ACMEDns01Command (a program that publishes the TXT record) and keep dns-01 in "
      "ACMEChallenges, or order the names without '*.'");
}

Result<std::vector<std::string>> addresses_of(DnsResolver& resolver, const std::string& name,
                                              bool* nxdomain) {
  std::vector<std::string> out;
  *nxdomain = true;
  for (int type : {kDnsTypeA, kDnsTypeAaaa}) {
    Result<DnsAnswer> answer = resolver.query(name, type);
    ACME_RETURN_IF_ERROR(answer);
    *nxdomain = *nxdomain && answer->nxdomain;
    for (const auto& rdata : answer->rdata) out.push_back(address_text(rdata));
  }
  return out;
}

// The CA tries every address it finds (RFC 8555 §8.3 leaves the choice to
// it; Let's Encrypt prefers IPv6): each must reach this server.
void check_reachable(NameReport& r, const PreflightSettings& s,
                     const std::vector<std::string>& addresses, Prober& prober) {
  std::vector<std::pair<int, bool>> ports;  // port, tls
  if (s.challenges.empty() || has(s.challenges, "http-01")) ports.push_back({s.http_port, false});
  if (has(s.challenges, "tls-alpn-01")) ports.push_back({s.tls_port, true});
  for (const auto& address : addresses) {
    for (auto [port, tls] : ports) {
      if (!s.probes_served) {
        add(r, Severity::kUnchecked,
            "port " + std::to_string(port) + " via " + address +
                ": not probed, the running httpd did not take the probe",
            "start httpd with mod_acme (a certificate configured, so its watchdog runs) and "
            "this store as ACMEStoreDir, then run preflight again");
        continue;
      }
      std::string what = prober.url(r.name, port, tls) + " via " + address;
      Status answered = prober.probe(address, port, tls, r.name);
      if (answered.ok()) {
        add(r, Severity::kOk, what + ": answered by this server");
        continue;
      }
      if (s.cluster && answered.code() == Code::kNotFound) {
        add(r, Severity::kUnchecked,
            what + ": " + answered.message() +
                "; on a cluster that may be another node behind the balancer",
            "nothing, if " + address + " port " + std::to_string(port) +
                " is the balancer in front of the cluster's nodes");
        continue;
      }
      add(r, Severity::kProblem, what + ": " + answered.message(),
          "make " + address + " port " + std::to_string(port) +
              " reach this httpd (firewall, port forward, load balancer), or point " + r.name +
              "'s DNS at an address that does");
    }
  }
}

void check_address(NameReport& r, const PreflightSettings& s, DnsResolver& resolver,
                   Prober& prober) {
  bool nxdomain = false;
  Result<std::vector<std::string>> addresses = addresses_of(resolver, r.name, &nxdomain);
  if (!addresses.ok()) {
    add(r, Severity::kUnchecked, "address: " + addresses.status().message(),
        "ask again, or name a DNS server that answers with --resolver");
    return;
  }
  if (addresses->empty()) {
    add(r, Severity::kProblem,
        r.name + (nxdomain ? " does not exist in DNS" : " has no A or AAAA record"),
        "add an A (and/or AAAA) record for " + r.name + " with this server's public address");
    return;
  }
  for (const auto& a : *addresses) {
    if (has(s.local_addresses, a)) {
      add(r, Severity::kOk, r.name + " resolves to " + a + ", an address of this server");
    } else {
      add(r, Severity::kOk,
          r.name + " resolves to " + a + ", not an address of this server (" +
              join(s.local_addresses) +
              "): fine behind NAT or a load balancer if the probe answers");
    }
  }
  check_reachable(r, s, *addresses, prober);
}

void check_caa(NameReport& r, const PreflightSettings& s, DnsResolver& resolver) {
  Result<RelevantCaa> caa = find_relevant_caa(resolver, r.name);
  if (!caa.ok()) {
    add(r, Severity::kUnchecked, "CAA: " + caa.status().message(),
        "a CA refuses to issue when CAA cannot be read: fix the DNS server, or ask another "
        "with --resolver");
    return;
  }
  bool wildcard = r.name.compare(0, 2, "*.") == 0;
  CaaVerdict verdict = evaluate_caa(*caa, wildcard, s.issuer_domains);
  if (verdict.allowed) {
    add(r, Severity::kOk, verdict.reason);
    return;
  }
  std::string ca = s.issuer_domains.empty()
                       ? s.ca +
                             " (its issuer domain for CAA is unknown: acmectl preflight "
                             "--ca ISSUER-DOMAIN names it)"
                   : s.issuer_domains == std::vector<std::string>{s.ca}
                       ? s.ca
                       : s.ca + " (" + join(s.issuer_domains) + ")";
  add(r, Severity::kProblem, verdict.reason + "; the CA is " + ca,
      "add a CAA record at " + caa->owner + ": 0 " + (wildcard ? "issuewild" : "issue") + " \"" +
          (s.issuer_domains.empty() ? "ISSUER-DOMAIN" : s.issuer_domains.front()) +
          "\", or order from a CA it allows (ACMECertificateAuthority)");
}

}  // namespace

NameReport run_preflight(const std::string& name, const PreflightSettings& settings,
                         DnsResolver& resolver, Prober& prober) {
  NameReport report;
  report.name = name;
  if (name.compare(0, 2, "*.") == 0) {
    check_wildcard(report, settings);
  } else if (!settings.challenges.empty() && settings.challenges.size() == 1 &&
             settings.challenges.front() == "dns-01") {
    add(report, Severity::kOk, "dns-01 only: the CA does not connect to this server");
  } else {
    check_address(report, settings, resolver, prober);
  }
  check_caa(report, settings, resolver);
  return report;
}

std::string format_name_report(const NameReport& report) {
  std::string out = report.name + "\n";
  for (const auto& f : report.findings) {
    out += std::string(f.severity == Severity::kOk        ? "  ok    "
                       : f.severity == Severity::kProblem ? "  FAIL  "
                                                          : "  ???   ") +
           f.text + "\n";
    if (!f.fix.empty()) out += "  FIX: " + f.fix + "\n";
  }
  return out;
}

bool has_severity(const NameReport& report, Severity severity) {
  return std::any_of(report.findings.begin(), report.findings.end(),
                     [severity](const Finding& f) { return f.severity == severity; });
}

}  // namespace acme
