// The acme-status handler (`SetHandler acme-status`) and mod_status'
// section; what they answer is report/status_response.h's.
#pragma once

#include <httpd.h>  // first: the other httpd headers need its types

namespace acme {

int status_handler(request_rec* r);
int status_section(request_rec* r, int flags);

}  // namespace acme
