// CAA (RFC 8659): may the CA whose issuer domain names are given issue for a
// name? Parses CAA RDATA from wire bytes (§4.1), finds the relevant RRset by
// climbing from the name to its parents (§3) and applies the issue /
// issuewild properties (§4.2, §4.3) and the critical flag (§4.1).
#pragma once

#include <string>
#include <vector>

#include "base/status.h"
#include "preflight/dns.h"

namespace acme {

struct CaaRecord {
  bool critical = false;  // Issuer Critical Flag (bit 0 of the flags octet)
  std::string tag;        // lower-cased
  std::string value;
};

// RFC 8659 §4.1: flags (1 octet), tag length (1 octet), tag, value.
Result<CaaRecord> parse_caa(const std::string& rdata);

// RFC 8659 §4.2: the issuer-domain-name of an issue / issuewild value,
// lower-cased: "ca.example; account=1" -> "ca.example"; ";" -> "".
std::string caa_issuer_domain(const std::string& value);

struct RelevantCaa {
  std::string owner;  // where the RRset was found; "" when none was
  std::vector<CaaRecord> records;
};

// RFC 8659 §3: the CAA RRset of name, else of its parent, and so on up to
// (not including) the root; the first non-empty one is relevant. For
// "*.a.example" the climb starts at "a.example". A resolver error stops the
// climb: a CA refuses to issue when it cannot tell.
Result<RelevantCaa> find_relevant_caa(DnsResolver& resolver, const std::string& name);

struct CaaVerdict {
  bool allowed = true;
  std::string reason;  // why not, naming the records; or what allowed it
};

// RFC 8659 §4.2-4.3. issuer_domains: the CA's (lower-case); empty when not
// known, then any issue restriction is reported as not allowed.
CaaVerdict evaluate_caa(const RelevantCaa& caa, bool wildcard,
                        const std::vector<std::string>& issuer_domains);

}  // namespace acme
