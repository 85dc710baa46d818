// FakeDnsResolver: DNS answers from a map, every question recorded.
// Unknown names answer NODATA, as a real server does for a name with no
// record of the asked type.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "preflight/dns.h"

namespace acme {

class FakeDnsResolver : public DnsResolver {
 public:
  void add(const std::string& name, int type, const std::string& rdata) {
    answers_[{name, type}].rdata.push_back(rdata);
  }
  void nxdomain(const std::string& name, int type) { answers_[{name, type}].nxdomain = true; }
  void fail(const std::string& name, int type) { failing_[{name, type}] = true; }

  Result<DnsAnswer> query(const std::string& name, int type) override {
    asked.push_back({name, type});
    if (failing_.count({name, type}))
      return Status(Code::kNetwork, "the DNS server gave no answer for " + name);
    auto it = answers_.find({name, type});
    return it == answers_.end() ? DnsAnswer{} : it->second;
  }

  std::vector<std::pair<std::string, int>> asked;

 private:
  std::map<std::pair<std::string, int>, DnsAnswer> answers_;
  std::map<std::pair<std::string, int>, bool> failing_;
};

// CAA RDATA (RFC 8659 §4.1) from its parts.
inline std::string caa_rdata(int flags, const std::string& tag, const std::string& value) {
  return std::string(1, static_cast<char>(flags)) + std::string(1, static_cast<char>(tag.size())) +
         tag + value;
}

}  // namespace acme
