// What one configuration generation of mod_acme knows: built by the parent
// in post_config (renew/generation_start.h) from the directives, and shared (by
// fork) with every child. httpd/glue.h's ModuleState adds httpd's main
// server record. Owned through a plain pointer and deleted by a pconf
// cleanup: no static C++ objects with destructors live in the DSO, which
// httpd unloads.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/log.h"
#include "base/status.h"

#include "certset/cert_files.h"  // HttpdVersion
#include "cluster/cluster_key.h"
#include "cluster/cluster_settings.h"
#include "config/managed_cert.h"
#include "config/settings.h"
#include "shm/activation_signal.h"
#include "shm/alpn_cert_table.h"
#include "shm/challenge_table.h"
#include "shm/ocsp_table.h"
#include "shm/region_setup.h"
#include "staple/stapling_index.h"

namespace acme {

class ActivationThread;
class WatchdogRun;

struct Generation {
  GlobalSettings settings;
  std::vector<ManagedCert> certs;
  std::vector<std::string> managed_hosts;  // sorted, lower case: the http-01 hosts
  ChallengeTable table;
  OcspTable ocsp_table;
  // tls-alpn-01 challenge certificates by TLS server name, written by the
  // watchdog, read in the handshake (solve/tls_alpn_answer.h).
  AlpnCertTable alpn_table;
  ActivationSignal signal;                  // activation wanted, drains (shm/activation_signal.h)
  bool tls_alpn_wanted = false;             // register the tls-alpn-01 responder
  std::vector<std::string> tls_alpn_names;  // ...answering for these names only
  StaplingIndex stapling;                   // mod_ssl's certificates we staple for
  HttpdVersion version;
  std::uint64_t seen_generation = 0;   // parent: activation requests handled
  std::uint64_t httpd_generation = 0;  // httpd's configuration generation (AP_MPMQ_GENERATION)
  pid_t parent_pid = 0;                // httpd's parent process
  WatchdogRun* watchdog = nullptr;     // the watchdog child's own (renew/watchdog_run.h)
  // Parent: the thread that starts activation restarts (renew/activation_thread.h).
  ActivationThread* activation = nullptr;
  // ACMESharedStore and its directives (issue 10), checked at post_config;
  // the cluster key is read there by root (the file stays root's, mode
  // 0600) and reaches the watchdog child in this memory, never from disk.
  ClusterSettings cluster;
  std::optional<ClusterKey> cluster_key;  // set when cluster.enabled
};

// Where a generation's shared-memory regions come from, by key
// (httpd/startup.cc: APR segments kept in the process pool).
struct RegionSource {
  std::function<std::optional<Region>(const char* key)> existing;  // the previous generation's
  std::function<Result<Region>(const char* key, std::size_t size)> make;
};

// Parent, post_config: the four tables over regions (shm/region_setup.h's
// attach_or_format each), and seen_generation from the signal: whatever was
// requested before this start is promoted by it.
Status attach_shared_memory(Generation& g, const RegionSource& regions, LogSink& log);

}  // namespace acme
