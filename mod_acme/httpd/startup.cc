#include "httpd/startup.h"

#include <httpd.h>  // first: the other httpd headers need its types

#include <ap_listen.h>
#include <ap_mpm.h>
#include <apr_shm.h>
#include <apr_strings.h>
#include <http_config.h>
#include <http_core.h>
#include <http_log.h>
#include <http_main.h>
#include <unistd.h>
#include <unixd.h>

#include <algorithm>
#include <string>
#include <unordered_map>

#include "certset/startup_files.h"
#include "certset/startup_sets.h"
#include "config/file_plan.h"
#include "http/curl_http_client.h"
#include "httpd/activation.h"
#include "httpd/dry_run.h"
#include "httpd/log_sink.h"
#include "httpd/state.h"
#include "httpd/tls_alpn.h"
#include "httpd/watchdog.h"
#include "store/file_store.h"
#include "store/layout.h"

APLOG_USE_MODULE(acme);

namespace acme {

namespace {

constexpr std::size_t kChallengeSlots = 1024;

constexpr std::size_t kOcspSlots = 256;

// tls-alpn-01: one slot per name being validated at once (~6.4 KiB each).
constexpr std::size_t kAlpnSlots = 512;

// Shared regions live in the process pool so they survive graceful
// restarts: answers published before a restart are still served after it.
// Formatted once, before the first children fork; attached afterwards. A
// region that no longer attaches (a module of another layout version after
// an upgrade, or a header the child user scribbled on: children map it
// writable) is replaced by a fresh one, with a warning, rather than failing
// the restart: the old generation keeps its own mapping until it exits, and
// what the old region held (answers in flight, staged-set counters) is
// published again by the next watchdog.
template <class Table, class... Slots>
Result<Table> shared_table(server_rec* s, LogSink& log, const char* key, Slots... slots) {
  apr_pool_t* pool = s->process->pool;
  void* data = nullptr;
  apr_pool_userdata_get(&data, key, pool);
  if (data) {
    auto* shm = static_cast<apr_shm_t*>(data);
    auto attached = Table::attach(apr_shm_baseaddr_get(shm), apr_shm_size_get(shm));
    if (attached.ok()) return attached;
    log.log(LogLevel::kWarn, kMsgConfig,
            attached.status().message() + ": a fresh region replaces it for this generation");
  }
  apr_shm_t* shm = nullptr;
  std::size_t size = Table::region_size(slots...);
  apr_status_t rv = apr_shm_create(&shm, size, nullptr, pool);
  if (rv != APR_SUCCESS) {
    char buf[256];
    return Status(Code::kIo, std::string("creating shared memory (") + key +
                                 "): " + apr_strerror(rv, buf, sizeof buf));
  }
  apr_pool_userdata_set(shm, key, apr_pool_cleanup_null, pool);
  return Table::format(apr_shm_baseaddr_get(shm), size, slots...);
}

HttpdVersion running_version() {
  ap_version_t v;
  ap_get_server_revision(&v);
  return HttpdVersion{v.major, v.minor, v.patch};
}

// Hands plan's files to each vhost's record, where the SSL hooks find them;
// placeholder: the dry run's (httpd/dry_run.h). A vhost gets one pair per key
// type (ACMEKeyType p256 rsa2048) and mod_ssl serves each client the one it
// supports.
void hand_files(const FileStore& store, ModuleState& st, const FilePlan& plan,
                const char* placeholder) {
  std::unordered_map<std::string, ServerConf*> vhosts;  // first ACMEDomain name -> its record
  for (server_rec* s = st.main_server; s; s = s->next) {
    ServerConf* sc = server_conf(s);
    if (!sc->vhost.domains.empty()) vhosts.emplace(sc->vhost.domains.front(), sc);
  }
  for (const auto& [first_name, files] : plan.vhosts) {
    auto it = vhosts.find(first_name);
    ServerConf* sc = it == vhosts.end() ? server_conf(st.main_server) : it->second;
    for (const std::string& name : files.live) {
      sc->cert_files.push_back(store.absolute(layout::live_dir(name) + "/fullchain.pem"));
      sc->key_files.push_back(store.absolute(layout::live_dir(name) + "/privkey.pem"));
    }
    if (files.fallback.empty()) continue;
    const std::string dir = layout::fallback_dir(files.fallback);
    sc->fallback_cert_file = files.placeholder ? placeholder : store.absolute(dir + "/cert.pem");
    sc->fallback_key_file = files.placeholder ? placeholder : store.absolute(dir + "/privkey.pem");
    sc->on_fallback = true;
  }
}

// The dry run's files for mod_ssl, which loads a pair for every SSL vhost in
// both passes: read only, the placeholder where nothing exists yet. False if
// that cannot be made.
bool hand_existing_files(apr_pool_t* p, const FileStore& store, ModuleState& st) {
  const char* placeholder = dry_run_placeholder(p);  // first: all or nothing
  if (!placeholder) return false;
  hand_files(store, st, plan_dry_run_files(st.settings.store_dir, st.certs), placeholder);
  return true;
}

// http-01 arrives on the CA's port 80, which ACMEPortMap maps to a local
// port; if nothing listens there, http-01 cannot work. Without
// ACMEChallenges the module then does not try it (tls-alpn-01 or dns-01
// instead); with it, the admin's order stands and the warning says why it fails.
bool check_ports(const GlobalSettings& g, bool warn, LogSink& log) {
  for (ap_listen_rec* lr = ap_listeners; lr; lr = lr->next) {
    if (lr->bind_addr && lr->bind_addr->port == g.port_http) return true;
  }
  if (!warn) return false;
  log.log(LogLevel::kWarn, kMsgConfig,
          "no Listen on port " + std::to_string(g.port_http) +
              ": the CA's http-01 requests (port 80) cannot reach this server; add 'Listen " +
              std::to_string(g.port_http) + "' or set 'ACMEPortMap 80:<local port>'");
  return false;
}

apr_status_t delete_state(void* data) {
  auto* st = static_cast<ModuleState*>(data);
  if (module_state() == st) set_module_state(nullptr);
  delete st;
  return APR_SUCCESS;
}

}  // namespace

int startup(apr_pool_t* pconf, apr_pool_t* ptemp, server_rec* s) {
  ServerLogSink log(s);
  auto* st = new ModuleState();
  apr_pool_cleanup_register(pconf, st, delete_state, apr_pool_cleanup_null);
  set_module_state(st);
  st->main_server = s;
  st->settings = global_settings(pconf, s);
  st->certs = managed_certs(all_directives(s));
  st->version = running_version();
  st->managed_hosts = http01_hosts(st->certs);
  auto table = shared_table<ChallengeTable>(s, log, "mod_acme_challenge_shm", kChallengeSlots);
  auto ocsp = shared_table<OcspTable>(s, log, "mod_acme_ocsp_shm", kOcspSlots);
  auto alpn = shared_table<AlpnCertTable>(s, log, "mod_acme_alpn_shm", kAlpnSlots);
  auto signal = shared_table<ActivationSignal>(s, log, "mod_acme_signal_shm");
  for (const Status& status : {table.status(), ocsp.status(), alpn.status(), signal.status()}) {
    if (status.ok()) continue;
    log.log(LogLevel::kError, kMsgConfig, status.message());
    return HTTP_INTERNAL_SERVER_ERROR;
  }
  st->table = *table;
  int generation = 0;
  ap_mpm_query(AP_MPMQ_GENERATION, &generation);
  st->httpd_generation = static_cast<std::uint64_t>(generation);
  st->parent_pid = getpid();
  st->ocsp_table = *ocsp;
  st->alpn_table = *alpn;
  st->signal = *signal;
  // Whatever was requested before this start is promoted right below.
  st->seen_generation = st->signal.activation_generation();
  if (st->certs.empty()) return OK;
  st->settings.http01_reachable = check_ports(st->settings, may_use_http01(st->certs), log);
  st->tls_alpn_wanted = check_tls_alpn(s, log, &st->tls_alpn_names);
  CurlHttpClient::global_init();
  FileStore store(st->settings.store_dir);
  // The first of the two post_config runs at startup is a dry run: nothing
  // is written, promoted, generated or run; mod_ssl gets what already exists.
  if (ap_state_query(AP_SQ_MAIN_STATE) == AP_SQ_MS_CREATE_PRE_CONFIG &&
      hand_existing_files(pconf, store, *st))
    return OK;
  Status ready =
      prepare_store(store, ChildUser{ap_unixd_config.user_id, ap_unixd_config.group_id}, log);
  Result<FilePlan> plan = ready.ok()
                              ? plan_startup_files(st->settings.store_dir, st->certs, st->version,
                                                   std::chrono::system_clock::now(), log)
                              : Result<FilePlan>(ready);
  if (plan.ok()) hand_files(store, *st, *plan, "");
  if (!plan.ok()) {
    log.log(LogLevel::kError, kMsgStoreError,
            "ACMEStoreDir " + st->settings.store_dir + ": " + plan.status().message());
    return HTTP_INTERNAL_SERVER_ERROR;
  }
  return start_watchdog(pconf, *st) ? OK : HTTP_INTERNAL_SERVER_ERROR;
}

void start_parent_threads(apr_pool_t* pconf) {
  ModuleState* st = module_state();
  if (st && !st->certs.empty()) start_activation(pconf, *st, FileStore(st->settings.store_dir));
}

}  // namespace acme
