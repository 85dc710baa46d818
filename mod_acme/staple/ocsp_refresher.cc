#include "staple/ocsp_refresher.h"

#include <algorithm>
#include <vector>

#include "base/time_format.h"
#include "store/layout.h"

namespace acme {

namespace {

constexpr Seconds kNoResponderRecheck{12 * 3600};
constexpr Seconds kMinRefresh{10};  // even a response valid for a minute is refreshed in time
constexpr Seconds kRetryBase{300};
constexpr Seconds kRetryMax{3600};

std::string response_path(const std::string& name) {
  return layout::ocsp_file(name);
}

}  // namespace

// "<serial>\n<DER>": a serial in hex never holds a newline.
std::string staple_entry(const std::string& serial_hex, const std::string& der) {
  return serial_hex + '\n' + der;
}

bool staple_for_serial(const std::string& entry, const std::string& serial_hex, std::string* der) {
  if (serial_hex.empty() || entry.size() <= serial_hex.size() ||
      entry.compare(0, serial_hex.size(), serial_hex) != 0 || entry[serial_hex.size()] != '\n')
    return false;
  der->assign(entry, serial_hex.size() + 1, std::string::npos);
  return true;
}

struct OcspRefresher::Live {
  std::vector<Certificate> certs;  // leaf, issuer, ...
  const Certificate& leaf() const { return certs[0]; }
  const Certificate& issuer() const { return certs[1]; }
};

OcspRefresher::OcspRefresher(Store& store, OcspTable& table, const Clock& clock, LogSink& log,
                             std::unique_ptr<HttpClient> http)
    : store_(store), table_(table), clock_(clock), log_(log), http_(std::move(http)) {}

const OcspState* OcspRefresher::state(const std::string& name) const {
  auto it = states_.find(name);
  return it == states_.end() ? nullptr : &it->second;
}

Result<OcspRefresher::Live> OcspRefresher::read_live_pair(const std::string& name) const {
  auto pem = store_.read(layout::file_in(layout::live_dir(name), layout::kFullchainFile));
  if (!pem.ok()) return pem.status();
  auto certs = Certificate::parse_pem_chain(*pem);
  if (!certs.ok()) return certs.status();
  if (certs->size() < 2) return Status(Code::kNotFound, "the live chain has no issuer");
  return Live{std::move(*certs)};
}

void OcspRefresher::load(const ManagedCert& cert) {
  auto live = read_live_pair(cert.name);
  auto der = store_.read(response_path(cert.name));
  if (!live.ok() || !der.ok()) return;
  auto result = verify_ocsp_response(*der, live->leaf(), live->issuer(), clock_.now());
  if (!result.ok()) return;  // stale or for an older certificate: refresh() fetches anew
  OcspState& st = states_[cert.name];
  st.serial = live->leaf().serial_hex();
  accept(cert, st, *result, false);
}

// POST the DER request (RFC 6960 Appendix A.1), bounded by the HTTP client.
Result<OcspResult> OcspRefresher::fetch(const Live& live, const std::string& url) {
  auto request_der = make_ocsp_request(live.leaf(), live.issuer());
  if (!request_der.ok()) return request_der.status();
  HttpRequest request = http_post(url, *request_der, "application/ocsp-request");
  auto response = http_->send(request);
  if (!response.ok()) return response.status();
  if (response->status != 200) {
    return Status(Code::kNetwork,
                  "OCSP responder " + url + " answered HTTP " + std::to_string(response->status));
  }
  return verify_ocsp_response(response->body, live.leaf(), live.issuer(), clock_.now());
}

OcspRefresher::Outcome OcspRefresher::refresh(const ManagedCert& cert) {
  const TimePoint now = clock_.now();
  auto live = read_live_pair(cert.name);
  if (!live.ok()) return {now + kNoResponderRecheck};
  OcspState& st = states_[cert.name];
  if (st.serial != live->leaf().serial_hex()) {  // a new certificate went live
    st = OcspState();
    st.serial = live->leaf().serial_hex();
  }
  if (st.next_refresh > now) return {st.next_refresh};
  const std::string url = ocsp_url(live->leaf());
  if (url.empty()) {
    st.no_responder = true;
    st.next_refresh = now + kNoResponderRecheck;
    return {st.next_refresh};
  }
  auto result = fetch(*live, url);
  if (!result.ok()) return fail(cert, st, result.status());
  accept(cert, st, *result, true);
  Outcome outcome{st.next_refresh};
  outcome.revoked = result->status == CertStatus::kRevoked;
  return outcome;
}

// Staples the response and plans the next refresh at half its validity.
void OcspRefresher::accept(const ManagedCert& cert, OcspState& st, const OcspResult& result,
                           bool fresh) {
  const TimePoint now = clock_.now();
  if (fresh) {
    Status saved = store_.write(response_path(cert.name), result.der, 0644);
    if (!saved.ok()) log_.log(LogLevel::kWarn, kMsgStoreError, saved.message());
  }
  Status put = table_.put(cert.name, staple_entry(st.serial, result.der));
  if (!put.ok()) log_.log(LogLevel::kWarn, kMsgOcspError, put.message());
  st.have_response = true;
  st.status = result.status;
  st.next_update = result.next_update;
  st.failures = 0;
  st.last_error.clear();
  TimePoint half = result.this_update + (result.next_update - result.this_update) / 2;
  if (result.next_update == result.this_update) half = now + kRetryMax;
  st.next_refresh = std::max(half, now + kMinRefresh);
  if (fresh) {
    log_.log(result.status == CertStatus::kRevoked ? LogLevel::kError : LogLevel::kInfo,
             result.status == CertStatus::kRevoked ? kMsgOcspRevoked : kMsgOcsp,
             "OCSP status of " + cert.name + " (serial " + st.serial +
                 "): " + cert_status_name(result.status) + ", stapled until " +
                 format_rfc3339(result.next_update) + "; next refresh " +
                 format_rfc3339(st.next_refresh));
  }
}

OcspRefresher::Outcome OcspRefresher::fail(const ManagedCert& cert, OcspState& st,
                                           const Status& error) {
  const TimePoint now = clock_.now();
  st.failures += 1;
  st.last_error = error.message();
  Seconds delay = std::min(kRetryMax, kRetryBase * (1 << std::min(st.failures - 1, 4)));
  st.next_refresh = now + delay;
  log_.log(LogLevel::kWarn, kMsgOcspError,
           "OCSP status of " + cert.name + " could not be refreshed: " + error.message() +
               (st.have_response ? "; the last good response stays stapled" : "") +
               "; next try in " + format_duration(delay));
  Outcome outcome{st.next_refresh};
  outcome.errored = true;
  return outcome;
}

}  // namespace acme
