// The SSLCertificateFile contract (DESIGN.md "Files the module writes"):
// staging a verified set (watchdog), promoting it into archive/ + live/
// (parent), and the ssl.conf text right for the running httpd version.
#pragma once

#include <string>
#include <vector>

#include "base/clock.h"
#include "base/log.h"
#include "base/status.h"
#include "config/managed_cert.h"
#include "store/store.h"

namespace acme {

struct HttpdVersion {
  int major = 2, minor = 4, patch = 0;
  bool at_least(int ma, int mi, int pa) const;
};

// httpd >= 2.4.8 reads the chain from SSLCertificateFile (fullchain.pem);
// older ones need cert.pem plus SSLCertificateChainFile chain.pem.
std::string ssl_conf_text(const std::string& live_dir_abs, const HttpdVersion& version);

// What a live set holds, as the watchdog decides on it.
struct LiveInfo {
  TimePoint not_before;
  TimePoint not_after;
  std::vector<std::string> names;
  std::string serial;
  std::string key_type;  // key_type_name() of the leaf's key; "" if not one we offer
};
Result<LiveInfo> read_live(const Store& store, const std::string& name);
bool covers_all(const LiveInfo& info, const std::vector<std::string>& names);

// Watchdog: the verified chain and its key into staging/<name>/. fullchain.pem
// is written last: its presence marks a complete staged set.
Status stage_set(Store& store, const std::string& name, const std::string& chain_pem,
                 const std::string& key_pem);
bool has_staged(const Store& store, const std::string& name);

// Parent: verifies staging/<name> again, writes archive/<name>/<seq>/ with
// fullchain/cert/chain/privkey (0600)/ssl.conf and swaps live/<name> to it.
// A set that fails verification is removed from staging, logged and never
// served. True if a new set went live.
Result<bool> promote_staged(Store& store, const ManagedCert& cert, const HttpdVersion& version,
                            TimePoint now, LogSink& log);

}  // namespace acme
