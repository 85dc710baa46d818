// Parent-side startup work in post_config: what httpd knows (the APR
// segments under the shared memory, Listen, User, the dry run, each
// server's Protocols) handed to renew/generation_start.h, which does the
// work, and its files given to each server's record for the SSL hooks.
#include <httpd.h>  // first: the other httpd headers need its types

#include <ap_listen.h>
#include <ap_mpm.h>
#include <apr_shm.h>
#include <apr_strings.h>
#include <http_core.h>
#include <http_log.h>
#include <http_protocol.h>
#include <unistd.h>
#include <unixd.h>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "config/dry_run_placeholder.h"
#include "httpd/glue.h"
#include "renew/generation_start.h"
#include "solve/tls_alpn_answer.h"

namespace acme {

namespace {

// The process pool keeps each segment under its key, so it survives
// graceful restarts (renew/generation.h, shm/region_setup.h).
RegionSource process_regions(server_rec* s) {
  apr_pool_t* pool = s->process->pool;
  RegionSource regions;
  regions.existing = [pool](const char* key) -> std::optional<Region> {
    void* data = nullptr;
    apr_pool_userdata_get(&data, key, pool);
    auto* shm = static_cast<apr_shm_t*>(data);
    if (!shm) return std::nullopt;
    return Region{apr_shm_baseaddr_get(shm), apr_shm_size_get(shm)};
  };
  regions.make = [pool](const char* key, std::size_t size) -> Result<Region> {
    apr_shm_t* shm = nullptr;
    if (apr_status_t rv = apr_shm_create(&shm, size, nullptr, pool); rv != APR_SUCCESS) {
      char buf[256];
      return Status(Code::kIo, std::string("creating shared memory (") + key +
                                   "): " + apr_strerror(rv, buf, sizeof buf));
    }
    apr_pool_userdata_set(shm, key, apr_pool_cleanup_null, pool);
    return Region{apr_shm_baseaddr_get(shm), size};
  };
  return regions;
}

apr_status_t close_fd(void* data) {
  ::close(static_cast<int>(reinterpret_cast<intptr_t>(data)));
  return APR_SUCCESS;
}

// The dry run's placeholder for mod_ssl (config/dry_run_placeholder.h says
// when and why) as "/proc/self/fd/N", closed with pool; "" if it cannot be made.
std::string dry_run_placeholder(apr_pool_t* pool) {
  int fd = placeholder_fd();
  if (fd < 0) return "";
  apr_pool_cleanup_register(pool, reinterpret_cast<void*>(static_cast<intptr_t>(fd)), close_fd,
                            apr_pool_cleanup_null);
  return "/proc/self/fd/" + std::to_string(fd);
}

// What httpd knows that renew/generation_start.h's start_generation needs.
StartupInputs startup_inputs(apr_pool_t* pconf, server_rec* s) {
  StartupInputs in;
  in.settings = server_conf(s)->global;
  if (in.settings.store_dir.empty()) in.settings.store_dir = ap_server_root_relative(pconf, "acme");
  in.vhosts = all_directives(s);
  in.regions = process_regions(s);
  for (ap_listen_rec* lr = ap_listeners; lr; lr = lr->next)
    if (lr->bind_addr) in.listen_ports.push_back(lr->bind_addr->port);
  for (server_rec* v = s; v; v = v->next) {
    in.servers.push_back({v->server_hostname ? v->server_hostname : "?",
                          ap_is_allowed_protocol(nullptr, nullptr, v, kAcmeTls1) != 0});
  }
  in.child = ChildUser{ap_unixd_config.user_id, ap_unixd_config.group_id};
  if (ap_state_query(AP_SQ_MAIN_STATE) == AP_SQ_MS_CREATE_PRE_CONFIG)
    in.dry_run_placeholder = [pconf] { return dry_run_placeholder(pconf); };
  return in;
}

apr_status_t delete_state(void* data) {
  auto* st = static_cast<ModuleState*>(data);
  if (g_module_state == st) g_module_state = nullptr;
  delete st;
  return APR_SUCCESS;
}

// This generation's state, owned by pconf, with what the MPM says;
// start_generation fills in the rest.
ModuleState* new_state(apr_pool_t* pconf, server_rec* s) {
  auto* st = new ModuleState();
  apr_pool_cleanup_register(pconf, st, delete_state, apr_pool_cleanup_null);
  g_module_state = st;
  st->main_server = s;
  ap_version_t v;
  ap_get_server_revision(&v);
  st->version = HttpdVersion{v.major, v.minor, v.patch};
  int generation = 0;
  ap_mpm_query(AP_MPMQ_GENERATION, &generation);
  st->httpd_generation = static_cast<std::uint64_t>(generation);
  st->parent_pid = getpid();
  return st;
}

int startup(apr_pool_t* pconf, server_rec* s) {
  ServerLogSink log(s);
  ModuleState* st = new_state(pconf, s);
  Startup started = start_generation(*st, startup_inputs(pconf, s), log);
  if (!started.ok) return HTTP_INTERNAL_SERVER_ERROR;
  std::size_t i = 0;  // the records in the order of all_directives()
  for (server_rec* v = s; v; v = v->next) server_conf(v)->files = std::move(started.handed.at(i++));
  if (!started.start_watchdog) return OK;
  return start_watchdog(pconf, *st) ? OK : HTTP_INTERNAL_SERVER_ERROR;
}

}  // namespace

}  // namespace acme

using namespace acme;

int acme_post_config(apr_pool_t* pconf, apr_pool_t*, apr_pool_t*, server_rec* s) {
  return guarded(s, HTTP_INTERNAL_SERVER_ERROR, [&] { return startup(pconf, s); });
}

int acme_add_cert_files(server_rec* s, apr_pool_t*, apr_array_header_t* certs,
                        apr_array_header_t* keys) {
  const ServerConf* sc = server_conf(s);
  if (!sc || sc->files.cert_files.empty()) return DECLINED;
  for (std::size_t i = 0; i < sc->files.cert_files.size(); ++i) {  // one pair per key type
    APR_ARRAY_PUSH(certs, const char*) = sc->files.cert_files[i].c_str();
    APR_ARRAY_PUSH(keys, const char*) = sc->files.key_files[i].c_str();
  }
  return OK;
}

int acme_add_fallback_cert_files(server_rec* s, apr_pool_t*, apr_array_header_t* certs,
                                 apr_array_header_t* keys) {
  const ServerConf* sc = server_conf(s);
  if (!sc || sc->files.fallback_cert_file.empty()) return DECLINED;
  APR_ARRAY_PUSH(certs, const char*) = sc->files.fallback_cert_file.c_str();
  APR_ARRAY_PUSH(keys, const char*) = sc->files.fallback_key_file.c_str();
  return OK;
}
