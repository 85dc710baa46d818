// Which files mod_ssl gets for each managed vhost, decided without touching
// anything (certset/startup_files.h does the writing, httpd/startup.cc hands
// the paths): the live set of each key type that has one; while none has,
// the self-signed fallback (and 503 for requests) until the first real
// certificate. Also the names the request path answers http-01 for, and
// whether port 80 matters.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "base/log.h"
#include "config/managed_cert.h"

namespace acme {

struct VhostFiles {
  std::vector<std::string> live;  // certificate names whose live set is handed, in order
  std::string fallback;           // the certificate whose fallback is handed; "" = none
  bool placeholder = false;       // dry run: no fallback on disk yet (config/dry_run_placeholder.h)
};

struct FilePlan {
  // By the vhost's first ACMEDomain name (every key type of a vhost shares it).
  std::map<std::string, VhostFiles> vhosts;
  std::vector<std::string> fallbacks_to_make;  // certificate names, in order
  std::vector<std::string> notices;            // a vhost served by another key type meanwhile
};

using HasFiles = std::function<bool(const std::string& cert_name)>;

// The real pass, after staged sets were promoted: has_live(name) says
// whether live/<name> holds a certificate and a key.
FilePlan plan_files(const std::vector<ManagedCert>& certs, const HasFiles& has_live);

// The dry run writes nothing: the live set, else an existing fallback, else
// the placeholder. As before the real pass, a vhost may get a fallback for
// its first key type and the live set of its second.
FilePlan plan_dry_run(const std::vector<ManagedCert>& certs, const HasFiles& has_live,
                      const HasFiles& has_fallback);

// The names http-01 is answered for: every non-wildcard name, once, sorted.
std::vector<std::string> http01_hosts(const std::vector<ManagedCert>& certs);

// False when ACMEChallenges leaves http-01 out everywhere: port 80 is not needed.
bool may_use_http01(const std::vector<ManagedCert>& certs);

// http-01 arrives on the CA's port 80, which ACMEPortMap maps to port_http;
// if nothing listens there, http-01 cannot work: false, and with warn a
// warning that names the port and the fix. Without ACMEChallenges the module
// then does not try it (tls-alpn-01 or dns-01 instead); with it, the admin's
// order stands and the warning says why it fails.
bool http01_reachable(const std::vector<int>& listen_ports, int port_http, bool warn, LogSink& log);

}  // namespace acme
