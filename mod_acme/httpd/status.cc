#include "httpd/status.h"

#include <httpd.h>  // first: the other httpd headers need its types

#include <http_protocol.h>
#include <mod_status.h>

#include <cstring>

#include "httpd/state.h"
#include "renew/status_page.h"
#include "store/file_store.h"

namespace acme {

namespace {

std::vector<StatusRecord> records(const ModuleState& st) {
  FileStore store(st.settings.store_dir);
  return read_all_status_records(store);
}

bool wants_json(const request_rec* r) {
  if (r->args && std::strstr(r->args, "json")) return true;
  const char* accept = apr_table_get(r->headers_in, "Accept");
  return accept && std::strstr(accept, "application/json");
}

}  // namespace

int status_handler(request_rec* r) {
  if (!r->handler || std::strcmp(r->handler, "acme-status") != 0) return DECLINED;
  const ModuleState* st = module_state();
  if (!st) return HTTP_SERVICE_UNAVAILABLE;
  if (r->method_number != M_GET) return HTTP_METHOD_NOT_ALLOWED;
  const bool json = wants_json(r);
  const auto now = std::chrono::system_clock::now();
  const std::string body = json ? status_json(records(*st), now) : status_html(records(*st), now);
  ap_set_content_type(r, json ? "application/json" : "text/html; charset=utf-8");
  apr_table_setn(r->headers_out, "Cache-Control", "no-store");
  if (!r->header_only) ap_rwrite(body.data(), static_cast<int>(body.size()), r);
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
