#include "report/metrics.h"

#include <algorithm>
#include <cctype>

#include "base/clock.h"

namespace acme {

namespace {

// The OCSP and job states a record can carry: one series per state with 1 for
// the current one (the Prometheus way to expose an enumeration).
const char* const kOcspStates[] = {"good", "revoked", "unknown"};
const char* const kStates[] = {"valid", "renewing", "staged", "error", "missing"};

std::string label(const StatusRecord& r) {
  return "name=\"" + escape_label_value(r.name) + "\"";
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string strip(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

void header(std::string& out, const char* name, const char* type, const char* help) {
  out += std::string("# HELP ") + name + " " + help + "\n";
  out += std::string("# TYPE ") + name + " " + type + "\n";
}

// One gauge family: a sample per record that has the value.
void time_family(std::string& out, const std::vector<StatusRecord>& records, const char* name,
                 const char* help, TimePoint StatusRecord::*field) {
  header(out, name, "gauge", help);
  for (const auto& r : records)
    if (r.*field != TimePoint{})
      out += std::string(name) + "{" + label(r) + "} " + std::to_string(to_unix(r.*field)) + "\n";
}

void enum_family(std::string& out, const std::vector<StatusRecord>& records, const char* name,
                 const char* help, const char* key, const char* const* states, std::size_t n,
                 std::string StatusRecord::*field) {
  header(out, name, "gauge", help);
  for (const auto& r : records) {
    if ((r.*field).empty()) continue;
    auto sample = [&](const std::string& state, bool current) {
      out += std::string(name) + "{" + label(r) + "," + key + "=\"" + escape_label_value(state) +
             "\"} " + (current ? "1" : "0") + "\n";
    };
    bool known = false;
    for (std::size_t i = 0; i < n; ++i) {
      known = known || r.*field == states[i];
      sample(states[i], r.*field == states[i]);
    }
    if (!known) sample(r.*field, true);  // a state newer than this list still shows
  }
}

void ca_families(std::string& out, std::vector<CaCounts> cas) {
  std::sort(cas.begin(), cas.end(),
            [](const CaCounts& a, const CaCounts& b) { return a.ca < b.ca; });
  header(out, "acme_ca_requests_total", "counter",
         "Requests to the CA (directory fetches and signed POSTs, each badNonce retry one more), "
         "since the store's counts began.");
  for (const auto& c : cas)
    out += "acme_ca_requests_total{ca=\"" + escape_label_value(c.ca) + "\"} " +
           std::to_string(c.counts.requests) + "\n";
  header(out, "acme_ca_errors_total", "counter",
         "Failed requests to the CA by type: the RFC 8555 problem type without its URN prefix, "
         "otherProblem, insecureUrl, network or protocol.");
  for (const auto& c : cas)
    for (const auto& [type, n] : c.counts.errors)
      out += "acme_ca_errors_total{ca=\"" + escape_label_value(c.ca) + "\",type=\"" +
             escape_label_value(type) + "\"} " + std::to_string(n) + "\n";
}

}  // namespace

std::string escape_label_value(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

bool accepts_prometheus_text(const std::string& accept) {
  std::size_t start = 0;
  while (start <= accept.size()) {
    std::size_t end = accept.find(',', start);
    if (end == std::string::npos) end = accept.size();
    const std::string range = lower(accept.substr(start, end - start));
    std::size_t semi = range.find(';');
    if (strip(range.substr(0, semi)) == "text/plain") {
      while (semi != std::string::npos) {
        std::size_t next = range.find(';', semi + 1);
        if (strip(range.substr(semi + 1, next - semi - 1)) == "version=0.0.4") return true;
        semi = next;
      }
    }
    start = end + 1;
  }
  return false;
}

std::string metrics_text(const std::vector<StatusRecord>& input, const std::vector<CaCounts>& cas) {
  std::vector<StatusRecord> records = input;  // sorted: the same scrape gives the same text
  std::sort(records.begin(), records.end(),
            [](const StatusRecord& a, const StatusRecord& b) { return a.name < b.name; });
  std::string out;
  time_family(out, records, "acme_certificate_expiry_timestamp_seconds",
              "notAfter of the live certificate, Unix time.", &StatusRecord::not_after);
  time_family(out, records, "acme_certificate_not_before_timestamp_seconds",
              "notBefore of the live certificate, Unix time.", &StatusRecord::not_before);
  time_family(out, records, "acme_certificate_next_renewal_timestamp_seconds",
              "When the watchdog next orders (or retries) this certificate, Unix time.",
              &StatusRecord::next_renewal);
  time_family(out, records, "acme_certificate_last_success_timestamp_seconds",
              "When a renewal of this certificate last succeeded (a verified set staged), "
              "Unix time; no sample before the first success this store saw.",
              &StatusRecord::last_success);
  time_family(out, records, "acme_certificate_last_error_timestamp_seconds",
              "When the current renewal last failed, Unix time; no sample without an error.",
              &StatusRecord::last_error_at);
  header(out, "acme_certificate_renewal_failures", "gauge",
         "Failed attempts of the current renewal (the status record's failures), "
         "0 again after a success: consecutive failures, not a total since start.");
  for (const auto& r : records)
    out +=
        "acme_certificate_renewal_failures{" + label(r) + "} " + std::to_string(r.failures) + "\n";
  enum_family(out, records, "acme_certificate_state",
              "Renewal state of the certificate (1 = "
              "current).",
              "state", kStates, std::size(kStates), &StatusRecord::state);
  enum_family(out, records, "acme_certificate_ocsp_status",
              "OCSP status of the live certificate (1 = current); no sample without an OCSP "
              "answer.",
              "status", kOcspStates, std::size(kOcspStates), &StatusRecord::ocsp_status);
  time_family(out, records, "acme_certificate_ocsp_next_update_timestamp_seconds",
              "nextUpdate of the OCSP response held, Unix time.", &StatusRecord::ocsp_next_update);
  ca_families(out, cas);
  return out;
}

}  // namespace acme
