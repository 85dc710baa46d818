#include "status_cmd.h"

#include <algorithm>

#include "cluster_store.h"
#include "report/status_page.h"
#include "store/file_store.h"
#include "text.h"

namespace acme::ctl {

namespace {

std::string expiry_text(const StatusRecord& r, TimePoint now) {
  if (r.not_after == TimePoint{}) return "-";
  long days = days_until(r.not_after, now);
  std::string left = r.not_after < now
                         ? "EXPIRED " + relative_time(r.not_after, now)
                         : std::to_string(days) + (days == 1 ? " day" : " days") + " left";
  return format_time(r.not_after) + " (" + left + ")";
}

std::string when_text(TimePoint t, TimePoint now) {
  return t == TimePoint{} ? "-" : format_time(t) + " (" + relative_time(t, now) + ")";
}

std::string last_error_text(const StatusRecord& r) {
  if (r.last_error.empty()) return "-";
  std::string text = r.last_error;
  if (r.last_error_at != TimePoint{}) text = format_time(r.last_error_at) + ": " + text;
  if (r.failures > 1) text += " (" + std::to_string(r.failures) + " failures in a row)";
  return text;
}

void append_record(const StatusRecord& r, TimePoint now, std::string& out) {
  auto line = [&out](const char* label, const std::string& value) {
    out += std::string("  ") + label + std::string(14 - std::string(label).size(), ' ') +
           (value.empty() ? "-" : value) + "\n";
  };
  out += r.name + "\n";
  line("names:", join(r.names));
  line("key type:", r.key_type);
  line("serial:", r.serial);
  line("expires:", expiry_text(r, now));
  line("next renewal:", when_text(r.next_renewal, now));
  line("state:", r.state == "unknown" ? "unknown (no status record: the server has not "
                                        "reported on it yet)"
                                      : r.state);
  line("last error:", last_error_text(r));
  if (!r.ocsp_status.empty()) line("OCSP:", r.ocsp_status);
}

}  // namespace

std::string record_problem(const StatusRecord& r, TimePoint now) {
  if (r.state == "unreadable") return "its record cannot be read";
  if (r.not_after != TimePoint{} && r.not_after < now) return "the certificate has expired";
  if (r.state == "error") return "it is in state error";
  if (r.state == "missing") return "it has no certificate yet";
  if (!r.last_error.empty()) return "the last renewal attempt failed";
  return "";
}

std::string format_status_text(const std::vector<StatusRecord>& records, TimePoint now) {
  std::string out;
  std::vector<std::string> problems;
  for (const StatusRecord& r : records) {
    if (!out.empty()) out += "\n";
    append_record(r, now, out);
    std::string problem = record_problem(r, now);
    if (!problem.empty()) problems.push_back(r.name + ": " + problem);
  }
  std::string count =
      std::to_string(records.size()) + (records.size() == 1 ? " certificate" : " certificates");
  if (problems.empty()) return out + "\n" + count + ", all well.\n";
  out += "\n" + count + ", " + std::to_string(problems.size()) + " needing attention:\n";
  for (const std::string& p : problems) out += "  " + p + "\n";
  return out + "See the error log (grep ACME1) and `acmectl check https://NAME`.\n";
}

int run_status(const Store& store, bool json, TimePoint now, std::ostream& out, std::ostream& err) {
  auto records = collect_status_records(store);
  if (!records.ok()) {
    err << "acmectl status: " << records.status().message()
        << " (run as a user who can read the store, e.g. root)\n";
    return kExitUsage;
  }
  if (json) {
    out << status_json(*records, now);  // the very document of /acme-status?json
  } else if (records->empty()) {
    out << "No certificates in this store yet (no status/*.json, no live/*): is --store the "
           "ACMEStoreDir of your httpd configuration?\n";
  } else {
    out << format_status_text(*records, now);
  }
  for (const StatusRecord& r : *records) {
    if (!record_problem(r, now).empty()) return kExitProblem;
  }
  return kExitOk;
}

int run_status(const Args& args, std::ostream& out, std::ostream& err) {
  if (!store_dir_usable(args, err)) return kExitUsage;
  return with_store(args, err, [&](Store& store) {
    return run_status(store, args.json, std::chrono::system_clock::now(), out, err);
  });
}

}  // namespace acme::ctl
