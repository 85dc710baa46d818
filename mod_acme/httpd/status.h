// The acme-status handler (`SetHandler acme-status`: HTML for people, JSON
// with ?json or Accept: application/json, the Prometheus text format with
// ?metrics or Accept: text/plain; version=0.0.4) and mod_status' section.
#pragma once

#include <httpd.h>  // first: the other httpd headers need its types

namespace acme {

int status_handler(request_rec* r);
int status_section(request_rec* r, int flags);

}  // namespace acme
