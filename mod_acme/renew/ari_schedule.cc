#include "renew/ari_schedule.h"

#include "base/time_format.h"
#include "crypto/certificate.h"
#include "json/record_file.h"
#include "schedule/ari_policy.h"
#include "store/layout.h"

namespace acme {

namespace {

Json time_json(TimePoint t) {
  return Json::string(format_rfc3339(t));
}

TimePoint time_or_zero(const Json& json, const std::string& key) {
  auto t = parse_rfc3339(json.get_string_or(key, ""));
  return t.ok() ? *t : TimePoint{};
}

Status read_ari_record(const Json& json, AriRecord* r) {
  r->cert_id = json.get_string_or("cert_id", "");
  r->next_poll = time_or_zero(json, "next_poll");
  Json window = json.get("window");
  if (window.is_object()) {
    r->window_start = time_or_zero(window, "start");
    r->window_end = time_or_zero(window, "end");
    r->chosen = time_or_zero(json, "chosen");
    r->has_window = r->window_end > r->window_start && r->chosen != TimePoint{};
  }
  r->explanation_url = json.get_string_or("explanation_url", "");
  return Status();
}

}  // namespace

std::string ari_record_json(const AriRecord& r) {
  Json j = Json::object().set("cert_id", r.cert_id).set("next_poll", time_json(r.next_poll));
  if (r.has_window) {
    j.set(
        "window",
        Json::object().set("start", time_json(r.window_start)).set("end", time_json(r.window_end)));
    j.set("chosen", time_json(r.chosen));
  }
  if (!r.explanation_url.empty()) j.set("explanation_url", r.explanation_url);
  return record_file_text(j);
}

Result<AriRecord> parse_ari_record(const std::string& text) {
  return parse_record_file(text, read_ari_record);
}

Result<std::string> live_cert_id(const Store& store, const std::string& name) {
  auto pem = store.read(layout::file_in(layout::live_dir(name), layout::kCertFile));
  if (!pem.ok()) return pem.status();
  auto certs = Certificate::parse_pem_chain(*pem);
  if (!certs.ok()) return certs.status();
  return ari_cert_id(certs->front());
}

AriSchedule::AriSchedule(Store& store, const Clock& clock, LogSink& log,
                         std::function<double()> random01)
    : store_(store), clock_(clock), log_(log), random01_(std::move(random01)) {}

bool AriSchedule::poll_due(const ManagedCert& cert, const std::string& cert_id) {
  return clock_.now() >= record_for(cert.name, cert_id).next_poll;
}

void AriSchedule::refresh(const ManagedCert& cert, CaSession& session) {
  auto cert_id = live_cert_id(store_, cert.name);
  if (cert_id.ok()) poll(cert.name, record_for(cert.name, *cert_id), session);
}

AriSchedule::Decision AriSchedule::decide(const ManagedCert& cert, const LiveInfo& live,
                                          CaSession& session) {
  auto cert_id = live_cert_id(store_, cert.name);
  if (cert_id.ok() && poll_due(cert, *cert_id)) refresh(cert, session);
  return decide(cert, live, cert_id);
}

AriSchedule::Decision AriSchedule::decide(const ManagedCert& cert, const LiveInfo& live,
                                          const Result<std::string>& cert_id) {
  Decision d;
  d.renew_at = baseline_renewal_time(live.not_before, live.not_after, cert.renew_window);
  d.basis = "renew window " + format_renew_window(cert.renew_window);
  if (!cert_id.ok()) return d;
  const AriRecord& record = record_for(cert.name, *cert_id);
  d.next_poll = record.next_poll;
  if (!record.has_window) return d;
  d.renew_at = ari_renewal_time(live.not_before, live.not_after, cert.renew_window, record.chosen);
  d.basis = d.renew_at == record.chosen
                ? "the CA's suggested window " + format_rfc3339(record.window_start) + " .. " +
                      format_rfc3339(record.window_end) + " (RFC 9773)"
                : "little lifetime left, whatever the CA's window says";
  return d;
}

// The record of this certificate: remembered, else from the store; a
// record of another (older) certificate starts afresh.
AriRecord& AriSchedule::record_for(const std::string& name, const std::string& cert_id) {
  auto found = records_.find(name);
  if (found == records_.end()) {
    AriRecord loaded;
    auto text = store_.read(layout::ari_file(name));
    if (text.ok()) {
      auto parsed = parse_ari_record(*text);
      if (parsed.ok()) loaded = std::move(*parsed);
    }
    found = records_.emplace(name, std::move(loaded)).first;
  }
  if (found->second.cert_id != cert_id) {
    found->second = AriRecord();
    found->second.cert_id = cert_id;
  }
  return found->second;
}

void AriSchedule::poll(const std::string& name, AriRecord& record, CaSession& session) {
  const TimePoint now = clock_.now();
  auto dir = session.client().directory();
  if (!dir.ok() || (*dir)->renewal_info.empty()) {
    // No renewal information from this CA (or no directory now): not saved,
    // the directory is asked once per session anyway.
    record.next_poll = now + (dir.ok() ? kAriDefaultRetry : kAriErrorRetry);
    return;
  }
  auto info = fetch_renewal_info(session.http(), (*dir)->renewal_info, record.cert_id, now);
  if (info.ok()) {
    accept(name, record, *info);
    record.next_poll = now + info->retry_after;
  } else {
    log_.log(LogLevel::kWarn, kMsgRenewalInfo,
             "renewal information for " + name + " unavailable: " + info.status().message() +
                 (record.has_window ? "; keeping the last window" : "; the renew window rules") +
                 ", asking again in " + format_duration(kAriErrorRetry));
    record.next_poll = now + kAriErrorRetry;
  }
  save(name, record);
}

// §4.2: a new window gets a new random moment; the same window keeps its
// moment, so asking again never moves the renewal around.
void AriSchedule::accept(const std::string& name, AriRecord& record, const RenewalInfo& info) {
  record.explanation_url = info.explanation_url;
  // Compared to the second: that is what ari/<name>.json keeps.
  if (record.has_window && to_unix(record.window_start) == to_unix(info.window_start) &&
      to_unix(record.window_end) == to_unix(info.window_end))
    return;
  record.has_window = true;
  record.window_start = info.window_start;
  record.window_end = info.window_end;
  record.chosen =
      from_unix(to_unix(pick_in_window(info.window_start, info.window_end, random01_())));
  log_.log(LogLevel::kNotice, kMsgRenewalInfo,
           "renewal information for " + name + ": the CA suggests renewing between " +
               format_rfc3339(info.window_start) + " and " + format_rfc3339(info.window_end) +
               (info.explanation_url.empty() ? "" : " (" + info.explanation_url + ")") +
               "; renewing at " + format_rfc3339(record.chosen));
}

void AriSchedule::save(const std::string& name, const AriRecord& record) {
  Status written = store_.write(layout::ari_file(name), ari_record_json(record), 0644);
  if (!written.ok()) log_.log(LogLevel::kWarn, kMsgStoreError, written.message());
}

}  // namespace acme
