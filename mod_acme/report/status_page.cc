#include "report/status_page.h"

#include "base/time_format.h"
#include "json/json.h"

namespace acme {

namespace {

std::string escape_html(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string when(TimePoint t) {
  return t == TimePoint{} ? "" : format_rfc3339(t);
}

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : " ") + n;
  return out;
}

// The record as JSON, with the derived days_left so dashboards need no date math.
Json record_json(const StatusRecord& r, TimePoint now) {
  auto parsed = Json::parse(status_record_json(r));
  Json j = parsed.ok() ? *parsed : Json::object();
  if (r.not_after != TimePoint{})
    j.set("days_left", static_cast<long long>(days_until(r.not_after, now)));
  return j;
}

}  // namespace

long days_until(TimePoint t, TimePoint now) {
  auto secs = std::chrono::duration_cast<Seconds>(t - now).count();
  return static_cast<long>(secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400));
}

std::string status_json(const std::vector<StatusRecord>& records, TimePoint now) {
  Json list = Json::array();
  for (const auto& r : records) list.append(record_json(r, now));
  Json doc = Json::object().set("version", ACME_VERSION).set("now", format_rfc3339(now));
  doc.set("certificates", list);
  return doc.dump_pretty() + "\n";
}

std::string status_html(const std::vector<StatusRecord>& records, TimePoint now) {
  std::string rows;
  for (const auto& r : records) {
    std::string expiry =
        r.not_after == TimePoint{}
            ? "none yet"
            : when(r.not_after) + " (" + std::to_string(days_until(r.not_after, now)) + " days)";
    rows += "<tr class=\"" + escape_html(r.state) + "\"><td>" + escape_html(r.name) + "</td><td>" +
            escape_html(joined(r.names)) + "</td><td>" + escape_html(r.key_type) + "</td><td>" +
            escape_html(r.state) + "</td><td>" + escape_html(expiry) + "</td><td>" +
            escape_html(when(r.next_renewal)) + "</td><td>" +
            escape_html(r.ocsp_status.empty() ? "-" : r.ocsp_status) + "</td><td>" +
            escape_html(r.last_error.empty() ? "-" : r.last_error) + "</td></tr>\n";
  }
  if (records.empty()) rows = "<tr><td colspan=\"8\">No certificates managed yet.</td></tr>\n";
  return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
         "<title>mod_acme status</title><style>"
         "body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
         "td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}"
         "tr.error td{background:#fdd}tr.valid td:nth-child(4){color:#070}"
         "</style></head><body>\n<h1>mod_acme certificates</h1>\n<p>As of " +
         format_rfc3339(now) +
         "</p>\n<table><thead><tr><th>Certificate</th><th>Names</th><th>Key</th><th>State</th>"
         "<th>Expires</th><th>Next renewal</th><th>OCSP</th><th>Last error</th></tr></thead>"
         "<tbody>\n" +
         rows + "</tbody></table>\n</body></html>\n";
}

std::string status_server_status(const std::vector<StatusRecord>& records, TimePoint now,
                                 bool short_report) {
  std::string out;
  if (short_report) {
    for (const auto& r : records) {
      out += "ACMECertificate: " + r.name + " state=" + r.state;
      if (r.not_after != TimePoint{})  // no certificate yet: no days to count
        out += " days_left=" + std::to_string(days_until(r.not_after, now));
      out += "\n";
    }
    return out;
  }
  out =
      "<hr /><h2>mod_acme certificates</h2>\n<table><tr><th>Certificate</th><th>State</th>"
      "<th>Expires</th><th>Last error</th></tr>\n";
  for (const auto& r : records) {
    out += "<tr><td>" + escape_html(r.name) + "</td><td>" + escape_html(r.state) + "</td><td>" +
           escape_html(when(r.not_after)) + "</td><td>" +
           escape_html(r.last_error.empty() ? "-" : r.last_error) + "</td></tr>\n";
  }
  return out + "</table>\n";
}

}  // namespace acme
