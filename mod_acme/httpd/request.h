// The request path: http-01 answers from shared memory, and 503 while a
// vhost serves its self-signed fallback (solve/http01_answer.h decides).
#pragma once

#include <httpd.h>

namespace acme {

// post_read_request: decides (challenge answer, 404/405, fallback 503).
int answer_request(request_rec* r);
// quick_handler: sends what answer_request decided. Answering here rather
// than with DONE from post_read_request keeps the connection alive.
int send_decided_answer(request_rec* r, int lookup_uri);

}  // namespace acme
