#include "httpd/request.h"

#include <httpd.h>  // first: the other httpd headers need its types

#include <apr_strings.h>
#include <http_protocol.h>
#include <http_request.h>
#include <util_filter.h>

#include <cstring>

#include "acme/challenge.h"
#include "httpd/state.h"

namespace acme {

namespace {

constexpr char kChallengePrefix[] = "/.well-known/acme-challenge/";
constexpr std::size_t kPrefixLength = sizeof(kChallengePrefix) - 1;

int send_text(request_rec* r, const std::string& body) {
  ap_set_content_type(r, "text/plain");
  ap_set_content_length(r, static_cast<apr_off_t>(body.size()));
  apr_table_setn(r->headers_out, "Cache-Control", "no-store");
  r->status = HTTP_OK;
  if (!r->header_only) {
    apr_bucket_brigade* bb = apr_brigade_create(r->pool, r->connection->bucket_alloc);
    apr_brigade_write(bb, nullptr, nullptr, body.data(), body.size());
    ap_pass_brigade(r->output_filters, bb);
  }
  return DONE;
}

// RFC 8555 §8.3: GET http://{domain}/.well-known/acme-challenge/{token}.
int answer_challenge(const ModuleState& st, request_rec* r, const char* token) {
  if (!st.manages(r->hostname)) return DECLINED;  // another tool's webroot keeps working
  if (!valid_token(token)) return HTTP_NOT_FOUND;
  if (r->method_number != M_GET) {                               // HEAD is M_GET with header_only
    ap_allow_methods(r, REPLACE_ALLOW, "GET", "HEAD", nullptr);  // the 405's Allow header
    return HTTP_METHOD_NOT_ALLOWED;
  }
  std::string value;
  if (!st.table.lookup(r->hostname, token, &value)) return HTTP_NOT_FOUND;
  return send_text(r, value);
}

}  // namespace

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
