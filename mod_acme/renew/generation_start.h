// Parent, post_config: one configuration generation made ready, without
// httpd. httpd/startup.cc gathers what httpd knows into StartupInputs, runs
// start_generation, gives each server's record its HandedFiles (which the
// SSL hooks hand mod_ssl) and, when asked, registers the watchdog. The
// steps: the settings and managed certificates, the shared memory, whether
// http-01 can arrive and which names tls-alpn-01 answers for, the cluster
// key, then the files: the dry run's (what exists, else the placeholder) or
// the real pass's (the store prepared for the child user, staged sets
// promoted, missing fallbacks made).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "base/log.h"
#include "certset/startup_files.h"
#include "certset/startup_sets.h"  // ChildUser
#include "config/settings.h"
#include "renew/generation.h"
#include "solve/tls_alpn_answer.h"

namespace acme {

// What httpd knows of one server beyond its directives.
struct ServerFacts {
  std::string server_name;        // ServerName, for messages
  bool allows_acme_tls1 = false;  // its Protocols allow acme-tls/1 (tls-alpn-01)
};

struct StartupInputs {
  GlobalSettings settings;              // the main server's, ACMEStoreDir filled in
  std::vector<VhostDirectives> vhosts;  // every server's, the main server first
  RegionSource regions;                 // the segments under the shared memory
  std::vector<int> listen_ports;        // every Listen
  std::vector<ServerFacts> servers;     // by server, as vhosts
  ChildUser child;                      // User and Group
  // Set in the dry run, the first of httpd's two post_config runs at
  // startup, which writes, promotes, generates and runs nothing: mod_ssl
  // gets what exists, or this placeholder file. It returns "" when the
  // placeholder cannot be made; the pass then runs as a real one.
  std::function<std::string()> dry_run_placeholder;
};

struct Startup {
  bool ok = true;               // false: an error, logged; the server must not start
  bool start_watchdog = false;  // a real pass with certificates to look after
  // By server, as StartupInputs::vhosts: what each hands mod_ssl. A set's
  // files go to the first server whose first ACMEDomain name is the set's
  // name (else to the main server's record).
  std::vector<HandedFiles> handed;
};

// Fills g (its version, httpd generation and parent pid are httpd's to set)
// and says what httpd/ does next.
Startup start_generation(Generation& g, StartupInputs in, LogSink& log);

}  // namespace acme
