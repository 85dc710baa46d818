// Directive handlers and the directive table: each handler validates its
// value at parse time and answers a bad one with the directive, the value
// and the fix, so `apachectl -t` fails with a message an admin can act on.
#include "httpd/config.h"

#include <httpd.h>  // first: the other httpd headers need its types

#include <apr_strings.h>
#include <http_log.h>
#include <unistd.h>

#include <set>

#include "acme/challenge.h"
#include "acme/directory.h"
#include "acme/eab.h"
#include "acme/identifier.h"
#include "base/time_format.h"
#include "certset/key_variants.h"
#include "crypto/base64url.h"
#include "crypto/key.h"
#include "preflight/dns.h"  // parse_resolver_address
#include "renew/renewer.h"  // parse_max_parallel
#include "schedule/policy.h"
#include "solve/dns01_responder.h"  // shell_command
#include "store/layout.h"

extern "C" module AP_MODULE_DECLARE_DATA acme_module;

namespace acme {

namespace {

ServerConf* conf_of(cmd_parms* cmd) {
  return server_conf(cmd->server);
}

const char* fail(cmd_parms* cmd, const std::string& value, const std::string& fix) {
  return apr_psprintf(cmd->pool, "%s: '%s' %s", cmd->directive->directive, value.c_str(),
                      fix.c_str());
}

const char* global_only(cmd_parms* cmd) {
  return ap_check_cmd_context(cmd, GLOBAL_ONLY);
}

const char* readable_file(cmd_parms* cmd, const char* arg, const char** out) {
  const char* path = ap_server_root_relative(cmd->pool, arg);
  if (!path || access(path, R_OK) != 0) {
    return fail(cmd, arg,
                "is not a readable file; give the path of a PEM file with CA certificates");
  }
  *out = path;
  return nullptr;
}

Result<Seconds> positive_duration(const char* arg) {
  auto d = parse_duration(arg);
  if (!d.ok() || d->count() <= 0) return Status(Code::kInvalidArgument, "not positive");
  return d;
}

}  // namespace

extern "C" {

// ACMECertificateAuthority URL-OR-NAME...: the first is used, the others in
// turn after repeated failures (schedule/ca_resilience.h).
static const char* set_cas(cmd_parms* cmd, void*, int argc, char* const argv[]) {
  if (argc == 0) return "ACMECertificateAuthority needs a directory URL or a known CA name";
  auto* urls = apr_array_make(cmd->pool, argc, sizeof(const char*));
  for (int i = 0; i < argc; ++i) {
    std::string url = known_ca_url(argv[i]);
    if (url.empty()) url = argv[i];
    if (url.rfind("https://", 0) != 0 || url.size() <= 8) {
      return fail(cmd, argv[i],
                  "is neither an https:// directory URL nor a known CA name "
                  "(letsencrypt, letsencrypt-staging, zerossl, buypass, google)");
    }
    for (int j = 0; j < urls->nelts; ++j)
      if (canonical_ca_url(url) == canonical_ca_url(APR_ARRAY_IDX(urls, j, const char*)))
        return fail(cmd, argv[i], "is listed twice; list each CA once");
    APR_ARRAY_PUSH(urls, const char*) = apr_pstrdup(cmd->pool, url.c_str());
  }
  ServerConf* sc = conf_of(cmd);
  sc->ca_url = APR_ARRAY_IDX(urls, 0, const char*);
  sc->ca_failover = argc > 1 ? apr_array_make(cmd->pool, argc - 1, sizeof(const char*)) : nullptr;
  for (int i = 1; i < urls->nelts; ++i)
    APR_ARRAY_PUSH(sc->ca_failover, const char*) = APR_ARRAY_IDX(urls, i, const char*);
  return nullptr;
}

static const char* set_ca_file(cmd_parms* cmd, void*, const char* arg) {
  return readable_file(cmd, arg, &conf_of(cmd)->ca_file);
}

static const char* set_trust_anchor(cmd_parms* cmd, void*, const char* arg) {
  return readable_file(cmd, arg, &conf_of(cmd)->trust_anchor_file);
}

static const char* set_terms(cmd_parms* cmd, void*, const char* arg) {
  if (strcasecmp(arg, "agreed") != 0) {
    return fail(cmd, arg,
                "is not understood; after reading the CA's terms of service write "
                "'ACMETermsOfService agreed'");
  }
  conf_of(cmd)->terms_agreed = 1;
  return nullptr;
}

static const char* set_contact(cmd_parms* cmd, void*, const char* arg) {
  std::string v = arg;
  auto at = v.find('@');
  if (v.rfind("mailto:", 0) == 0) at = v.find('@', 7);
  if (at == std::string::npos || at == 0 || v.find('.', at) == std::string::npos ||
      v.find_first_of(" ,;<>") != std::string::npos) {
    return fail(cmd, arg,
                "is not an e-mail address; write e.g. 'ACMEContactEmail admin@example.org'");
  }
  conf_of(cmd)->contact = apr_pstrdup(cmd->pool, arg);
  return nullptr;
}

// RFC 8555 §7.3.4: ACMEExternalAccountBinding KID HMAC-KEY, or one argument:
// a JSON file {"kid": "...", "hmac_key": "..."} (keeps the key out of httpd.conf).
// The HMAC key is a secret: an error names the key id or the file, never the key.
static const char* set_eab(cmd_parms* cmd, void*, const char* kid_or_file, const char* key) {
  Result<ExternalAccountBinding> eab = Status(Code::kNotFound, "is not a readable file");
  if (key) {
    eab = parse_eab(kid_or_file, key);
    if (!eab.ok() && check_eab_kid(kid_or_file).ok()) {
      return apr_psprintf(cmd->pool, "%s: the HMAC key given for key id '%s' %s",
                          cmd->directive->directive, kid_or_file, eab.status().message().c_str());
    }
  } else if (const char* path = ap_server_root_relative(cmd->pool, kid_or_file)) {
    eab = read_eab_file(path);
  }
  if (!eab.ok()) return fail(cmd, kid_or_file, eab.status().message());
  conf_of(cmd)->eab_kid = apr_pstrdup(cmd->pool, eab->kid.c_str());
  conf_of(cmd)->eab_key = apr_pstrdup(cmd->pool, base64url_encode(eab->hmac_key).c_str());
  return nullptr;
}

static const char* set_store_dir(cmd_parms* cmd, void*, const char* arg) {
  if (const char* err = global_only(cmd)) return err;
  conf_of(cmd)->store_dir = ap_server_root_relative(cmd->pool, arg);
  return nullptr;
}

static const char* add_domains(cmd_parms* cmd, void*, int argc, char* const argv[]) {
  if (argc == 0) {
    return apr_psprintf(cmd->pool,
                        "%s needs at least one name, e.g. 'ACMEDomain example.org "
                        "www.example.org' (the first name names the certificate)",
                        cmd->directive->directive);
  }
  ServerConf* sc = conf_of(cmd);
  for (int i = 0; i < argc; ++i) {
    std::string name = canonical_name(argv[i]);  // RFC 5952 text for IPv6
    if (!is_ip_literal(name)) {
      // "*.a.test" needs ACMEDns01Command: checked in check_config, as the
      // directives of a vhost may come in any order.
      std::string why = dns_name_problem(name, true);
      if (!why.empty()) return fail(cmd, argv[i], "is not a name a CA can certify: " + why);
    }
    std::string too_long = sc->domains->nelts == 0 ? layout::name_length_problem(name) : "";
    if (!too_long.empty()) return fail(cmd, argv[i], too_long);  // it names the store files
    for (int j = 0; j < sc->domains->nelts; ++j) {
      if (name == APR_ARRAY_IDX(sc->domains, j, const char*))
        return fail(cmd, argv[i], "is listed twice; list each name once");
    }
    APR_ARRAY_PUSH(sc->domains, const char*) = apr_pstrdup(cmd->pool, name.c_str());
  }
  return nullptr;
}

// ACMEKeyType p256 rsa2048: one certificate per type (certset/key_variants.h).
static const char* set_key_types(cmd_parms* cmd, void*, int argc, char* const argv[]) {
  if (argc == 0) return "ACMEKeyType needs a key type, e.g. 'ACMEKeyType p256 rsa2048'";
  std::vector<KeyType> types;
  for (int i = 0; i < argc; ++i) {
    auto type = parse_key_type(argv[i]);
    if (!type.ok()) {
      return fail(cmd, argv[i],
                  "is not a supported key type; use one of rsa2048, rsa3072, rsa4096, "
                  "p256, p384 (default p256)");
    }
    std::string conflict = key_type_conflict(types, *type);
    if (!conflict.empty()) return fail(cmd, argv[i], "cannot be added: " + conflict);
    types.push_back(*type);
  }
  auto* list = apr_array_make(cmd->pool, argc, sizeof(int));
  for (KeyType type : types) APR_ARRAY_PUSH(list, int) = static_cast<int>(type);
  conf_of(cmd)->key_types = list;
  return nullptr;
}

static const char* set_key_reuse(cmd_parms* cmd, void*, int on) {
  conf_of(cmd)->key_reuse = on;
  return nullptr;
}

// draft-ietf-acme-profiles: ACMEProfile NAME [mandatory].
static const char* set_profile(cmd_parms* cmd, void*, const char* name, const char* flag) {
  const std::string text = name;
  const char* allowed = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-";
  if (text.empty() || text.size() > 64 || text.find_first_not_of(allowed) != std::string::npos) {
    return fail(cmd, name,
                "is not a profile name; use a name from the CA's directory (meta.profiles), "
                "e.g. 'ACMEProfile tlsserver'");
  }
  if (flag && strcasecmp(flag, "mandatory") != 0) {
    return fail(cmd, flag,
                "is not understood; write 'ACMEProfile NAME' or 'ACMEProfile NAME mandatory' "
                "(no order without that profile)");
  }
  conf_of(cmd)->profile = apr_pstrdup(cmd->pool, name);
  conf_of(cmd)->profile_mandatory = flag ? 1 : 0;
  return nullptr;
}

static const char* set_preferred_chain(cmd_parms* cmd, void*, const char* arg) {
  if (!*arg) return fail(cmd, arg, "is empty; name the issuer, e.g. 'ISRG Root X1'");
  conf_of(cmd)->preferred_chain = apr_pstrdup(cmd->pool, arg);
  return nullptr;
}

static const char* set_renew_window(cmd_parms* cmd, void*, const char* arg) {
  auto window = parse_renew_window(arg);
  if (!window.ok()) {
    return fail(cmd, arg,
                "is not a renew window; use a percentage of the lifetime below 100% "
                "(e.g. 33%) or a duration (e.g. 30d)");
  }
  conf_of(cmd)->renew_window = apr_pstrdup(cmd->pool, arg);
  return nullptr;
}

static const char* set_activation(cmd_parms* cmd, void*, const char* arg) {
  if (const char* err = global_only(cmd)) return err;
  if (strcasecmp(arg, "auto") == 0)
    conf_of(cmd)->manual_activation = 0;
  else if (strcasecmp(arg, "manual") == 0)
    conf_of(cmd)->manual_activation = 1;
  else
    return fail(cmd, arg, "is not 'auto' (graceful restart by the module) or 'manual'");
  return nullptr;
}

static const char* set_check_interval(cmd_parms* cmd, void*, const char* arg) {
  if (const char* err = global_only(cmd)) return err;
  auto d = positive_duration(arg);
  if (!d.ok()) return fail(cmd, arg, "is not a positive duration; write e.g. 1h, 30m or 3600s");
  conf_of(cmd)->check_interval = apr_time_from_sec(d->count());
  return nullptr;
}

static const char* set_max_parallel(cmd_parms* cmd, void*, const char* arg) {
  if (const char* err = global_only(cmd)) return err;
  auto n = parse_max_parallel(arg);
  if (!n.ok()) return fail(cmd, arg, n.status().message());
  conf_of(cmd)->max_parallel = static_cast<int>(*n);
  return nullptr;
}

static const char* set_retry_delay(cmd_parms* cmd, void*, const char* arg) {
  auto d = positive_duration(arg);
  if (!d.ok()) return fail(cmd, arg, "is not a positive duration; write e.g. 10m, 30s or 1h");
  conf_of(cmd)->retry_delay = apr_time_from_sec(d->count());
  return nullptr;
}

// ACMEPortMap 80:8080 443:8443: the port the CA connects to, and the local
// port httpd listens on for it (setups behind port mappings).
static const char* set_port_map(cmd_parms* cmd, void*, int argc, char* const argv[]) {
  if (const char* err = global_only(cmd)) return err;
  for (int i = 0; i < argc; ++i) {
    int external = 0, local = 0;
    char extra = 0;
    if (sscanf(argv[i], "%d:%d%c", &external, &local, &extra) != 2 || local < 1 || local > 65535 ||
        (external != 80 && external != 443)) {
      return fail(cmd, argv[i],
                  "is not a port mapping; write 80:LOCAL and/or 443:LOCAL, "
                  "e.g. 'ACMEPortMap 80:8080 443:8443'");
    }
    (external == 80 ? conf_of(cmd)->port_http : conf_of(cmd)->port_https) = local;
  }
  return argc ? nullptr : "ACMEPortMap needs 80:PORT and/or 443:PORT";
}

static const char* set_notify_command(cmd_parms* cmd, void*, const char* arg) {
  if (const char* err = global_only(cmd)) return err;
  std::string command = arg;
  std::string program = command.substr(0, command.find(' '));
  if (program.empty() || access(ap_server_root_relative(cmd->pool, program.c_str()), X_OK) != 0) {
    // The program only: the arguments may hold an API token.
    return fail(cmd, program,
                "is not an executable program; give its full path, e.g. "
                "'ACMENotifyCommand /usr/local/bin/acme-notify' (called as PROGRAM NAME EVENT)");
  }
  conf_of(cmd)->notify_command = apr_pstrdup(cmd->pool, arg);
  return nullptr;
}

// ACMEDns01Command /path/program [args]: per vhost; a relative program path
// resolves against ServerRoot (the watchdog runs it from '/').
static const char* set_dns01_command(cmd_parms* cmd, void*, int argc, char* const argv[]) {
  const char* path = argc ? ap_server_root_relative(cmd->pool, argv[0]) : nullptr;
  if (!path || access(path, X_OK) != 0) {
    return fail(cmd, argc ? argv[0] : "",
                "is not an executable program; give its full path, e.g. "
                "'ACMEDns01Command /usr/local/bin/acme-dns --zone example.org' (called as "
                "PROGRAM [ARGS] setup|teardown NAME TOKEN TXTVALUE)");
  }
  std::vector<std::string> words(argv, argv + argc);
  words[0] = path;
  conf_of(cmd)->dns01_command = apr_pstrdup(cmd->pool, shell_command(words).c_str());
  return nullptr;
}

// ACMEChallenges TYPE...: the challenge types a vhost's certificates may
// use, most preferred first (solve/challenge_responder.h).
static const char* set_challenges(cmd_parms* cmd, void*, int argc, char* const argv[]) {
  if (argc == 0) {
    return "ACMEChallenges needs at least one challenge type, e.g. 'ACMEChallenges tls-alpn-01 "
           "http-01' (http-01, tls-alpn-01, dns-01; most preferred first)";
  }
  auto* types = apr_array_make(cmd->pool, argc, sizeof(const char*));
  for (int i = 0; i < argc; ++i) {
    std::string type = lower_case(argv[i]);
    if (type != kHttp01 && type != kTlsAlpn01 && type != kDns01) {
      return fail(cmd, argv[i],
                  "is not a challenge type; use http-01, tls-alpn-01 and/or dns-01, most "
                  "preferred first, e.g. 'ACMEChallenges tls-alpn-01 http-01'");
    }
    for (int j = 0; j < types->nelts; ++j)
      if (type == APR_ARRAY_IDX(types, j, const char*))
        return fail(cmd, argv[i], "is listed twice; list each challenge type once");
    APR_ARRAY_PUSH(types, const char*) = apr_pstrdup(cmd->pool, type.c_str());
  }
  conf_of(cmd)->challenges = types;
  return nullptr;
}

static const char* set_stapling(cmd_parms* cmd, void*, int on) {
  if (const char* err = global_only(cmd)) return err;
  conf_of(cmd)->stapling = on;
  return nullptr;
}

static const char* set_preflight(cmd_parms* cmd, void*, int on) {
  if (const char* err = global_only(cmd)) return err;
  conf_of(cmd)->preflight = on;
  return nullptr;
}

// ACMEPreflightResolver 127.0.0.1:53: the DNS server the check before a
// first order asks (renew/first_order_preflight.h) instead of the system's.
static const char* set_preflight_resolver(cmd_parms* cmd, void*, const char* arg) {
  if (const char* err = global_only(cmd)) return err;
  auto address = parse_resolver_address(arg);
  if (!address.ok()) return fail(cmd, arg, address.status().message());
  conf_of(cmd)->preflight_server = apr_pstrdup(cmd->pool, address->server.c_str());
  conf_of(cmd)->preflight_port = address->port;
  return nullptr;
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
