// Server config records: creation and merge (config/settings.h's
// merge_vhost), reading them back for post_config, and the checks across
// directives that `apachectl -t` runs.
#include <httpd.h>  // first: the other httpd headers need its types

#include <new>
#include <string>
#include <vector>

#include "httpd/glue.h"

extern "C" module AP_MODULE_DECLARE_DATA acme_module;

namespace acme {

namespace {

apr_status_t delete_conf(void* data) {
  delete static_cast<ServerConf*>(data);
  return APR_SUCCESS;
}

// A new record (merged when base is given), owned by p: deleted when httpd
// clears it (each configuration generation). httpd's C frames call this:
// a failure (allocation) is null, not a throw.
void* new_conf(apr_pool_t* p, const ServerConf* base = nullptr,
               const ServerConf* add = nullptr) noexcept {
  try {
    auto* sc = base ? new ServerConf{merge_vhost(base->vhost, add->vhost), base->global, {}}
                    : new ServerConf();
    apr_pool_cleanup_register(p, sc, delete_conf, apr_pool_cleanup_null);
    return sc;
  } catch (...) {
    return nullptr;
  }
}

}  // namespace

ServerConf* server_conf(const server_rec* s) {
  return static_cast<ServerConf*>(ap_get_module_config(s->module_config, &acme_module));
}

std::vector<VhostDirectives> all_directives(server_rec* main_server) {
  std::vector<VhostDirectives> vhosts;
  for (server_rec* s = main_server; s; s = s->next) {
    vhosts.push_back(server_conf(s)->vhost);
    vhosts.back().where =
        std::string(s->defn_name ? s->defn_name : "?") + ":" + std::to_string(s->defn_line_number);
  }
  return vhosts;
}

}  // namespace acme

using namespace acme;

void* acme_create_server_conf(apr_pool_t* p, server_rec*) {
  return new_conf(p);
}

void* acme_merge_server_conf(apr_pool_t* p, void* base, void* add) {
  return new_conf(p, static_cast<const ServerConf*>(base), static_cast<const ServerConf*>(add));
}

int acme_check_config(apr_pool_t*, apr_pool_t*, apr_pool_t*, server_rec* s) {
  return guarded(s, HTTP_INTERNAL_SERVER_ERROR, [&] {
    Status error = check_config(all_directives(s));
    if (error.ok()) error = check_global(&server_conf(s)->global);
    if (error.ok()) return OK;
    ServerLogSink(s).log(LogLevel::kError, kMsgConfig, error.message());
    return HTTP_INTERNAL_SERVER_ERROR;
  });
}
