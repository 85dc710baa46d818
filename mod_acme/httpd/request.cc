#include "httpd/request.h"

#include <httpd.h>  // first: the other httpd headers need its types

#include <apr_strings.h>
#include <http_protocol.h>
#include <http_request.h>
#include <util_filter.h>

#include <cstring>

#include "acme/challenge.h"
#include "httpd/state.h"
#include "preflight/probe.h"

extern "C" module AP_MODULE_DECLARE_DATA acme_module;

namespace acme {

namespace {

constexpr char kChallengePrefix[] = "/.well-known/acme-challenge/";
constexpr std::size_t kPrefixLength = sizeof(kChallengePrefix) - 1;

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

// `acmectl preflight` asks for names not configured yet (preflight/probe.h):
// only its probes are answered for them; anything else is another tool's
// webroot and keeps working.
int answer_probe(const ModuleState& st, request_rec* r, const char* token) {
  std::string value;
  if (std::strncmp(token, kProbeTokenPrefix, sizeof(kProbeTokenPrefix) - 1) != 0 ||
      r->method_number != M_GET || !st.table.lookup(r->hostname, token, &value))
    return DECLINED;
  return decide(r, OK, value);
}

// RFC 8555 §8.3: GET http://{domain}/.well-known/acme-challenge/{token}.
int answer_challenge(const ModuleState& st, request_rec* r, const char* token) {
  if (!st.manages(r->hostname)) return answer_probe(st, r, token);
  if (!valid_token(token)) return decide(r, HTTP_NOT_FOUND);
  if (r->method_number != M_GET) return decide(r, HTTP_METHOD_NOT_ALLOWED);  // HEAD is M_GET
  std::string value;
  if (!st.table.lookup(r->hostname, token, &value)) return decide(r, HTTP_NOT_FOUND);
  return decide(r, OK, value);
}

}  // namespace

int send_decided_answer(request_rec* r, int lookup_uri) {
  if (lookup_uri) return DECLINED;
  auto* d = static_cast<Decision*>(ap_get_module_config(r->request_config, &acme_module));
  if (!d) return DECLINED;
  if (d->status == HTTP_METHOD_NOT_ALLOWED) {
    ap_allow_methods(r, REPLACE_ALLOW, "GET", "HEAD", nullptr);  // the 405's Allow header
  }
  if (d->status != OK) return d->status;
  ap_set_content_type(r, "text/plain");
  ap_set_content_length(r, static_cast<apr_off_t>(d->length));
  apr_table_setn(r->headers_out, "Cache-Control", "no-store");
  if (!r->header_only) ap_rwrite(d->body, static_cast<int>(d->length), r);
  return OK;
}

int answer_request(request_rec* r) {
  const ModuleState* st = module_state();
  if (!st || st->certs.empty() || !r->parsed_uri.path) return DECLINED;
  const char* path = r->parsed_uri.path;
  if (std::strncmp(path, kChallengePrefix, kPrefixLength) == 0) {
    return answer_challenge(*st, r, path + kPrefixLength);
  }
  const ServerConf* sc = server_conf(r->server);
  if (sc && sc->on_fallback) {
    // Our self-signed stand-in is no certificate to serve content behind.
    apr_table_setn(r->err_headers_out, "Retry-After", "60");
    return HTTP_SERVICE_UNAVAILABLE;
  }
  return DECLINED;
}

}  // namespace acme
