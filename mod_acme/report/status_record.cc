#include "report/status_record.h"

#include <algorithm>
#include <cstdlib>

#include "base/time_format.h"
#include "certset/cert_files.h"
#include "json/json.h"
#include "json/record_file.h"
#include "store/layout.h"

namespace acme {

namespace {

using layout::kStatusDir;

// Times are RFC 3339 in the files people and scripts read; absent = epoch.
void set_time(Json& j, const char* key, TimePoint t) {
  if (t != TimePoint{}) j.set(key, format_rfc3339(t));
}

TimePoint get_time(const Json& j, const char* key) {
  auto t = parse_rfc3339(j.get_string_or(key, ""));
  return t.ok() ? *t : TimePoint{};
}

Status read_status_record(const Json& j, StatusRecord* r) {
  auto name = j.get_string("name");
  if (!name.ok()) return name.status();
  r->name = *name;
  auto names = j.get_string_array("names");
  if (names.ok()) r->names = *names;
  r->key_type = j.get_string_or("key_type", "");
  r->state = j.get_string_or("state", "");
  r->serial = j.get_string_or("serial", "");
  r->last_error = j.get_string_or("last_error", "");
  r->failures = static_cast<int>(j.get_int_or("failures", 0));
  r->ocsp_status = j.get_string_or("ocsp_status", "");
  r->not_before = get_time(j, "not_before");
  r->not_after = get_time(j, "not_after");
  r->next_renewal = get_time(j, "next_renewal");
  r->last_error_at = get_time(j, "last_error_at");
  r->last_success = get_time(j, "last_success");
  r->ocsp_next_update = get_time(j, "ocsp_next_update");
  r->updated = get_time(j, "updated");
  return Status();
}

}  // namespace

std::string status_record_json(const StatusRecord& r) {
  Json names = Json::array();
  for (const auto& n : r.names) names.append(n);
  Json j = Json::object();
  j.set("name", r.name).set("names", names).set("key_type", r.key_type).set("state", r.state);
  j.set("serial", r.serial).set("last_error", r.last_error);
  j.set("failures", static_cast<long long>(r.failures)).set("ocsp_status", r.ocsp_status);
  set_time(j, "not_before", r.not_before);
  set_time(j, "not_after", r.not_after);
  set_time(j, "next_renewal", r.next_renewal);
  set_time(j, "last_error_at", r.last_error_at);
  set_time(j, "last_success", r.last_success);
  set_time(j, "ocsp_next_update", r.ocsp_next_update);
  set_time(j, "updated", r.updated);
  return record_file_text(j);
}

Result<StatusRecord> parse_status_record(const std::string& text) {
  return parse_record_file(text, read_status_record);
}

// Unsynced: a report, rewritten at every step; a power loss at worst shows
// an older one until the next.
Status write_status_record(Store& store, const StatusRecord& record) {
  StatusRecord r = record;
  if (r.last_success == TimePoint{}) {
    auto before = read_status_record(store, r.name);
    if (before.ok()) r.last_success = before->last_success;
  }
  return store.write_unsynced(layout::status_file(r.name), status_record_json(r), 0644);
}

Result<StatusRecord> read_status_record(const Store& store, const std::string& name) {
  auto text = store.read(layout::status_file(name));
  if (!text.ok()) return text.status();
  return parse_status_record(*text);
}

namespace {

constexpr const char kJsonSuffix[] = ".json";

StatusRecord unreadable(const std::string& name, const Status& why) {
  StatusRecord r;
  r.name = name;
  r.state = "unreadable";
  r.last_error = why.message();
  return r;
}

// A live set the watchdog has not reported on (yet): what its files say.
StatusRecord record_from_live(const Store& store, const std::string& name) {
  auto live = read_live(store, name);
  if (!live.ok()) return unreadable(name, live.status());
  StatusRecord r;
  r.name = name;
  r.names = live->names;
  r.key_type = live->key_type;
  r.state = "unknown";
  r.serial = live->serial;
  r.not_before = live->not_before;
  r.not_after = live->not_after;
  return r;
}

}  // namespace

Result<std::vector<std::string>> managed_names(const Store& store) {
  auto records = store.list(kStatusDir);
  ACME_RETURN_IF_ERROR(records);
  auto live = store.list(layout::kLiveDir);
  ACME_RETURN_IF_ERROR(live);
  const std::string suffix = kJsonSuffix;
  std::vector<std::string> names = *live;
  for (const std::string& e : *records)
    if (e.size() > suffix.size() && e.compare(e.size() - suffix.size(), suffix.size(), suffix) == 0)
      names.push_back(e.substr(0, e.size() - suffix.size()));
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

Result<std::vector<StatusRecord>> collect_status_records(const Store& store) {
  auto names = managed_names(store);
  ACME_RETURN_IF_ERROR(names);
  std::vector<StatusRecord> out;
  for (const std::string& name : *names) {
    if (!store.exists(layout::status_file(name))) {
      out.push_back(record_from_live(store, name));
      continue;
    }
    auto r = read_status_record(store, name);
    out.push_back(r.ok() ? std::move(*r) : unreadable(name, r.status()));
  }
  return out;
}

Result<int> parse_revocation_reason(const std::string& text) {
  static const char* const kNames[] = {
      "unspecified",   "keyCompromise",        "cACompromise",    "affiliationChanged",
      "superseded",    "cessationOfOperation", "certificateHold", "",
      "removeFromCRL", "privilegeWithdrawn",   "aACompromise"};
  for (int i = 0; i <= 10; ++i)
    if (i != 7 && text == kNames[i]) return i;
  char* end = nullptr;
  long n = std::strtol(text.c_str(), &end, 10);
  if (!text.empty() && *end == '\0' && n >= 0 && n <= 10 && n != 7) return static_cast<int>(n);
  return Status(Code::kInvalidArgument,
                "'" + text +
                    "' is not a revocation reason (RFC 5280 §5.3.1): use unspecified, "
                    "keyCompromise, affiliationChanged, superseded or cessationOfOperation");
}

Status write_admin_request(Store& store, const std::string& name, const AdminRequest& request) {
  Json j = Json::object();
  j.set("action", request.action == RequestAction::kRevoke ? "revoke" : "renew");
  j.set("reason", static_cast<long long>(request.reason));
  set_time(j, "requested", request.requested);
  return store.write(layout::request_file(name), record_file_text(j), 0644);
}

Result<AdminRequest> read_admin_request(const Store& store, const std::string& name) {
  auto text = store.read(layout::request_file(name));
  if (!text.ok()) return text.status();
  auto j = Json::parse(*text);
  if (!j.ok()) return j.status();
  AdminRequest r;
  std::string action = j->get_string_or("action", "");
  if (action == "revoke")
    r.action = RequestAction::kRevoke;
  else if (action == "renew")
    r.action = RequestAction::kRenew;
  else
    return Status(Code::kInvalidArgument, "unknown request action '" + action + "'");
  r.reason = static_cast<int>(j->get_int_or("reason", 0));
  r.requested = get_time(*j, "requested");
  return r;
}

}  // namespace acme
