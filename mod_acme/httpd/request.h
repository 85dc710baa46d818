// The request path: http-01 answers from shared memory, and 503 while a
// vhost serves its self-signed fallback. Runs in post_read_request, before
// auth, rewrites and redirects; no disk, no lock held by the watchdog.
#pragma once

#include <httpd.h>

namespace acme {

int answer_request(request_rec* r);

}  // namespace acme
