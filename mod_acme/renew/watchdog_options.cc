#include "renew/watchdog_options.h"

#include <utility>

#include "store/layout.h"

namespace acme {

WatchdogSession::Options watchdog_options(const GlobalSettings& settings,
                                          std::vector<ManagedCert> certs) {
  WatchdogSession::Options o;
  o.renewer.check_interval = settings.check_interval;
  if (settings.max_parallel) o.renewer.max_parallel = settings.max_parallel;
  o.renewer.http01_by_default = settings.http01_reachable;
  // In the watchdog child only (renew/first_order_preflight.h).
  o.renewer.preflight = settings.preflight;
  o.renewer.preflight_resolver.server = settings.preflight_server;
  o.renewer.preflight_resolver.port = settings.preflight_port;
  o.renewer.preflight_http_port = settings.port_http;
  o.renewer.preflight_tls_port = settings.port_https;
  o.renewer.preflight_cluster = settings.cluster.enabled;
  o.certs = std::move(certs);
  o.lock_path = settings.store_dir + "/" + layout::kWatchdogLockFile;
  o.notify_command = settings.notify_command;
  o.stapling = settings.stapling;
  return o;
}

}  // namespace acme
