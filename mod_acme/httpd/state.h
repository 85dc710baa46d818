// ModuleState: what one configuration generation of mod_acme knows, built
// in post_config from the directives and shared (by fork) with every child.
// Owned through a plain pointer and deleted by a pconf cleanup: no static
// C++ objects with destructors live in the DSO, which httpd unloads.
#pragma once

#include <httpd.h>

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "certset/cert_files.h"
#include "config/managed_cert.h"
#include "httpd/config.h"
#include "shm/activation_signal.h"
#include "shm/alpn_cert_table.h"
#include "shm/challenge_table.h"
#include "shm/ocsp_table.h"
#include "staple/stapling_index.h"

namespace acme {

class ActivationThread;
struct WatchdogContext;

struct ModuleState {
  server_rec* main_server = nullptr;
  GlobalSettings settings;
  std::vector<ManagedCert> certs;
  std::vector<std::string> managed_hosts;  // sorted, lower case: the http-01 hosts
  ChallengeTable table;
  OcspTable ocsp_table;
  // tls-alpn-01 challenge certificates by TLS server name (httpd/tls_alpn.h),
  // written by the watchdog.
  AlpnCertTable alpn_table;
  ActivationSignal signal;                  // activation wanted, drains (shm/activation_signal.h)
  bool tls_alpn_wanted = false;             // register the tls-alpn-01 responder
  std::vector<std::string> tls_alpn_names;  // ...answering for these names only
  StaplingIndex stapling;  // mod_ssl's certificates we staple for (httpd/stapling.cc)
  HttpdVersion version;
  std::uint64_t seen_generation = 0;    // parent: activation requests handled
  std::uint64_t httpd_generation = 0;   // httpd's configuration generation (AP_MPMQ_GENERATION)
  pid_t parent_pid = 0;                 // httpd's parent process
  WatchdogContext* watchdog = nullptr;  // the watchdog child's own objects
  // Parent: the thread that starts activation restarts (httpd/activation.h).
  ActivationThread* activation = nullptr;
};

// The state of the running configuration; null until post_config built it.
ModuleState* module_state();
void set_module_state(ModuleState* state);

}  // namespace acme
