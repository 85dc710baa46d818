#include "renew/generation_start.h"

#include <chrono>
#include <unordered_map>
#include <utility>

#include "cluster/cluster_settings.h"
#include "config/file_plan.h"
#include "http/curl_http_client.h"
#include "store/file_store.h"

namespace acme {

namespace {

std::vector<HandedFiles> hand_plan(const std::vector<VhostDirectives>& vhosts,
                                   const std::string& store_dir, const FilePlan& plan,
                                   const std::string& placeholder) {
  std::vector<HandedFiles> handed(vhosts.size());
  std::unordered_map<std::string, std::size_t> servers;  // first ACMEDomain name -> its server
  for (std::size_t i = 0; i < vhosts.size(); ++i) {
    if (!vhosts[i].domains.empty()) servers.emplace(vhosts[i].domains.front(), i);
  }
  const FileStore store(store_dir);
  for (const auto& [first_name, files] : plan.vhosts) {
    auto it = servers.find(first_name);
    hand_files(store, files, placeholder, handed.at(it == servers.end() ? 0 : it->second));
  }
  return handed;
}

// The servers with ACMEDomain names, for plan_tls_alpn.
std::vector<TlsAlpnVhost> tls_alpn_vhosts(const StartupInputs& in) {
  std::vector<TlsAlpnVhost> vhosts;
  for (std::size_t i = 0; i < in.vhosts.size(); ++i) {
    if (in.vhosts[i].domains.empty()) continue;
    const ServerFacts& server = in.servers.at(i);
    vhosts.push_back(tls_alpn_vhost(in.vhosts[i], server.server_name, server.allows_acme_tls1));
  }
  return vhosts;
}

Startup failed(LogSink& log, int msgno, const std::string& message) {
  log.log(LogLevel::kError, msgno, message);
  Startup startup;
  startup.ok = false;
  return startup;
}

}  // namespace

Startup start_generation(Generation& g, StartupInputs in, LogSink& log) {
  g.settings = std::move(in.settings);
  g.certs = managed_certs(in.vhosts);
  g.managed_hosts = http01_hosts(g.certs);
  Startup startup;
  startup.handed.resize(in.vhosts.size());
  if (Status attached = attach_shared_memory(g, in.regions, log); !attached.ok())
    return failed(log, kMsgConfig, attached.message());
  if (g.certs.empty()) return startup;
  g.settings.http01_reachable =
      http01_reachable(in.listen_ports, g.settings.port_http, may_use_http01(g.certs), log);
  g.tls_alpn_wanted = plan_tls_alpn(tls_alpn_vhosts(in), log, &g.tls_alpn_names);
  CurlHttpClient::global_init();
  if (in.dry_run_placeholder) {
    const std::string placeholder = in.dry_run_placeholder();  // first: all or nothing
    if (!placeholder.empty()) {
      FilePlan plan = plan_dry_run_files(g.settings.store_dir, g.certs);
      startup.handed = hand_plan(in.vhosts, g.settings.store_dir, plan, placeholder);
      return startup;
    }
  }
  g.cluster = g.settings.cluster;  // checked by check_global (the check_config hook)
  if (Status key = load_cluster_key(g.cluster, &g.cluster_key, log); !key.ok())
    return failed(log, kMsgConfig, key.message());
  Result<FilePlan> plan = plan_real_pass(g.settings.store_dir, in.child, g.certs, g.version,
                                         std::chrono::system_clock::now(), log);
  if (!plan.ok()) {
    return failed(log, kMsgStoreError,
                  "ACMEStoreDir " + g.settings.store_dir + ": " + plan.status().message());
  }
  startup.handed = hand_plan(in.vhosts, g.settings.store_dir, *plan, "");
  startup.start_watchdog = true;
  return startup;
}

}  // namespace acme
