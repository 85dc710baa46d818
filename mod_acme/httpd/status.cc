#include "httpd/status.h"

#include <httpd.h>  // first: the other httpd headers need its types

#include <http_protocol.h>
#include <mod_status.h>

#include <cstring>

#include "httpd/state.h"
#include "report/metrics.h"
#include "report/status_page.h"
#include "store/file_store.h"

namespace acme {

namespace {

std::vector<StatusRecord> records(const ModuleState& st) {
  FileStore store(st.settings.store_dir);
  auto all = collect_status_records(store);  // the same as `acmectl status`
  return all.ok() ? std::move(*all) : std::vector<StatusRecord>();
}

enum class Format { kHtml, kJson, kMetrics };

// Whether the query string has the argument `name` (as "name" or "name=...").
bool has_arg(const char* args, const char* name) {
  const std::size_t n = std::strlen(name);
  for (const char* p = args; p != nullptr;) {
    if (std::strncmp(p, name, n) == 0 && (p[n] == '\0' || p[n] == '&' || p[n] == '=')) return true;
    p = std::strchr(p, '&');
    if (p) ++p;
  }
  return false;
}

// ?metrics, ?json, then the Accept header; the query wins, being what a
// person types.
Format wanted_format(const request_rec* r) {
  if (has_arg(r->args, "metrics")) return Format::kMetrics;
  if (r->args && std::strstr(r->args, "json")) return Format::kJson;
  const char* accept = apr_table_get(r->headers_in, "Accept");
  if (accept && accepts_prometheus_text(accept)) return Format::kMetrics;
  if (accept && std::strstr(accept, "application/json")) return Format::kJson;
  return Format::kHtml;
}

std::string body(Format format, const ModuleState& st) {
  const auto now = std::chrono::system_clock::now();
  if (format == Format::kMetrics)
    return metrics_text(records(st), read_all_ca_counts(FileStore(st.settings.store_dir)));
  return format == Format::kJson ? status_json(records(st), now) : status_html(records(st), now);
}

const char* content_type(Format format) {
  if (format == Format::kMetrics) return kMetricsContentType;
  return format == Format::kJson ? "application/json" : "text/html; charset=utf-8";
}

}  // namespace

int status_handler(request_rec* r) {
  if (!r->handler || std::strcmp(r->handler, "acme-status") != 0) return DECLINED;
  const ModuleState* st = module_state();
  if (!st) return HTTP_SERVICE_UNAVAILABLE;
  if (r->method_number != M_GET) return HTTP_METHOD_NOT_ALLOWED;
  const Format format = wanted_format(r);
  const std::string text = body(format, *st);
  ap_set_content_type(r, content_type(format));
  apr_table_setn(r->headers_out, "Cache-Control", "no-store");
  apr_table_mergen(r->headers_out, "Vary", "Accept");  // the same URL answers three formats
  if (!r->header_only) ap_rwrite(text.data(), static_cast<int>(text.size()), r);
  return OK;
}

int status_section(request_rec* r, int flags) {
  const ModuleState* st = module_state();
  if (!st || st->certs.empty()) return OK;
  const bool short_report = flags & AP_STATUS_SHORT;
  std::string text =
      status_server_status(records(*st), std::chrono::system_clock::now(), short_report);
  ap_rwrite(text.data(), static_cast<int>(text.size()), r);
  return OK;
}

}  // namespace acme
