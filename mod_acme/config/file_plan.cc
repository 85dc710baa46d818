#include "config/file_plan.h"

#include <algorithm>
#include <string>

namespace acme {

FilePlan plan_files(const std::vector<ManagedCert>& certs, const HasFiles& has_live) {
  FilePlan plan;
  std::vector<const ManagedCert*> missing;
  for (const ManagedCert& cert : certs) {
    VhostFiles& files = plan.vhosts[cert.names.front()];
    if (has_live(cert.name))
      files.live.push_back(cert.name);
    else
      missing.push_back(&cert);
  }
  for (const ManagedCert* cert : missing) {
    VhostFiles& files = plan.vhosts[cert->names.front()];
    if (!files.fallback.empty()) continue;  // set up for the vhost's first missing type
    if (!files.live.empty()) {
      plan.notices.push_back("no certificate for " + cert->name + " yet: " + cert->names.front() +
                             " is served with its other key type until the CA issues one");
      continue;
    }
    files.fallback = cert->name;
    plan.fallbacks_to_make.push_back(cert->name);
  }
  return plan;
}

FilePlan plan_dry_run(const std::vector<ManagedCert>& certs, const HasFiles& has_live,
                      const HasFiles& has_fallback) {
  FilePlan plan;
  for (const ManagedCert& cert : certs) {
    VhostFiles& files = plan.vhosts[cert.names.front()];
    if (has_live(cert.name)) {
      files.live.push_back(cert.name);
      continue;
    }
    if (!files.live.empty() || !files.fallback.empty()) continue;
    files.fallback = cert.name;
    files.placeholder = !has_fallback(cert.name);
  }
  return plan;
}

std::vector<std::string> http01_hosts(const std::vector<ManagedCert>& certs) {
  std::vector<std::string> hosts;
  for (const auto& cert : certs)
    for (const auto& name : cert.names)
      if (name.compare(0, 2, "*.") != 0) hosts.push_back(name);
  std::sort(hosts.begin(), hosts.end());
  hosts.erase(std::unique(hosts.begin(), hosts.end()), hosts.end());  // whatever the key types
  return hosts;
}

bool may_use_http01(const std::vector<ManagedCert>& certs) {
  for (const auto& cert : certs) {
    const auto& types = cert.challenges;
    if (types.empty() || std::find(types.begin(), types.end(), "http-01") != types.end())
      return true;
  }
  return false;
}

bool http01_reachable(const std::vector<int>& listen_ports, int port_http, bool warn,
                      LogSink& log) {
  if (std::find(listen_ports.begin(), listen_ports.end(), port_http) != listen_ports.end())
    return true;
  if (!warn) return false;
  log.log(LogLevel::kWarn, kMsgConfig,
          "no Listen on port " + std::to_string(port_http) +
              ": the CA's http-01 requests (port 80) cannot reach this server; add 'Listen " +
              std::to_string(port_http) + "' or set 'ACMEPortMap 80:<local port>'");
  return false;
}

}  // namespace acme
