// The request path: http-01 answers from shared memory, the readiness
// answer, and 503 while a vhost serves its self-signed fallback
// (solve/http01_answer.h decides).
#include <httpd.h>  // first: the other httpd headers need its types

#include <apr_strings.h>
#include <http_protocol.h>
#include <http_request.h>

#include "httpd/glue.h"
#include "solve/http01_answer.h"

extern "C" module AP_MODULE_DECLARE_DATA acme_module;

namespace acme {

namespace {

// What post_read_request decided for the quick handler to send.
struct Decision {
  int status;
  const char* body;  // the key authorization when status is OK
  apr_size_t length;
};

int decide(request_rec* r, int status, const std::string& body = "") {
  auto* d = static_cast<Decision*>(apr_pcalloc(r->pool, sizeof(Decision)));
  d->status = status;
  d->body = apr_pstrmemdup(r->pool, body.data(), body.size());
  d->length = body.size();
  ap_set_module_config(r->request_config, &acme_module, d);
  return OK;
}

int send_decided_answer(request_rec* r) {
  auto* d = static_cast<Decision*>(ap_get_module_config(r->request_config, &acme_module));
  if (!d) return DECLINED;
  if (d->status == HTTP_METHOD_NOT_ALLOWED) {
    ap_allow_methods(r, REPLACE_ALLOW, "GET", "HEAD", nullptr);  // the 405's Allow header
  }
  if (d->status != HTTP_OK) return d->status;
  ap_set_content_type(r, "text/plain");
  ap_set_content_length(r, static_cast<apr_off_t>(d->length));
  apr_table_setn(r->headers_out, "Cache-Control", "no-store");
  if (!r->header_only) ap_rwrite(d->body, static_cast<int>(d->length), r);
  return OK;
}

int answer_request(request_rec* r) {
  const ModuleState* st = module_state();
  if (!st || st->certs.empty()) return DECLINED;
  const ServerConf* sc = server_conf(r->server);
  Http01Request request;
  request.path = r->parsed_uri.path;
  request.host = r->hostname;
  request.is_get = r->method_number == M_GET;  // HEAD is M_GET
  request.on_fallback = sc && sc->files.on_fallback;
  request.answering = !st->cluster.enabled || st->signal.ready_for_ca(st->httpd_generation);
  Http01Answer answer = answer_http01(st->table, st->managed_hosts, request);
  if (answer.kind == Http01Answer::Kind::kDecline) return DECLINED;
  if (answer.kind == Http01Answer::Kind::kUnavailable) {
    apr_table_setn(r->err_headers_out, "Retry-After", "60");
    return answer.http_status();
  }
  return decide(r, answer.http_status(), answer.body);
}

}  // namespace

}  // namespace acme

using namespace acme;

// Decides (challenge answer, 404/405, fallback 503).
int acme_post_read_request(request_rec* r) {
  return guarded(r->server, DECLINED, [&] { return answer_request(r); });
}

// Sends what post_read_request decided. Answering here rather than with
// DONE from post_read_request keeps the connection alive.
int acme_quick_handler(request_rec* r, int lookup_uri) {
  if (lookup_uri) return DECLINED;
  return guarded(r->server, DECLINED, [&] { return send_decided_answer(r); });
}
