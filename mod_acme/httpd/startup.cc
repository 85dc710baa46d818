// Parent-side startup work in post_config: the shared memory, the store
// prepared for the child user, staged sets promoted into live/, and the
// files each vhost hands to mod_ssl (live set or self-signed fallback).
#include <httpd.h>  // first: the other httpd headers need its types

#include <ap_listen.h>
#include <ap_mpm.h>
#include <apr_shm.h>
#include <apr_strings.h>
#include <http_core.h>
#include <http_log.h>
#include <unistd.h>
#include <unixd.h>

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>

#include "certset/startup_files.h"
#include "config/dry_run_placeholder.h"
#include "config/file_plan.h"
#include "http/curl_http_client.h"
#include "httpd/glue.h"
#include "store/file_store.h"

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
// when and why) as "/proc/self/fd/N", closed with pool; null if it cannot be made.
const char* dry_run_placeholder(apr_pool_t* pool) {
  int fd = placeholder_fd();
  if (fd < 0) return nullptr;
  apr_pool_cleanup_register(pool, reinterpret_cast<void*>(static_cast<intptr_t>(fd)), close_fd,
                            apr_pool_cleanup_null);
  return apr_psprintf(pool, "/proc/self/fd/%d", fd);
}

// Hands plan's files to each vhost's record, where the SSL hooks find them.
void hand_plan(const ModuleState& st, const FilePlan& plan, const char* placeholder) {
  const FileStore store(st.settings.store_dir);
  std::unordered_map<std::string, ServerConf*> vhosts;  // first ACMEDomain name -> its record
  for (server_rec* s = st.main_server; s; s = s->next) {
    ServerConf* sc = server_conf(s);
    if (!sc->vhost.domains.empty()) vhosts.emplace(sc->vhost.domains.front(), sc);
  }
  for (const auto& [first_name, files] : plan.vhosts) {
    auto it = vhosts.find(first_name);
    ServerConf* sc = it == vhosts.end() ? server_conf(st.main_server) : it->second;
    hand_files(store, files, placeholder, sc->files);
  }
}

// The dry run's files for mod_ssl, which loads a pair for every SSL vhost in
// both passes: read only, the placeholder where nothing exists yet. False if
// that cannot be made.
bool hand_existing_files(apr_pool_t* p, const ModuleState& st) {
  const char* placeholder = dry_run_placeholder(p);  // first: all or nothing
  if (!placeholder) return false;
  hand_plan(st, plan_dry_run_files(st.settings.store_dir, st.certs), placeholder);
  return true;
}

std::vector<int> listen_ports() {
  std::vector<int> ports;
  for (ap_listen_rec* lr = ap_listeners; lr; lr = lr->next) {
    if (lr->bind_addr) ports.push_back(lr->bind_addr->port);
  }
  return ports;
}

// The main server's global settings, the store directory's default filled in.
GlobalSettings global_settings(apr_pool_t* p, server_rec* main_server) {
  GlobalSettings g = server_conf(main_server)->global;
  if (g.store_dir.empty()) g.store_dir = ap_server_root_relative(p, "acme");
  return g;
}

apr_status_t delete_state(void* data) {
  auto* st = static_cast<ModuleState*>(data);
  if (module_state() == st) set_module_state(nullptr);
  delete st;
  return APR_SUCCESS;
}

// This generation's state, owned by pconf, with what the directives and the
// MPM say; the shared memory comes next.
ModuleState* new_state(apr_pool_t* pconf, server_rec* s) {
  auto* st = new ModuleState();
  apr_pool_cleanup_register(pconf, st, delete_state, apr_pool_cleanup_null);
  set_module_state(st);
  st->main_server = s;
  st->settings = global_settings(pconf, s);
  st->certs = managed_certs(all_directives(s));
  ap_version_t v;
  ap_get_server_revision(&v);
  st->version = HttpdVersion{v.major, v.minor, v.patch};
  st->managed_hosts = http01_hosts(st->certs);
  int generation = 0;
  ap_mpm_query(AP_MPMQ_GENERATION, &generation);
  st->httpd_generation = static_cast<std::uint64_t>(generation);
  st->parent_pid = getpid();
  return st;
}

int startup(apr_pool_t* pconf, server_rec* s) {
  ServerLogSink log(s);
  ModuleState* st = new_state(pconf, s);
  if (Status attached = attach_shared_memory(*st, process_regions(s), log); !attached.ok()) {
    log.log(LogLevel::kError, kMsgConfig, attached.message());
    return HTTP_INTERNAL_SERVER_ERROR;
  }
  if (st->certs.empty()) return OK;
  st->settings.http01_reachable =
      http01_reachable(listen_ports(), st->settings.port_http, may_use_http01(st->certs), log);
  st->tls_alpn_wanted = check_tls_alpn(s, log, &st->tls_alpn_names);
  CurlHttpClient::global_init();
  // The first of the two post_config runs at startup is a dry run: nothing
  // is written, promoted, generated or run; mod_ssl gets what already exists.
  if (ap_state_query(AP_SQ_MAIN_STATE) == AP_SQ_MS_CREATE_PRE_CONFIG &&
      hand_existing_files(pconf, *st))
    return OK;
  st->cluster = st->settings.cluster;  // checked by acme_check_config
  if (Status key = load_cluster_key(st->cluster, &st->cluster_key, log); !key.ok()) {
    log.log(LogLevel::kError, kMsgConfig, key.message());
    return HTTP_INTERNAL_SERVER_ERROR;
  }
  Result<FilePlan> plan = plan_real_pass(
      st->settings.store_dir, ChildUser{ap_unixd_config.user_id, ap_unixd_config.group_id},
      st->certs, st->version, std::chrono::system_clock::now(), log);
  if (!plan.ok()) {
    log.log(LogLevel::kError, kMsgStoreError,
            "ACMEStoreDir " + st->settings.store_dir + ": " + plan.status().message());
    return HTTP_INTERNAL_SERVER_ERROR;
  }
  hand_plan(*st, *plan, "");
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
