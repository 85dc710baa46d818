// The watchdog session's options from what the configuration says: the
// server-wide settings (config/settings.h) and the managed certificates.
// httpd/watchdog.cc adds only what httpd itself knows (the tls-alpn-01
// vhosts, the configuration generation).
#pragma once

#include <vector>

#include "config/managed_cert.h"
#include "config/settings.h"
#include "renew/watchdog_session.h"

namespace acme {

WatchdogSession::Options watchdog_options(const GlobalSettings& settings,
                                          std::vector<ManagedCert> certs);

}  // namespace acme
