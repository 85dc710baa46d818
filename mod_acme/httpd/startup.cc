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
#include <atomic>
#include <functional>
#include <string>
#include <system_error>
#include <thread>
#include <unordered_map>

#include "crypto/certificate.h"
#include "crypto/self_signed.h"
#include "crypto/verify.h"
#include "http/curl_http_client.h"
#include "httpd/activation.h"
#include "httpd/dry_run.h"
#include "httpd/log_sink.h"
#include "httpd/state.h"
#include "httpd/tls_alpn.h"
#include "httpd/watchdog.h"
#include "renew/layout.h"
#include "store/file_store.h"

APLOG_USE_MODULE(acme);

namespace acme {

namespace {

constexpr std::size_t kChallengeSlots = 1024;

constexpr std::size_t kOcspSlots = 256;

// tls-alpn-01: one slot per name being validated at once (~6.4 KiB each).
constexpr std::size_t kAlpnSlots = 512;

// Shared regions live in the process pool so they survive graceful
// restarts: answers published before a restart are still served after it.
// Formatted once, before the first children fork; attached afterwards.
template <class Table, class... Slots>
Result<Table> shared_table(server_rec* s, const char* key, Slots... slots) {
  apr_pool_t* pool = s->process->pool;
  void* data = nullptr;
  apr_pool_userdata_get(&data, key, pool);
  if (data) {
    auto* shm = static_cast<apr_shm_t*>(data);
    return Table::attach(apr_shm_baseaddr_get(shm), apr_shm_size_get(shm));
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

// The privilege rule (DESIGN.md): the directories root writes (the store
// root, live/, archive/, fallback/) must be root's alone, or start fails with
// the fix. Each directory the watchdog writes is created once and that one
// directory is given to the child user; root never walks into it, so nothing
// the child does there (links, races, a root-squashed NFS refusing the owner
// change) can fail a start or a graceful restart: it is logged instead.
Status prepare_store(FileStore& store, LogSink& log) {
  ACME_RETURN_IF_ERROR(store.make_dirs("", 0755));
  const bool root = geteuid() == 0;
  if (root) {
    for (const char* dir : {"", "live", "archive", "fallback"})
      ACME_RETURN_IF_ERROR(store.check_private(dir, 0));
  }
  for (const char* dir : layout::kChildWritable) {
    Status s = root ? store.give_dir(dir, 0700, ap_unixd_config.user_id, ap_unixd_config.group_id)
                    : store.make_dirs(dir, 0700);
    if (!s.ok()) {
      log.log(LogLevel::kError, kMsgStoreError,
              s.message() +
                  "; the watchdog may fail to work there until this is fixed, the "
                  "current certificates keep serving");
    }
  }
  return Status();
}

// A self-signed stand-in, kept until it nears its end.
Status ensure_fallback(FileStore& store, const ManagedCert& cert, TimePoint now) {
  const std::string dir = layout::fallback_dir(cert.name);
  auto existing = store.read(dir + "/cert.pem");
  if (existing.ok()) {
    auto certs = Certificate::parse_pem_chain(*existing);
    if (certs.ok() && certs->front().not_after() > now + Seconds(86400)) return Status();
  }
  auto made = make_self_signed(cert.names, KeyType::kP256, now, Seconds(30 * 86400));
  if (!made.ok()) return made.status();
  ACME_RETURN_IF_ERROR(store.write(dir + "/privkey.pem", made->key_pem, 0600));
  return store.write(dir + "/cert.pem", made->cert_pem, 0644);
}

// work(store, i) for i in [0, count), on a few threads: fallbacks (a key, a
// signature and two durable writes) and promotions (a verification and six
// durable writes) are fsync-bound, about 16 ms each on a small VM, so 1,000
// first-start fallbacks took 16 s one after another, and 100 promotions
// after a burst of renewals 4 s. One FileStore per thread (not shared); a
// thread that cannot be started leaves its share to the others.
void on_threads(const std::string& store_dir, std::size_t count,
                const std::function<void(FileStore&, std::size_t)>& work) {
  constexpr std::size_t kThreads = 8;
  std::atomic<std::size_t> next{0};
  auto run = [&] {
    FileStore store(store_dir);
    for (std::size_t i; (i = next++) < count;) work(store, i);
  };
  std::vector<std::thread> threads;
  for (std::size_t t = 1; t < std::min(kThreads, count); ++t) {
    try {
      threads.emplace_back(run);
    } catch (const std::system_error&) {
      break;
    }
  }
  run();
  for (auto& thread : threads) thread.join();
}

// ensure_fallback() for each of certs.
Status make_fallbacks(const std::string& store_dir, const std::vector<const ManagedCert*>& certs,
                      TimePoint now) {
  ACME_RETURN_IF_ERROR(FileStore(store_dir).make_dirs("fallback", 0755));
  std::vector<Status> results(certs.size());
  on_threads(store_dir, certs.size(), [&](FileStore& store, std::size_t i) {
    results[i] = ensure_fallback(store, *certs[i], now);
  });
  for (const Status& status : results) ACME_RETURN_IF_ERROR(status);
  return Status();
}

// Every staged set that verifies goes live (renew/cert_files.h); one that
// does not is logged and removed, and the current certificate keeps serving.
void promote_all(const std::string& store_dir, const ModuleState& st, TimePoint now, LogSink& log) {
  std::vector<const ManagedCert*> staged;
  FileStore store(store_dir);
  for (const auto& cert : st.certs)
    if (has_staged(store, cert.name)) staged.push_back(&cert);
  on_threads(store_dir, staged.size(), [&](FileStore& own, std::size_t i) {
    auto promoted = promote_staged(own, *staged[i], st.version, now, log);
    if (!promoted.ok()) log.log(LogLevel::kError, kMsgCertRejected, promoted.status().message());
  });
}

// First ACMEDomain name -> its vhost (the first that names it), built once
// per pass: a walk over every vhost per certificate was O(N^2) per restart.
using VhostIndex = std::unordered_map<std::string, server_rec*>;

VhostIndex index_vhosts(server_rec* main_server) {
  VhostIndex index;
  for (server_rec* s = main_server; s; s = s->next) {
    ServerConf* sc = server_conf(s);
    if (sc->domains->nelts) index.emplace(APR_ARRAY_IDX(sc->domains, 0, const char*), s);
  }
  return index;
}

ServerConf* vhost_conf(const VhostIndex& index, server_rec* main_server, const std::string& name) {
  auto it = index.find(name);
  return server_conf(it == index.end() ? main_server : it->second);
}

// The live set of cert for mod_ssl, if there is one; a vhost gets one pair
// per key type (ACMEKeyType p256 rsa2048) and mod_ssl serves each client
// the one it supports.
bool add_live_files(apr_pool_t* p, FileStore& store, ServerConf* sc, const ManagedCert& cert) {
  const std::string live = layout::live_dir(cert.name);
  if (!store.exists(live + "/fullchain.pem") || !store.exists(live + "/privkey.pem")) return false;
  if (!sc->cert_files) {
    sc->cert_files = apr_array_make(p, 2, sizeof(const char*));
    sc->key_files = apr_array_make(p, 2, sizeof(const char*));
  }
  const std::string cert_file = store.absolute(live + "/fullchain.pem");
  const std::string key_file = store.absolute(live + "/privkey.pem");
  APR_ARRAY_PUSH(sc->cert_files, const char*) = apr_pstrdup(p, cert_file.c_str());
  APR_ARRAY_PUSH(sc->key_files, const char*) = apr_pstrdup(p, key_file.c_str());
  return true;
}

// Decides, per vhost, which files mod_ssl gets: the live set of each key
// type that has one, or, while none has, the fallback (and 503 for
// requests) until the first real certificate.
Status assign_files(apr_pool_t* p, FileStore& store, ModuleState& st, LogSink& log) {
  const TimePoint now = std::chrono::system_clock::now();
  std::vector<const ManagedCert*> missing;
  const VhostIndex vhosts = index_vhosts(st.main_server);
  promote_all(st.settings.store_dir, st, now, log);
  for (const auto& cert : st.certs) {
    ServerConf* sc = vhost_conf(vhosts, st.main_server, cert.names.front());
    if (!add_live_files(p, store, sc, cert)) missing.push_back(&cert);
  }
  std::vector<const ManagedCert*> fallbacks;
  for (const ManagedCert* cert : missing) {
    ServerConf* sc = vhost_conf(vhosts, st.main_server, cert->names.front());
    if (sc->on_fallback) continue;  // set up for the vhost's first missing type
    if (sc->cert_files) {
      log.log(LogLevel::kNotice, kMsgFallback,
              "no certificate for " + cert->name + " yet: " + cert->names.front() +
                  " is served with its other key type until the CA issues one");
      continue;
    }
    sc->on_fallback = 1;
    fallbacks.push_back(cert);
  }
  ACME_RETURN_IF_ERROR(make_fallbacks(st.settings.store_dir, fallbacks, now));
  for (const ManagedCert* cert : fallbacks) {
    ServerConf* sc = vhost_conf(vhosts, st.main_server, cert->names.front());
    const std::string dir = layout::fallback_dir(cert->name);
    sc->fallback_cert_file = apr_pstrdup(p, store.absolute(dir + "/cert.pem").c_str());
    sc->fallback_key_file = apr_pstrdup(p, store.absolute(dir + "/privkey.pem").c_str());
    log.log(LogLevel::kNotice, kMsgFallback,
            "no certificate for " + cert->name +
                " yet: serving a self-signed fallback (and 503) "
                "until the CA issues one");
  }
  return Status();
}

// The dry run's files for mod_ssl, which loads a pair for every SSL vhost in
// both passes: the live set or an existing fallback, read only, else the
// in-memory placeholder (httpd/dry_run.h). False if that cannot be made.
bool hand_existing_files(apr_pool_t* p, FileStore& store, ModuleState& st) {
  const char* placeholder = dry_run_placeholder(p);  // first: all or nothing
  if (!placeholder) return false;
  const VhostIndex vhosts = index_vhosts(st.main_server);
  for (const auto& cert : st.certs) {
    ServerConf* sc = vhost_conf(vhosts, st.main_server, cert.names.front());
    if (add_live_files(p, store, sc, cert) || sc->cert_files || sc->on_fallback) continue;
    const std::string dir = layout::fallback_dir(cert.name);
    if (store.exists(dir + "/cert.pem") && store.exists(dir + "/privkey.pem")) {
      sc->fallback_cert_file = apr_pstrdup(p, store.absolute(dir + "/cert.pem").c_str());
      sc->fallback_key_file = apr_pstrdup(p, store.absolute(dir + "/privkey.pem").c_str());
    } else {
      sc->fallback_cert_file = sc->fallback_key_file = placeholder;
    }
    sc->on_fallback = 1;
  }
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

// ACMEChallenges without http-01 everywhere: port 80 is not needed.
bool may_use_http01(const std::vector<ManagedCert>& certs) {
  for (const auto& cert : certs) {
    const auto& types = cert.challenges;
    if (types.empty() || std::find(types.begin(), types.end(), "http-01") != types.end())
      return true;
  }
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
  st->certs = managed_certs(s);
  st->version = running_version();
  for (const auto& cert : st->certs)
    for (const auto& name : cert.names)
      if (name.compare(0, 2, "*.") != 0) st->managed_hosts.push_back(name);  // http-01 hosts
  std::sort(st->managed_hosts.begin(), st->managed_hosts.end());
  st->managed_hosts.erase(std::unique(st->managed_hosts.begin(), st->managed_hosts.end()),
                          st->managed_hosts.end());  // one entry per name, whatever the key types
  auto table = shared_table<ChallengeTable>(s, "mod_acme_challenge_shm", kChallengeSlots);
  auto ocsp = shared_table<OcspTable>(s, "mod_acme_ocsp_shm", kOcspSlots);
  auto alpn = shared_table<AlpnCertTable>(s, "mod_acme_alpn_shm", kAlpnSlots);
  auto signal = shared_table<ActivationSignal>(s, "mod_acme_signal_shm");
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
  Status ready = prepare_store(store, log);
  if (ready.ok()) ready = assign_files(pconf, store, *st, log);
  if (!ready.ok()) {
    log.log(LogLevel::kError, kMsgStoreError,
            "ACMEStoreDir " + st->settings.store_dir + ": " + ready.message());
    return HTTP_INTERNAL_SERVER_ERROR;
  }
  start_activation(pconf, *st, store);
  return start_watchdog(pconf, *st) ? OK : HTTP_INTERNAL_SERVER_ERROR;
}

}  // namespace acme
