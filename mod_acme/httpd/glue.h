// The httpd edge, in one header: the per-server record the directives fill,
// the state of a configuration generation, the log sink onto ap_log_error,
// and every hook callback httpd/mod_acme.cc registers. Each callback is
// extern "C" (httpd calls it from C) and runs its body through guarded(),
// so no C++ exception crosses into httpd's C frames. What the callbacks
// decide is the core's; here are only conversions between httpd's types
// and the core's.
#pragma once

#include <httpd.h>  // first: the other httpd headers need its types

#include <http_config.h>
#include <http_ssl.h>

#include <array>
#include <string>
#include <vector>

#include "base/guard.h"
#include "base/log.h"
#include "certset/startup_files.h"
#include "config/directive_actions.h"
#include "config/settings.h"
#include "renew/generation.h"

namespace acme {

// --- the per-server record (config.cc, directives.cc) ----------------------
// The plain C++ of config/settings.h, filled by the directive table through
// config/directive_actions.h. Each record is made once per server with `new`
// and deleted by a cleanup of the pool it was made for (docs/decisions.md),
// so no C++ object outlives its configuration generation.
struct ServerConf {
  VhostDirectives vhost;  // merged from the main server's (merge_vhost)
  GlobalSettings global;  // main server only (the directives are GLOBAL_ONLY)
  HandedFiles files;      // set in post_config for the SSL hooks and the request path
};

// httpd/directives.cc: config/directive_actions.h's list, null-terminated.
extern const std::array<command_rec, kDirectiveCount + 1> kDirectives;

ServerConf* server_conf(const server_rec* s);
// Every server's directives, main server first, each with its "FILE:LINE".
std::vector<VhostDirectives> all_directives(server_rec* main_server);

// --- one configuration generation (mod_acme.cc) -----------------------------
// renew/generation.h's, and the main server its log lines go to.
struct ModuleState : Generation {
  server_rec* main_server = nullptr;
};

// The state of the running configuration; null until post_config built it.
// A plain pointer: nothing to destroy when the DSO is unloaded.
inline ModuleState* g_module_state = nullptr;
inline ModuleState* module_state() {
  return g_module_state;
}

// --- logging (log_sink.cc) --------------------------------------------------
// The core's LogSink onto ap_log_error, as "ACMEnnnnn: text" so admins can
// grep stable message numbers.
class ServerLogSink : public LogSink {
 public:
  explicit ServerLogSink(server_rec* s) : server_(s) {}
  void log(LogLevel level, int msgno, const std::string& message) override;

 private:
  server_rec* server_;
};

// base/guard.h's guard, logging to s.
template <class F>
auto guarded(server_rec* s, decltype(std::declval<F>()()) fallback, F&& body) noexcept {
  ServerLogSink log(s);
  return run_guarded(log, fallback, std::forward<F>(body));
}

// --- C++ helpers of post_config ---------------------------------------------
// Registers the singleton watchdog with mod_watchdog (watchdog.cc).
bool start_watchdog(apr_pool_t* pconf, ModuleState& state);

}  // namespace acme

extern "C" {
// Each file's header says what its callbacks do; mod_acme.cc registers them.
// config.cc
void* acme_create_server_conf(apr_pool_t* p, server_rec* s);
void* acme_merge_server_conf(apr_pool_t* p, void* base, void* add);
int acme_check_config(apr_pool_t* pconf, apr_pool_t* plog, apr_pool_t* ptemp, server_rec* s);
// startup.cc
int acme_post_config(apr_pool_t* pconf, apr_pool_t* plog, apr_pool_t* ptemp, server_rec* s);
int acme_add_cert_files(server_rec* s, apr_pool_t* p, apr_array_header_t* certs,
                        apr_array_header_t* keys);
int acme_add_fallback_cert_files(server_rec* s, apr_pool_t* p, apr_array_header_t* certs,
                                 apr_array_header_t* keys);
// watchdog.cc
void acme_child_init(apr_pool_t* pchild, server_rec* s);
// activation.cc
int acme_post_config_last(apr_pool_t* pconf, apr_pool_t* plog, apr_pool_t* ptemp, server_rec* s);
int acme_monitor(apr_pool_t* p, server_rec* s);
// stapling.cc
int acme_ocsp_prime(server_rec* s, apr_pool_t* p, const char* id, apr_size_t id_len,
                    const char* pem);
int acme_ocsp_get_resp(server_rec* s, conn_rec* c, const char* id, apr_size_t id_len,
                       ap_ssl_ocsp_copy_resp* cb, void* userdata);
// tls_alpn.cc
int acme_protocol_propose(conn_rec* c, request_rec* r, server_rec* s,
                          const apr_array_header_t* offers, apr_array_header_t* proposals);
int acme_protocol_switch(conn_rec* c, request_rec* r, server_rec* s, const char* protocol);
const char* acme_protocol_get(const conn_rec* c);
int acme_answer_challenge(conn_rec* c, const char* server_name, const char** cert_pem,
                          const char** key_pem);
// request.cc
int acme_post_read_request(request_rec* r);
int acme_quick_handler(request_rec* r, int lookup_uri);
// status.cc
int acme_status_handler(request_rec* r);
int acme_status_section(request_rec* r, int flags);
}  // extern "C"
