#include "preflight/caa.h"

#include <algorithm>
#include <cctype>

namespace acme {

namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string trim(const std::string& s) {
  std::size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

// Tags this check understands; a critical record with any other tag forbids
// issuance (RFC 8659 §4.1, §4.5 for the iodef property).
bool known_tag(const std::string& tag) {
  return tag == "issue" || tag == "issuewild" || tag == "iodef";
}

std::string parent_of(const std::string& name) {
  std::size_t dot = name.find('.');
  return dot == std::string::npos ? "" : name.substr(dot + 1);
}

std::string record_text(const CaaRecord& r) {
  return std::string(r.critical ? "128 " : "0 ") + r.tag + " \"" + r.value + "\"";
}

}  // namespace

Result<CaaRecord> parse_caa(const std::string& rdata) {
  if (rdata.size() < 2) return Status(Code::kProtocol, "CAA record shorter than 2 octets");
  std::size_t tag_len = static_cast<unsigned char>(rdata[1]);
  if (tag_len == 0 || rdata.size() < 2 + tag_len)
    return Status(Code::kProtocol, "CAA record with a bad tag length");
  CaaRecord r;
  r.critical = (static_cast<unsigned char>(rdata[0]) & 0x80) != 0;
  r.tag = lower(rdata.substr(2, tag_len));
  r.value = rdata.substr(2 + tag_len);
  return r;
}

std::string caa_issuer_domain(const std::string& value) {
  return lower(trim(value.substr(0, value.find(';'))));
}

Result<RelevantCaa> find_relevant_caa(DnsResolver& resolver, const std::string& name) {
  std::string at = lower(name);
  if (at.compare(0, 2, "*.") == 0) at = at.substr(2);
  if (!at.empty() && at.back() == '.') at.pop_back();
  for (; !at.empty(); at = parent_of(at)) {
    Result<DnsAnswer> answer = resolver.query(at, kDnsTypeCaa);
    ACME_RETURN_IF_ERROR(answer);
    if (answer->rdata.empty()) continue;
    RelevantCaa out;
    out.owner = at;
    for (const auto& rdata : answer->rdata) {
      Result<CaaRecord> record = parse_caa(rdata);
      ACME_RETURN_IF_ERROR(record);
      out.records.push_back(*record);
    }
    return out;
  }
  return RelevantCaa{};
}

CaaVerdict evaluate_caa(const RelevantCaa& caa, bool wildcard,
                        const std::vector<std::string>& issuer_domains) {
  if (caa.records.empty()) return {true, "no CAA record for it or a parent: any CA may issue"};
  for (const auto& r : caa.records) {
    if (r.critical && !known_tag(r.tag))
      return {false, "CAA at " + caa.owner + " has the critical record " + record_text(r) +
                         ", which no CA that does not know the tag '" + r.tag +
                         "' may ignore: it forbids issuance"};
  }
  // §4.3: issuewild, when present, alone governs wildcard names.
  bool has_wild = std::any_of(caa.records.begin(), caa.records.end(),
                              [](const CaaRecord& r) { return r.tag == "issuewild"; });
  const std::string tag = wildcard && has_wild ? "issuewild" : "issue";
  std::vector<std::string> allowed;
  for (const auto& r : caa.records) {
    if (r.tag != tag) continue;
    std::string domain = caa_issuer_domain(r.value);
    if (!domain.empty() && std::count(issuer_domains.begin(), issuer_domains.end(), domain) > 0)
      return {true, "CAA at " + caa.owner + " allows " + domain + " (" + record_text(r) + ")"};
    allowed.push_back(domain.empty() ? "no CA (\"" + r.value + "\")" : domain);
  }
  if (allowed.empty())
    return {true, "CAA at " + caa.owner + " has no " + tag + " record: any CA may issue"};
  std::string list;
  for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
  return {false, "CAA at " + caa.owner + " (" + tag + ") allows only " + list};
}

}  // namespace acme
