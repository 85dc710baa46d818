#include "report/status_response.h"

#include <cstring>
#include <vector>

#include "report/ca_counts.h"
#include "report/metrics.h"
#include "report/status_page.h"
#include "report/status_record.h"

namespace acme {

namespace {

std::vector<StatusRecord> records(const Store& store) {
  auto all = collect_status_records(store);  // the same as `acmectl status`
  return all.ok() ? std::move(*all) : std::vector<StatusRecord>();
}

// Whether the query string has the argument `name` (as "name" or "name=...").
bool has_arg(const char* query, const char* name) {
  const std::size_t n = std::strlen(name);
  for (const char* p = query; p != nullptr;) {
    if (std::strncmp(p, name, n) == 0 && (p[n] == '\0' || p[n] == '&' || p[n] == '=')) return true;
    p = std::strchr(p, '&');
    if (p) ++p;
  }
  return false;
}

}  // namespace

StatusFormat wanted_status_format(const char* query, const char* accept) {
  if (has_arg(query, "metrics")) return StatusFormat::kMetrics;
  if (query && std::strstr(query, "json")) return StatusFormat::kJson;
  if (accept && accepts_prometheus_text(accept)) return StatusFormat::kMetrics;
  if (accept && std::strstr(accept, "application/json")) return StatusFormat::kJson;
  return StatusFormat::kHtml;
}

const char* status_content_type(StatusFormat format) {
  if (format == StatusFormat::kMetrics) return kMetricsContentType;
  return format == StatusFormat::kJson ? "application/json" : "text/html; charset=utf-8";
}

std::string status_body(StatusFormat format, const Store& store, TimePoint now) {
  if (format == StatusFormat::kMetrics)
    return metrics_text(records(store), read_all_ca_counts(store));
  return format == StatusFormat::kJson ? status_json(records(store), now)
                                       : status_html(records(store), now);
}

std::string server_status_section(const Store& store, TimePoint now, bool short_report) {
  return status_server_status(records(store), now, short_report);
}

}  // namespace acme
