// The value parsers of every ACME directive (README "Directives"), as plain
// C++: httpd/directives.cc hands each the arguments as written and keeps what
// it returns in the vhost's config record. Every parser returns Result<T>;
// an error names the value and the fix (config/directive_error.h), never a
// secret: an EAB HMAC key is named by its key id, a hook by its program,
// without its arguments (they may hold an API token).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "acme/eab.h"
#include "base/clock.h"
#include "base/status.h"
#include "crypto/key.h"
#include "preflight/dns.h"  // ResolverOptions

namespace acme {

// A path as written -> the path to use (relative ones resolve against
// ServerRoot); "" when it cannot be resolved.
using PathResolver = std::function<std::string(const std::string&)>;

// --- the CA and the account (config/ca_values.cc) -------------------------
// ACMECertificateAuthority URL-OR-NAME...: directory URLs, first = primary.
Result<std::vector<std::string>> parse_cas(const std::vector<std::string>& args);
// ACMECACertificateFile, ACMETrustAnchorFile: the resolved, readable path.
Result<std::string> parse_readable_file(const std::string& arg, const PathResolver& resolve);
// ACMETermsOfService agreed.
Status parse_terms(const std::string& arg);
// ACMEContactEmail: the address as given.
Result<std::string> parse_contact(const std::string& arg);
// RFC 8555 §7.3.4: ACMEExternalAccountBinding KID HMAC-KEY (key given), or
// FILE, a JSON file {"kid", "hmac_key"} (key null, as httpd passes a TAKE12's absent one).
Result<ExternalAccountBinding> parse_eab_directive(const std::string& kid_or_file, const char* key,
                                                   const PathResolver& resolve);
struct Profile {
  std::string name;
  bool mandatory = false;
};
// draft-ietf-acme-profiles: ACMEProfile NAME [mandatory] (flag null: absent).
Result<Profile> parse_profile(const std::string& name, const char* flag);
// ACMEPreferredChain ISSUER-CN.
Result<std::string> parse_preferred_chain(const std::string& arg);

// --- one certificate (config/cert_values.cc) -------------------------------
// ACMEDomain NAME...: the names in canonical form (RFC 5952 for IPv6), to
// append to those the vhost's earlier ACMEDomain lines gave.
Result<std::vector<std::string>> parse_domains(const std::vector<std::string>& args,
                                               const std::vector<std::string>& earlier);
// ACMEKeyType TYPE...: one certificate per type (renew/key_variants.h).
Result<std::vector<KeyType>> parse_key_types(const std::vector<std::string>& args);
// ACMEChallenges TYPE...: lower case, most preferred first.
Result<std::vector<std::string>> parse_challenges(const std::vector<std::string>& args);
// ACMERenewWindow 33% | 30d: the text, checked.
Result<std::string> parse_renew_window_value(const std::string& arg);
// ACMERetryDelay DURATION (positive).
Result<Seconds> parse_retry_delay(const std::string& arg);
// ACMEDns01Command PROGRAM [ARGS]: the /bin/sh command line to run, the
// program's path resolved.
Result<std::string> parse_dns01_command(const std::vector<std::string>& args,
                                        const PathResolver& resolve);

// --- the whole server (config/global_values.cc) ----------------------------
// ACMEActivation auto|manual: true for manual.
Result<bool> parse_activation(const std::string& arg);
// ACMECheckInterval DURATION (positive).
Result<Seconds> parse_check_interval(const std::string& arg);
constexpr std::size_t kMaxMaxParallel = 1024;
// ACMEMaxParallel "1".."1024".
Result<std::size_t> parse_max_parallel(const std::string& text);
struct PortMap {
  std::optional<int> http;   // the local port the CA's port 80 arrives at
  std::optional<int> https;  // ... and its port 443
};
// ACMEPortMap 80:LOCAL 443:LOCAL.
Result<PortMap> parse_port_map(const std::vector<std::string>& args);
// ACMENotifyCommand PROGRAM [ARGS]: the command as written, its program checked.
Result<std::string> parse_notify_command(const std::string& arg, const PathResolver& resolve);
// ACMEPreflightResolver ADDRESS:PORT.
Result<ResolverOptions> parse_preflight_resolver(const std::string& arg);

}  // namespace acme
