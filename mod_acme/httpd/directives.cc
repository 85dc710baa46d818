// Directive handlers and the directive table. Each handler is a few lines:
// the value parser of config/ (config/directive_values.h) and where the
// result goes in the vhost's config record, both run through one guard,
// which turns a refused value into the directive's error text (directive,
// value, fix) and keeps every C++ exception out of httpd's C frames.
#include "httpd/config.h"

#include <httpd.h>  // first: the other httpd headers need its types

#include <apr_strings.h>
#include <http_log.h>

#include <exception>

#include "config/directive_error.h"
#include "config/directive_values.h"
#include "crypto/base64url.h"

extern "C" module AP_MODULE_DECLARE_DATA acme_module;

namespace acme {

namespace {

enum class Scope { kAnywhere, kGlobal };

const char* copy(cmd_parms* cmd, const std::string& text) {
  return apr_pstrdup(cmd->pool, text.c_str());
}

// The one guard: GLOBAL_ONLY context, then parse(), then keep(conf, value).
// A refused value or any exception becomes the directive's error string.
template <class Parse, class Keep>
const char* directive(cmd_parms* cmd, Scope scope, Parse parse, Keep keep) noexcept {
  if (scope == Scope::kGlobal) {
    if (const char* err = ap_check_cmd_context(cmd, GLOBAL_ONLY)) return err;
  }
  const char* name = cmd->directive->directive;
  try {
    auto parsed = parse();
    if (!parsed.ok()) return copy(cmd, directive_message(name, parsed.status()));
    keep(*server_conf(cmd->server), std::move(*parsed));
    return nullptr;
  } catch (const std::exception& e) {
    return apr_psprintf(cmd->pool, "%s: cannot be read (%s)", name, e.what());
  } catch (...) {
    return apr_psprintf(cmd->pool, "%s: cannot be read", name);
  }
}

// The common case: the checked text goes into one field of the record.
template <class Parse>
const char* text(cmd_parms* cmd, Scope scope, const char* ServerConf::*field, Parse parse) {
  return directive(cmd, scope, parse,
                   [&](ServerConf& sc, const std::string& value) { sc.*field = copy(cmd, value); });
}

std::vector<std::string> words(int argc, char* const argv[]) {
  return std::vector<std::string>(argv, argv + argc);
}

PathResolver server_root(cmd_parms* cmd) {
  return [cmd](const std::string& path) {
    const char* resolved = ap_server_root_relative(cmd->pool, path.c_str());
    return std::string(resolved ? resolved : "");
  };
}

template <class T>
apr_array_header_t* array_of(cmd_parms* cmd, const std::vector<T>& values) {
  auto* list = apr_array_make(cmd->pool, static_cast<int>(values.size()), sizeof(const char*));
  for (const auto& value : values) APR_ARRAY_PUSH(list, const char*) = copy(cmd, value);
  return list;
}

// Status has no value to keep: a Result<bool> for the guard.
Result<bool> checked(const Status& status) {
  if (!status.ok()) return status;
  return true;
}

}  // namespace

extern "C" {

// ACMECertificateAuthority URL-OR-NAME...: the first is used, the others in
// turn after repeated failures (renew/ca_resilience.h).
static const char* set_cas(cmd_parms* cmd, void*, int argc, char* const argv[]) {
  return directive(
      cmd, Scope::kAnywhere, [&] { return parse_cas(words(argc, argv)); },
      [&](ServerConf& sc, std::vector<std::string> urls) {
        sc.ca_url = copy(cmd, urls.front());
        urls.erase(urls.begin());
        sc.ca_failover = urls.empty() ? nullptr : array_of(cmd, urls);
      });
}

static const char* set_ca_file(cmd_parms* cmd, void*, const char* arg) {
  return text(cmd, Scope::kAnywhere, &ServerConf::ca_file,
              [&] { return parse_readable_file(arg, server_root(cmd)); });
}

static const char* set_trust_anchor(cmd_parms* cmd, void*, const char* arg) {
  return text(cmd, Scope::kAnywhere, &ServerConf::trust_anchor_file,
              [&] { return parse_readable_file(arg, server_root(cmd)); });
}

static const char* set_terms(cmd_parms* cmd, void*, const char* arg) {
  return directive(
      cmd, Scope::kAnywhere, [&] { return checked(parse_terms(arg)); },
      [](ServerConf& sc, bool) { sc.terms_agreed = 1; });
}

static const char* set_contact(cmd_parms* cmd, void*, const char* arg) {
  return text(cmd, Scope::kAnywhere, &ServerConf::contact, [&] { return parse_contact(arg); });
}

// ACMEExternalAccountBinding KID HMAC-KEY, or one argument: a JSON file
// {"kid": "...", "hmac_key": "..."} (keeps the key out of httpd.conf). The
// key is kept base64url: its raw bytes may hold NUL.
static const char* set_eab(cmd_parms* cmd, void*, const char* kid_or_file, const char* key) {
  return directive(
      cmd, Scope::kAnywhere,
      [&] { return parse_eab_directive(kid_or_file, key, server_root(cmd)); },
      [&](ServerConf& sc, const ExternalAccountBinding& eab) {
        sc.eab_kid = copy(cmd, eab.kid);
        sc.eab_key = copy(cmd, base64url_encode(eab.hmac_key));
      });
}

static const char* set_store_dir(cmd_parms* cmd, void*, const char* arg) {
  if (const char* err = ap_check_cmd_context(cmd, GLOBAL_ONLY)) return err;
  server_conf(cmd->server)->store_dir = ap_server_root_relative(cmd->pool, arg);
  return nullptr;
}

static const char* add_domains(cmd_parms* cmd, void*, int argc, char* const argv[]) {
  apr_array_header_t* domains = server_conf(cmd->server)->domains;
  return directive(
      cmd, Scope::kAnywhere,
      [&] {
        std::vector<std::string> earlier;
        for (int i = 0; i < domains->nelts; ++i)
          earlier.push_back(APR_ARRAY_IDX(domains, i, const char*));
        return parse_domains(words(argc, argv), earlier);
      },
      [&](ServerConf&, const std::vector<std::string>& names) {
        for (const auto& name : names) APR_ARRAY_PUSH(domains, const char*) = copy(cmd, name);
      });
}

// ACMEKeyType p256 rsa2048: one certificate per type (renew/key_variants.h).
static const char* set_key_types(cmd_parms* cmd, void*, int argc, char* const argv[]) {
  return directive(
      cmd, Scope::kAnywhere, [&] { return parse_key_types(words(argc, argv)); },
      [&](ServerConf& sc, const std::vector<KeyType>& types) {
        sc.key_types = apr_array_make(cmd->pool, static_cast<int>(types.size()), sizeof(int));
        for (KeyType type : types) APR_ARRAY_PUSH(sc.key_types, int) = static_cast<int>(type);
      });
}

static const char* set_key_reuse(cmd_parms* cmd, void*, int on) {
  server_conf(cmd->server)->key_reuse = on;
  return nullptr;
}

static const char* set_profile(cmd_parms* cmd, void*, const char* name, const char* flag) {
  return directive(
      cmd, Scope::kAnywhere, [&] { return parse_profile(name, flag); },
      [&](ServerConf& sc, const Profile& profile) {
        sc.profile = copy(cmd, profile.name);
        sc.profile_mandatory = profile.mandatory ? 1 : 0;
      });
}

static const char* set_preferred_chain(cmd_parms* cmd, void*, const char* arg) {
  return text(cmd, Scope::kAnywhere, &ServerConf::preferred_chain,
              [&] { return parse_preferred_chain(arg); });
}

static const char* set_renew_window(cmd_parms* cmd, void*, const char* arg) {
  return text(cmd, Scope::kAnywhere, &ServerConf::renew_window,
              [&] { return parse_renew_window_value(arg); });
}

static const char* set_activation(cmd_parms* cmd, void*, const char* arg) {
  return directive(
      cmd, Scope::kGlobal, [&] { return parse_activation(arg); },
      [](ServerConf& sc, bool manual) { sc.manual_activation = manual ? 1 : 0; });
}

static const char* set_check_interval(cmd_parms* cmd, void*, const char* arg) {
  return directive(
      cmd, Scope::kGlobal, [&] { return parse_check_interval(arg); },
      [](ServerConf& sc, Seconds d) { sc.check_interval = apr_time_from_sec(d.count()); });
}

static const char* set_max_parallel(cmd_parms* cmd, void*, const char* arg) {
  return directive(
      cmd, Scope::kGlobal, [&] { return parse_max_parallel(arg); },
      [](ServerConf& sc, std::size_t n) { sc.max_parallel = static_cast<int>(n); });
}

static const char* set_retry_delay(cmd_parms* cmd, void*, const char* arg) {
  return directive(
      cmd, Scope::kAnywhere, [&] { return parse_retry_delay(arg); },
      [](ServerConf& sc, Seconds d) { sc.retry_delay = apr_time_from_sec(d.count()); });
}

// ACMEPortMap 80:8080 443:8443 (setups behind port mappings).
static const char* set_port_map(cmd_parms* cmd, void*, int argc, char* const argv[]) {
  return directive(
      cmd, Scope::kGlobal, [&] { return parse_port_map(words(argc, argv)); },
      [](ServerConf& sc, const PortMap& map) {
        if (map.http) sc.port_http = *map.http;
        if (map.https) sc.port_https = *map.https;
      });
}

static const char* set_notify_command(cmd_parms* cmd, void*, const char* arg) {
  return text(cmd, Scope::kGlobal, &ServerConf::notify_command,
              [&] { return parse_notify_command(arg, server_root(cmd)); });
}

// ACMEDns01Command /path/program [args]: per vhost.
static const char* set_dns01_command(cmd_parms* cmd, void*, int argc, char* const argv[]) {
  return text(cmd, Scope::kAnywhere, &ServerConf::dns01_command,
              [&] { return parse_dns01_command(words(argc, argv), server_root(cmd)); });
}

// ACMEChallenges TYPE...: most preferred first (renew/challenge_responder.h).
static const char* set_challenges(cmd_parms* cmd, void*, int argc, char* const argv[]) {
  return directive(
      cmd, Scope::kAnywhere, [&] { return parse_challenges(words(argc, argv)); },
      [&](ServerConf& sc, const std::vector<std::string>& types) {
        sc.challenges = array_of(cmd, types);
      });
}

static const char* set_stapling(cmd_parms* cmd, void*, int on) {
  if (const char* err = ap_check_cmd_context(cmd, GLOBAL_ONLY)) return err;
  server_conf(cmd->server)->stapling = on;
  return nullptr;
}

static const char* set_preflight(cmd_parms* cmd, void*, int on) {
  if (const char* err = ap_check_cmd_context(cmd, GLOBAL_ONLY)) return err;
  server_conf(cmd->server)->preflight = on;
  return nullptr;
}

// ACMEPreflightResolver 127.0.0.1:53: the DNS server the check before a
// first order asks (renew/first_order_preflight.h) instead of the system's.
static const char* set_preflight_resolver(cmd_parms* cmd, void*, const char* arg) {
  return directive(
      cmd, Scope::kGlobal, [&] { return parse_preflight_resolver(arg); },
      [&](ServerConf& sc, const ResolverOptions& address) {
        sc.preflight_server = copy(cmd, address.server);
        sc.preflight_port = address.port;
      });
}

}  // extern "C"

const command_rec kDirectives[] = {
    AP_INIT_TAKE_ARGV("ACMECertificateAuthority", (cmd_func)set_cas, nullptr, RSRC_CONF,
                      "ACME directory URL or known CA name; more: failover in that order"),
    AP_INIT_TAKE1("ACMECACertificateFile", (cmd_func)set_ca_file, nullptr, RSRC_CONF,
                  "PEM roots trusted for the CA's HTTPS API"),
    AP_INIT_TAKE1("ACMETrustAnchorFile", (cmd_func)set_trust_anchor, nullptr, RSRC_CONF,
                  "PEM roots issued chains must verify to"),
    AP_INIT_TAKE1("ACMETermsOfService", (cmd_func)set_terms, nullptr, RSRC_CONF,
                  "'agreed' once you have read the CA's terms"),
    AP_INIT_TAKE1("ACMEContactEmail", (cmd_func)set_contact, nullptr, RSRC_CONF,
                  "contact e-mail for the ACME account"),
    AP_INIT_TAKE12("ACMEExternalAccountBinding", (cmd_func)set_eab, nullptr, RSRC_CONF,
                   "KID HMAC-KEY from the CA, or a JSON file {\"kid\", \"hmac_key\"}"),
    AP_INIT_TAKE1("ACMEStoreDir", (cmd_func)set_store_dir, nullptr, RSRC_CONF,
                  "directory for accounts, keys and certificates"),
    AP_INIT_TAKE_ARGV("ACMEDomain", (cmd_func)add_domains, nullptr, RSRC_CONF,
                      "names for this virtual host's certificate; the first names it"),
    AP_INIT_TAKE_ARGV("ACMEKeyType", (cmd_func)set_key_types, nullptr, RSRC_CONF,
                      "one or two of rsa2048, rsa3072, rsa4096, p256, p384 (one RSA, one ECDSA)"),
    AP_INIT_FLAG("ACMEKeyReuse", (cmd_func)set_key_reuse, nullptr, RSRC_CONF,
                 "off (default): a new key per certificate; on: renewals keep the live key"),
    AP_INIT_TAKE1("ACMEPreferredChain", (cmd_func)set_preferred_chain, nullptr, RSRC_CONF,
                  "issuer name (CN) the chain's topmost certificate should have"),
    AP_INIT_TAKE12("ACMEProfile", (cmd_func)set_profile, nullptr, RSRC_CONF,
                   "certificate profile the CA offers; 'mandatory': no order without it"),
    AP_INIT_TAKE1("ACMERenewWindow", (cmd_func)set_renew_window, nullptr, RSRC_CONF,
                  "renew when less than this remains: 33% or 30d"),
    AP_INIT_TAKE1("ACMEActivation", (cmd_func)set_activation, nullptr, RSRC_CONF,
                  "auto (graceful restart by the module) or manual"),
    AP_INIT_TAKE1("ACMECheckInterval", (cmd_func)set_check_interval, nullptr, RSRC_CONF,
                  "how often the watchdog looks at the certificates"),
    AP_INIT_TAKE1("ACMEMaxParallel", (cmd_func)set_max_parallel, nullptr, RSRC_CONF,
                  "orders the watchdog runs at once (1-1024)"),
    AP_INIT_TAKE1("ACMERetryDelay", (cmd_func)set_retry_delay, nullptr, RSRC_CONF,
                  "first delay after a failure; doubles up to a day"),
    AP_INIT_TAKE_ARGV("ACMEPortMap", (cmd_func)set_port_map, nullptr, RSRC_CONF,
                      "80:LOCAL 443:LOCAL ports the CA reaches"),
    AP_INIT_RAW_ARGS(
        "ACMENotifyCommand", (cmd_func)set_notify_command, nullptr, RSRC_CONF,
        "program called as PROGRAM NAME EVENT on renewed, installed, expiring, errored, "
        "revoked, ocsp-errored"),
    AP_INIT_FLAG("ACMEStapling", (cmd_func)set_stapling, nullptr, RSRC_CONF,
                 "on (default): fetch, verify and staple OCSP responses for managed certificates"),
    AP_INIT_TAKE_ARGV("ACMEChallenges", (cmd_func)set_challenges, nullptr, RSRC_CONF,
                      "challenge types to use, most preferred first: http-01, tls-alpn-01, "
                      "dns-01"),
    AP_INIT_TAKE_ARGV("ACMEDns01Command", (cmd_func)set_dns01_command, nullptr, RSRC_CONF,
                      "program [args], run as PROGRAM [ARGS] setup|teardown NAME TOKEN TXTVALUE "
                      "for dns-01 (needed for wildcard names)"),
    AP_INIT_FLAG("ACMEPreflight", (cmd_func)set_preflight, nullptr, RSRC_CONF,
                 "on (default): check each name's DNS, reachability and CAA before its first "
                 "order and warn (ACME10180)"),
    AP_INIT_TAKE1("ACMEPreflightResolver", (cmd_func)set_preflight_resolver, nullptr, RSRC_CONF,
                  "ADDRESS:PORT of the DNS server the preflight asks (default: the system's)"),
    {nullptr}};

}  // namespace acme
