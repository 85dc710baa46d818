// DnsResolver: the few DNS questions preflight asks (A, AAAA, CAA), behind
// an interface so the checks are unit-tested with a fake. LibresolvResolver
// asks through glibc's libresolv (res_nquery, ns_parserr): no new
// dependency: res_ninit reads the system's servers, res_nmkquery builds the
// question, ns_initparse / ns_parserr read the answer. The exchange itself
// is ours (UDP, TCP after truncation, a hard deadline), because glibc's
// res_nquery fails NODATA answers from servers that set neither AA nor RA
// (docs/decisions.md). --resolver replaces the servers, IPv4 or IPv6.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/status.h"

namespace acme {

constexpr int kDnsTypeA = 1;
constexpr int kDnsTypeAaaa = 28;
constexpr int kDnsTypeCaa = 257;  // RFC 8659 §4.1

struct DnsAnswer {
  bool nxdomain = false;           // the name does not exist (RCODE 3)
  std::vector<std::string> rdata;  // RDATA (wire bytes) of each record of the asked type
};

class DnsResolver {
 public:
  virtual ~DnsResolver() = default;
  // An empty answer (NODATA or NXDOMAIN) is OK; a server that fails
  // (SERVFAIL, REFUSED) or does not answer in time is an error naming name.
  virtual Result<DnsAnswer> query(const std::string& name, int type) = 0;
};

struct ResolverOptions {
  std::string server;  // "" = the system's (resolv.conf); else an IPv4 or IPv6 literal
  int port = 53;
  Seconds timeout{2};  // per try; one try, one retry at most
  int attempts = 1;
};

// Code::kInvalidArgument when server is not an IP literal.
Result<std::unique_ptr<DnsResolver>> make_libresolv_resolver(const ResolverOptions& options);

// ACMEPreflightResolver's value: "192.0.2.53:53" or "[2001:db8::53]:53"
// (the port may be left out: 53). Sets server and port; an error whose
// message says what is wrong and how to write it (the directive prefixes
// its name and the value).
Result<ResolverOptions> parse_resolver_address(const std::string& text);

// "192.0.2.1" / "2001:db8::1" from A / AAAA RDATA; "" when malformed.
std::string address_text(const std::string& rdata);

}  // namespace acme
