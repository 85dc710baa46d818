// Directive handlers and the directive table. Each directive is one entry:
// its value parser of config/ (config/directive_values.h) and where the
// result goes in the server's record (httpd/config.h), as one small lambda.
// One guard runs every lambda: it checks GLOBAL_ONLY, turns a refused value
// into the directive's error text (directive, value, fix) and keeps every
// C++ exception out of httpd's C frames.
#include <httpd.h>  // first: the other httpd headers need its types

#include <apr_strings.h>
#include <http_log.h>

#include <exception>
#include <type_traits>

#include "config/directive_error.h"
#include "config/directive_values.h"
#include "crypto/base64url.h"
#include "httpd/config.h"

namespace acme {

namespace {

using Args = std::vector<std::string>;
using Apply = Status (*)(cmd_parms*, ServerConf&, const Args&);
enum class Scope { kAnywhere, kGlobal };

// What the table hands httpd as cmd_data (cmd->info in the handler).
struct Directive {
  Scope scope;
  Apply apply;
};

// One Directive per lambda type; trivially destructible (no destructor to
// run when the DSO is unloaded).
template <Scope S = Scope::kAnywhere, class F>
void* on(F apply) {
  static_assert(!std::is_pointer_v<F>, "a lambda: one type, one Directive");
  static Directive directive{S, apply};
  return &directive;
}
template <class F>
void* global(F apply) {
  return on<Scope::kGlobal>(apply);
}

// The one guard.
const char* run(cmd_parms* cmd, int argc, const char* const argv[]) noexcept {
  const auto* d = static_cast<const Directive*>(cmd->info);
  if (d->scope == Scope::kGlobal) {
    if (const char* err = ap_check_cmd_context(cmd, GLOBAL_ONLY)) return err;
  }
  const char* name = cmd->directive->directive;
  try {
    Status status = d->apply(cmd, *server_conf(cmd->server), Args(argv, argv + argc));
    if (status.ok()) return nullptr;
    return apr_pstrdup(cmd->pool, directive_message(name, status).c_str());
  } catch (const std::exception& e) {
    return apr_psprintf(cmd->pool, "%s: cannot be read (%s)", name, e.what());
  } catch (...) {
    return apr_psprintf(cmd->pool, "%s: cannot be read", name);
  }
}

template <class T, class U>
Status set(T& field, U value) {
  field = std::move(value);
  return Status();
}

// The parsed value to use(value), or the parser's refusal.
template <class T, class Use>
Status with(Result<T> parsed, Use use) {
  if (parsed.ok()) use(*parsed);
  return parsed.status();
}

template <class T, class U>
Status keep(T& field, Result<U> parsed) {
  return with(std::move(parsed), [&](U& value) { field = std::move(value); });
}

// A path made absolute against ServerRoot ("" when it cannot be).
std::string root_relative(cmd_parms* cmd, const std::string& path) {
  const char* resolved = ap_server_root_relative(cmd->pool, path.c_str());
  return resolved ? resolved : "";
}

PathResolver server_root(cmd_parms* cmd) {
  return [cmd](const std::string& path) { return root_relative(cmd, path); };
}

// TAKE12's second argument, null when absent (as the parsers take it).
const char* second(const Args& a) {
  return a.size() > 1 ? a[1].c_str() : nullptr;
}

}  // namespace

extern "C" {
static const char* take1(cmd_parms* cmd, void*, const char* arg) {
  return run(cmd, 1, &arg);
}
static const char* take12(cmd_parms* cmd, void*, const char* arg1, const char* arg2) {
  const char* argv[] = {arg1, arg2};
  return run(cmd, arg2 ? 2 : 1, argv);
}
static const char* take_argv(cmd_parms* cmd, void*, int argc, char* const argv[]) {
  return run(cmd, argc, argv);
}
static const char* flag(cmd_parms* cmd, void*, int on) {
  const char* word = on ? "on" : "off";
  return run(cmd, 1, &word);
}
}  // extern "C"

#define ACME_TAKE1(name, apply, help) AP_INIT_TAKE1(name, (cmd_func)take1, apply, RSRC_CONF, help)
#define ACME_TAKE12(name, apply, help) \
  AP_INIT_TAKE12(name, (cmd_func)take12, apply, RSRC_CONF, help)
#define ACME_ARGV(name, apply, help) \
  AP_INIT_TAKE_ARGV(name, (cmd_func)take_argv, apply, RSRC_CONF, help)
#define ACME_FLAG(name, apply, help) AP_INIT_FLAG(name, (cmd_func)flag, apply, RSRC_CONF, help)
#define ACME_RAW(name, apply, help) AP_INIT_RAW_ARGS(name, (cmd_func)take1, apply, RSRC_CONF, help)

using C = cmd_parms*;
using S = ServerConf&;
using A = const Args&;

const command_rec kDirectives[] = {
    // The first CA is used, the others in turn after repeated failures
    // (renew/ca_resilience.h).
    ACME_ARGV("ACMECertificateAuthority",
              on([](C, S sc, A a) { return keep(sc.vhost.cas, parse_cas(a)); }),
              "ACME directory URL or known CA name; more: failover in that order"),
    ACME_TAKE1("ACMECACertificateFile", on([](C cmd, S sc, A a) {
                 return keep(sc.vhost.ca_file, parse_readable_file(a[0], server_root(cmd)));
               }),
               "PEM roots trusted for the CA's HTTPS API"),
    ACME_TAKE1("ACMETrustAnchorFile", on([](C cmd, S sc, A a) {
                 return keep(sc.vhost.trust_anchor_file,
                             parse_readable_file(a[0], server_root(cmd)));
               }),
               "PEM roots issued chains must verify to"),
    ACME_TAKE1("ACMETermsOfService", on([](C, S sc, A a) {
                 Status agreed = parse_terms(a[0]);
                 sc.vhost.terms_agreed = sc.vhost.terms_agreed || agreed.ok();
                 return agreed;
               }),
               "'agreed' once you have read the CA's terms"),
    ACME_TAKE1("ACMEContactEmail",
               on([](C, S sc, A a) { return keep(sc.vhost.contact, parse_contact(a[0])); }),
               "contact e-mail for the ACME account"),
    // KID HMAC-KEY, or a JSON file (keeps the key out of httpd.conf). The key is
    // kept base64url: its raw bytes may hold NUL.
    ACME_TAKE12("ACMEExternalAccountBinding", on([](C cmd, S sc, A a) {
                  return with(parse_eab_directive(a[0], second(a), server_root(cmd)),
                              [&](const ExternalAccountBinding& eab) {
                                sc.vhost.eab_kid = eab.kid;
                                sc.vhost.eab_key = base64url_encode(eab.hmac_key);
                              });
                }),
                "KID HMAC-KEY from the CA, or a JSON file {\"kid\", \"hmac_key\"}"),
    ACME_TAKE1("ACMEStoreDir", global([](C cmd, S sc, A a) {
                 return set(sc.global.store_dir, root_relative(cmd, a[0]));
               }),
               "directory for accounts, keys and certificates"),
    // Appends to the vhost's earlier ACMEDomain lines.
    ACME_ARGV("ACMEDomain", on([](C, S sc, A a) {
                auto& names = sc.vhost.domains;
                return with(parse_domains(a, names), [&](const Args& more) {
                  names.insert(names.end(), more.begin(), more.end());
                });
              }),
              "names for this virtual host's certificate; the first names it"),
    // One certificate per type (renew/key_variants.h).
    ACME_ARGV("ACMEKeyType",
              on([](C, S sc, A a) { return keep(sc.vhost.key_types, parse_key_types(a)); }),
              "one or two of rsa2048, rsa3072, rsa4096, p256, p384 (one RSA, one ECDSA)"),
    ACME_FLAG("ACMEKeyReuse",
              on([](C, S sc, A a) { return set(sc.vhost.key_reuse, a[0] == "on"); }),
              "off (default): a new key per certificate; on: renewals keep the live key"),
    ACME_TAKE1("ACMEPreferredChain", on([](C, S sc, A a) {
                 return keep(sc.vhost.preferred_chain, parse_preferred_chain(a[0]));
               }),
               "issuer name (CN) the chain's topmost certificate should have"),
    ACME_TAKE12("ACMEProfile", on([](C, S sc, A a) {
                  return keep(sc.vhost.profile, parse_profile(a[0], second(a)));
                }),
                "certificate profile the CA offers; 'mandatory': no order without it"),
    ACME_TAKE1("ACMERenewWindow", on([](C, S sc, A a) {
                 return keep(sc.vhost.renew_window, parse_renew_window_value(a[0]));
               }),
               "renew when less than this remains: 33% or 30d"),
    ACME_TAKE1("ACMEActivation", global([](C, S sc, A a) {
                 return keep(sc.global.manual_activation, parse_activation(a[0]));
               }),
               "auto (graceful restart by the module) or manual"),
    ACME_TAKE1("ACMECheckInterval", global([](C, S sc, A a) {
                 return keep(sc.global.check_interval, parse_check_interval(a[0]));
               }),
               "how often the watchdog looks at the certificates"),
    ACME_TAKE1("ACMEMaxParallel", global([](C, S sc, A a) {
                 return keep(sc.global.max_parallel, parse_max_parallel(a[0]));
               }),
               "orders the watchdog runs at once (1-1024)"),
    ACME_TAKE1("ACMERetryDelay",
               on([](C, S sc, A a) { return keep(sc.vhost.retry_delay, parse_retry_delay(a[0])); }),
               "first delay after a failure; doubles up to a day"),
    // 80:8080 443:8443 (setups behind port mappings).
    ACME_ARGV("ACMEPortMap", global([](C, S sc, A a) {
                return with(parse_port_map(a), [&](const PortMap& map) {
                  sc.global.port_http = map.http.value_or(sc.global.port_http);
                  sc.global.port_https = map.https.value_or(sc.global.port_https);
                });
              }),
              "80:LOCAL 443:LOCAL ports the CA reaches"),
    ACME_RAW("ACMENotifyCommand", global([](C cmd, S sc, A a) {
               return with(parse_notify_command(a[0], server_root(cmd)), [&](const std::string& c) {
                 sc.global.notify_command = root_relative(cmd, c);
               });
             }),
             "program called as PROGRAM NAME EVENT on renewed, installed, expiring, errored, "
             "revoked, ocsp-errored"),
    ACME_FLAG("ACMEStapling",
              global([](C, S sc, A a) { return set(sc.global.stapling, a[0] == "on"); }),
              "on (default): fetch, verify and staple OCSP responses for managed certificates"),
    // Most preferred first (renew/challenge_responder.h).
    ACME_ARGV("ACMEChallenges",
              on([](C, S sc, A a) { return keep(sc.vhost.challenges, parse_challenges(a)); }),
              "challenge types to use, most preferred first: http-01, tls-alpn-01, dns-01"),
    ACME_ARGV("ACMEDns01Command", on([](C cmd, S sc, A a) {
                return keep(sc.vhost.dns01_command, parse_dns01_command(a, server_root(cmd)));
              }),
              "program [args], run as PROGRAM [ARGS] setup|teardown NAME TOKEN TXTVALUE "
              "for dns-01 (needed for wildcard names)"),
    ACME_FLAG("ACMEPreflight",
              global([](C, S sc, A a) { return set(sc.global.preflight, a[0] == "on"); }),
              "on (default): check each name's DNS, reachability and CAA before its first "
              "order and warn (ACME10180)"),
    // The DNS server the check before a first order asks
    // (renew/first_order_preflight.h) instead of the system's.
    ACME_TAKE1("ACMEPreflightResolver", global([](C, S sc, A a) {
                 return with(parse_preflight_resolver(a[0]), [&](const ResolverOptions& at) {
                   sc.global.preflight_server = at.server;
                   sc.global.preflight_port = at.port;
                 });
               }),
               "ADDRESS:PORT of the DNS server the preflight asks (default: the system's)"),
    {nullptr}};

}  // namespace acme
