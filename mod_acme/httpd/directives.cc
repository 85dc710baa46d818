// The directive table: each directive once, with its arity and help text.
// What it does with its words is config/directive_actions.h's (found by the
// name the table hands as cmd_data). One guard runs every directive: it
// checks GLOBAL_ONLY, turns a refused value into the directive's error text
// (directive, value, fix) and keeps every C++ exception out of httpd's C frames.
#include <httpd.h>  // first: the other httpd headers need its types

#include <apr_strings.h>
#include <http_config.h>

#include <exception>

#include "config/directive_actions.h"
#include "config/directive_error.h"
#include "httpd/glue.h"

namespace acme {

namespace {

Status apply(cmd_parms* cmd, const DirectiveAction& action, const DirectiveArgs& args) {
  ServerConf& sc = *server_conf(cmd->server);
  PathResolver resolve = [cmd](const std::string& path) {
    const char* resolved = ap_server_root_relative(cmd->pool, path.c_str());
    return std::string(resolved ? resolved : "");
  };
  return action.apply(DirectiveTarget{sc.vhost, sc.global, resolve}, args);
}

// The one guard.
const char* run(cmd_parms* cmd, int argc, const char* const argv[]) noexcept {
  const char* name = cmd->directive->directive;  // as the admin wrote it
  try {
    const DirectiveAction* action = find_directive(static_cast<const char*>(cmd->info));
    if (!action) return apr_psprintf(cmd->pool, "%s: not known to config/", name);
    if (action->global_only) {
      if (const char* err = ap_check_cmd_context(cmd, GLOBAL_ONLY)) return err;
    }
    Status status = apply(cmd, *action, DirectiveArgs(argv, argv + argc));
    if (status.ok()) return nullptr;
    return apr_pstrdup(cmd->pool, directive_message(name, status).c_str());
  } catch (const std::exception& e) {
    return apr_psprintf(cmd->pool, "%s: cannot be read (%s)", name, e.what());
  } catch (...) {
    return apr_psprintf(cmd->pool, "%s: cannot be read", name);
  }
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

// cmd_data is the directive's name, as config/directive_actions.cc spells it.
#define ACME_DIRECTIVE(how, name, func, help) \
  how(name, (cmd_func)func, const_cast<char*>(name), RSRC_CONF, help)
#define ACME_TAKE1(name, help) ACME_DIRECTIVE(AP_INIT_TAKE1, name, take1, help)
#define ACME_TAKE12(name, help) ACME_DIRECTIVE(AP_INIT_TAKE12, name, take12, help)
#define ACME_ARGV(name, help) ACME_DIRECTIVE(AP_INIT_TAKE_ARGV, name, take_argv, help)
#define ACME_FLAG(name, help) ACME_DIRECTIVE(AP_INIT_FLAG, name, flag, help)
#define ACME_RAW(name, help) ACME_DIRECTIVE(AP_INIT_RAW_ARGS, name, take1, help)

const command_rec kDirectives[] = {
    ACME_ARGV("ACMECertificateAuthority",
              "ACME directory URL or known CA name; more: failover in that order"),
    ACME_TAKE1("ACMECACertificateFile", "PEM roots trusted for the CA's HTTPS API"),
    ACME_TAKE1("ACMETrustAnchorFile", "PEM roots issued chains must verify to"),
    ACME_TAKE1("ACMETermsOfService", "'agreed' once you have read the CA's terms"),
    ACME_TAKE1("ACMEContactEmail", "contact e-mail for the ACME account"),
    ACME_TAKE12("ACMEExternalAccountBinding",
                "KID HMAC-KEY from the CA, or a JSON file {\"kid\", \"hmac_key\"}"),
    ACME_TAKE1("ACMEStoreDir", "directory for accounts, keys and certificates"),
    ACME_ARGV("ACMEDomain", "names for this virtual host's certificate; the first names it"),
    ACME_ARGV("ACMEKeyType",
              "one or two of rsa2048, rsa3072, rsa4096, p256, p384 (one RSA, one ECDSA)"),
    ACME_FLAG("ACMEKeyReuse",
              "off (default): a new key per certificate; on: renewals keep the live key"),
    ACME_TAKE1("ACMEPreferredChain",
               "issuer name (CN) the chain's topmost certificate should have"),
    ACME_TAKE12("ACMEProfile",
                "certificate profile the CA offers; 'mandatory': no order without it"),
    ACME_TAKE1("ACMERenewWindow", "renew when less than this remains: 33% or 30d"),
    ACME_TAKE1("ACMEActivation", "auto (graceful restart by the module) or manual"),
    ACME_TAKE1("ACMECheckInterval", "how often the watchdog looks at the certificates"),
    ACME_TAKE1("ACMEMaxParallel", "orders the watchdog runs at once (1-1024)"),
    ACME_TAKE1("ACMERetryDelay", "first delay after a failure; doubles up to a day"),
    ACME_ARGV("ACMEPortMap", "80:LOCAL 443:LOCAL ports the CA reaches"),
    ACME_RAW("ACMENotifyCommand",
             "program called as PROGRAM NAME EVENT on renewed, installed, expiring, errored, "
             "revoked, ocsp-errored"),
    ACME_FLAG("ACMEStapling",
              "on (default): fetch, verify and staple OCSP responses for managed certificates"),
    ACME_ARGV("ACMEChallenges",
              "challenge types to use, most preferred first: http-01, tls-alpn-01, dns-01"),
    ACME_ARGV("ACMEDns01Command",
              "program [args], run as PROGRAM [ARGS] setup|teardown NAME TOKEN TXTVALUE "
              "for dns-01 (needed for wildcard names)"),
    ACME_FLAG("ACMEPreflight",
              "on (default): check each name's DNS, reachability and CAA before its first "
              "order and warn (ACME10180)"),
    ACME_TAKE1("ACMEPreflightResolver",
               "ADDRESS:PORT of the DNS server the preflight asks (default: the system's)"),
    ACME_ARGV("ACMESharedStore", "etcd URL...: a cluster's shared state in etcd"),
    ACME_TAKE1("ACMESharedStorePrefix", "the cluster's etcd key prefix (default /mod_acme)"),
    ACME_ARGV("ACMESharedStoreTLS", "CERT KEY CA: client certificate for etcd"),
    ACME_TAKE1("ACMESharedStoreKeyFile", "the cluster key (root's, mode 0600)"),
    ACME_TAKE1("ACMENodeName", "this node's name in the cluster (default: host name)"),
    {nullptr}};

}  // namespace acme
