// From directives to settings: what each virtual host's ACME directives say
// (VhostDirectives, kept by httpd/directives.cc in the vhost's config record
// and merged from the main server's by merge_vhost),
// the rules across directives that `apachectl -t` enforces (check_config),
// and the core's settings with every default filled in: one ManagedCert per
// certificate and key type, and the server-wide GlobalSettings.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "cluster/cluster_settings.h"
#include "config/directive_values.h"
#include "config/managed_cert.h"
#include "crypto/key.h"

namespace acme {

struct VhostDirectives {
  std::string where;                 // "FILE:LINE" of the virtual host, for messages
  std::vector<std::string> domains;  // ACMEDomain, canonical, in order; empty = none
  std::vector<std::string> cas;      // ACMECertificateAuthority: first, then failover
  std::string ca_file;               // ACMECACertificateFile, resolved
  std::string trust_anchor_file;     // ACMETrustAnchorFile, resolved
  bool terms_agreed = false;
  std::string contact;
  std::string eab_kid;  // ACMEExternalAccountBinding; empty = none
  std::string eab_key;  // its HMAC key, base64url
  std::vector<KeyType> key_types;
  std::optional<bool> key_reuse;  // ACMEKeyReuse; unset = off
  std::string preferred_chain;
  Profile profile;           // name empty = the CA's default
  std::string renew_window;  // as checked by parse_renew_window_value; empty = default
  std::optional<Seconds> retry_delay;
  std::string dns01_command;  // as parse_dns01_command made it; empty = none
  std::vector<std::string> challenges;
};

// A virtual host's directives over the main server's: each setting the vhost
// leaves unset comes from base; settings that go together (the CA list, the
// EAB kid and key, the profile and its flag) come whole from one side; the
// names (ACMEDomain) and `where` are the vhost's own.
VhostDirectives merge_vhost(const VhostDirectives& base, const VhostDirectives& add);

// The rules no single directive can check: a name managed by two virtual
// hosts; a wildcard name without ACMEDns01Command. The error names the
// directive, the name, both places and the fix.
Status check_config(const std::vector<VhostDirectives>& vhosts);

// One ManagedCert per ACMEDomain vhost and key type (renew/key_variants.h),
// defaults filled in (Let's Encrypt, p256, the default renew window).
std::vector<ManagedCert> managed_certs(const std::vector<VhostDirectives>& vhosts);

struct GlobalSettings {
  std::string store_dir;  // absolute
  bool manual_activation = false;
  Seconds check_interval{3600};
  std::size_t max_parallel = 0;  // ACMEMaxParallel; 0: unset, Renewer's default
  int port_http = 80;
  int port_https = 443;
  std::string notify_command;    // ACMENotifyCommand; empty = none
  bool stapling = true;          // ACMEStapling
  bool http01_reachable = true;  // something listens where the CA's port 80 arrives
  bool preflight = true;         // ACMEPreflight
  std::string preflight_server;  // ACMEPreflightResolver; empty = the system's resolver
  int preflight_port = 53;
  ClusterSettings cluster;  // ACMESharedStore and its directives (issue 10)
};

// The rules across the server-wide directives no single one can check: the
// cluster's (cluster/cluster_settings.h's check_cluster_settings), which also
// fills in the node name from this host's name. `apachectl -t` and every
// start run it on the main server's settings.
Status check_global(GlobalSettings* global);

}  // namespace acme
