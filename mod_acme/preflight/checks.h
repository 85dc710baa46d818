// Preflight: before a first order, the checks that find what the CA would
// otherwise find (and count against the account's failed validations): a
// name whose A/AAAA does not point at this server, a challenge port the CA
// cannot reach, CAA records that name another CA, a wildcard without dns-01.
// One implementation for `acmectl preflight` and the watchdog's check before
// a first order; the DNS and the probe are interfaces, faked in unit tests.
#pragma once

#include <string>
#include <vector>

#include "base/status.h"
#include "preflight/dns.h"

namespace acme {

// How this server is asked for NAME: what the CA would do for http-01
// (port 80, plain HTTP) or tls-alpn-01 (port 443, TLS). The probe asks
// `address`, sending NAME as Host (and SNI), for the probe's path and OK
// means this httpd answered with the probe's value.
class Prober {
 public:
  virtual ~Prober() = default;
  virtual Status probe(const std::string& address, int port, bool tls, const std::string& name) = 0;
  // The URL asked (for messages), e.g. "http://a.example/.well-known/acme-challenge/T".
  virtual std::string url(const std::string& name, int port, bool tls) const = 0;
};

struct PreflightSettings {
  std::vector<std::string> challenges;      // ACMEChallenges, in order; first reachable one is used
  bool dns01_configured = false;            // ACMEDns01Command set
  std::vector<std::string> issuer_domains;  // the CA's CAA identities; empty = unknown
  std::string ca;                           // the CA, as the admin knows it (messages)
  int http_port = 80;
  int tls_port = 443;
  std::vector<std::string> local_addresses;  // this host's addresses (getifaddrs)
  bool probes_served = true;                 // false: the running httpd did not take the probes
  // ACMESharedStore: the balancer may send a probe to another node, which
  // does not serve this node's probe (a wrong answer is then no finding).
  bool cluster = false;
};

enum class Severity { kOk, kProblem, kUnchecked };

struct Finding {
  Severity severity = Severity::kOk;
  std::string text;
  std::string fix;  // for kProblem (and kUnchecked): what to change
};

struct NameReport {
  std::string name;
  std::vector<Finding> findings;
};

NameReport run_preflight(const std::string& name, const PreflightSettings& settings,
                         DnsResolver& resolver, Prober& prober);

// "  ok   ...", "  FAIL ...", "  FIX: ..." lines.
std::string format_name_report(const NameReport& report);
bool has_severity(const NameReport& report, Severity severity);

}  // namespace acme
