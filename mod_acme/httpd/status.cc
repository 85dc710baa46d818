// The acme-status handler (`SetHandler acme-status`) and mod_status'
// section; what they answer is report/status_response.h's.
#include <httpd.h>  // first: the other httpd headers need its types

#include <http_protocol.h>
#include <mod_status.h>

#include <cstring>

#include "httpd/glue.h"
#include "report/status_response.h"
#include "store/file_store.h"

using namespace acme;

int acme_status_handler(request_rec* r) {
  if (!r->handler || std::strcmp(r->handler, "acme-status") != 0) return DECLINED;
  return guarded(r->server, HTTP_INTERNAL_SERVER_ERROR, [&] {
    const ModuleState* st = module_state();
    if (!st) return HTTP_SERVICE_UNAVAILABLE;
    if (r->method_number != M_GET) return HTTP_METHOD_NOT_ALLOWED;
    const StatusFormat format =
        wanted_status_format(r->args, apr_table_get(r->headers_in, "Accept"));
    const std::string text =
        status_body(format, FileStore(st->settings.store_dir), std::chrono::system_clock::now());
    ap_set_content_type(r, status_content_type(format));
    apr_table_setn(r->headers_out, "Cache-Control", "no-store");
    apr_table_mergen(r->headers_out, "Vary", "Accept");  // the same URL answers three formats
    if (!r->header_only) ap_rwrite(text.data(), static_cast<int>(text.size()), r);
    return OK;
  });
}

int acme_status_section(request_rec* r, int flags) {
  return guarded(r->server, OK, [&] {
    const ModuleState* st = module_state();
    if (!st || st->certs.empty()) return OK;
    std::string text =
        server_status_section(FileStore(st->settings.store_dir), std::chrono::system_clock::now(),
                              flags & AP_STATUS_SHORT);
    ap_rwrite(text.data(), static_cast<int>(text.size()), r);
    return OK;
  });
}
