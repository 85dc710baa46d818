// Directive handlers: each validates its value at parse time and answers a
// bad one with the directive, the value and the fix, so `apachectl -t` fails
// with a message an admin can act on.
#include "httpd/config.h"

#include <httpd.h>  // first: the other httpd headers need its types

#include <apr_strings.h>
#include <http_log.h>
#include <unistd.h>

#include <map>
#include <set>

#include "acme/directory.h"
#include "acme/identifier.h"
#include "base/time_format.h"
#include "crypto/key.h"
#include "renew/policy.h"

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

static const char* set_ca(cmd_parms* cmd, void*, const char* arg) {
  std::string url = known_ca_url(arg);
  if (url.empty()) url = arg;
  if (url.rfind("https://", 0) != 0 || url.size() <= 8) {
    return fail(cmd, arg,
                "is neither an https:// directory URL nor a known CA name "
                "(letsencrypt, letsencrypt-staging, zerossl, buypass, google)");
  }
  conf_of(cmd)->ca_url = apr_pstrdup(cmd->pool, url.c_str());
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
    std::string name = lower_case(argv[i]);
    if (!is_ip_literal(name)) {
      std::string why = dns_name_problem(name, false);
      if (!why.empty()) return fail(cmd, argv[i], "is not a name a CA can certify: " + why);
    }
    for (int j = 0; j < sc->domains->nelts; ++j) {
      if (name == APR_ARRAY_IDX(sc->domains, j, const char*))
        return fail(cmd, argv[i], "is listed twice; list each name once");
    }
    APR_ARRAY_PUSH(sc->domains, const char*) = apr_pstrdup(cmd->pool, name.c_str());
  }
  return nullptr;
}

static const char* set_key_type(cmd_parms* cmd, void*, const char* arg) {
  auto type = parse_key_type(arg);
  if (!type.ok()) {
    return fail(cmd, arg,
                "is not a supported key type; use one of rsa2048, rsa3072, rsa4096, "
                "p256, p384 (default p256)");
  }
  conf_of(cmd)->key_type = static_cast<int>(*type);
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
    return fail(cmd, arg,
                "does not start with an executable program; give its full path, e.g. "
                "'ACMENotifyCommand /usr/local/bin/acme-notify' (called as PROGRAM NAME EVENT)");
  }
  conf_of(cmd)->notify_command = apr_pstrdup(cmd->pool, arg);
  return nullptr;
}

static const char* set_stapling(cmd_parms* cmd, void*, int on) {
  if (const char* err = global_only(cmd)) return err;
  conf_of(cmd)->stapling = on;
  return nullptr;
}

}  // extern "C"

const command_rec kDirectives[] = {
    AP_INIT_TAKE1("ACMECertificateAuthority", (cmd_func)set_ca, nullptr, RSRC_CONF,
                  "ACME directory URL or known CA name"),
    AP_INIT_TAKE1("ACMECACertificateFile", (cmd_func)set_ca_file, nullptr, RSRC_CONF,
                  "PEM roots trusted for the CA's HTTPS API"),
    AP_INIT_TAKE1("ACMETrustAnchorFile", (cmd_func)set_trust_anchor, nullptr, RSRC_CONF,
                  "PEM roots issued chains must verify to"),
    AP_INIT_TAKE1("ACMETermsOfService", (cmd_func)set_terms, nullptr, RSRC_CONF,
                  "'agreed' once you have read the CA's terms"),
    AP_INIT_TAKE1("ACMEContactEmail", (cmd_func)set_contact, nullptr, RSRC_CONF,
                  "contact e-mail for the ACME account"),
    AP_INIT_TAKE1("ACMEStoreDir", (cmd_func)set_store_dir, nullptr, RSRC_CONF,
                  "directory for accounts, keys and certificates"),
    AP_INIT_TAKE_ARGV("ACMEDomain", (cmd_func)add_domains, nullptr, RSRC_CONF,
                      "names for this virtual host's certificate; the first names it"),
    AP_INIT_TAKE1("ACMEKeyType", (cmd_func)set_key_type, nullptr, RSRC_CONF,
                  "rsa2048, rsa3072, rsa4096, p256 or p384"),
    AP_INIT_TAKE1("ACMERenewWindow", (cmd_func)set_renew_window, nullptr, RSRC_CONF,
                  "renew when less than this remains: 33% or 30d"),
    AP_INIT_TAKE1("ACMEActivation", (cmd_func)set_activation, nullptr, RSRC_CONF,
                  "auto (graceful restart by the module) or manual"),
    AP_INIT_TAKE1("ACMECheckInterval", (cmd_func)set_check_interval, nullptr, RSRC_CONF,
                  "how often the watchdog looks at the certificates"),
    AP_INIT_TAKE1("ACMERetryDelay", (cmd_func)set_retry_delay, nullptr, RSRC_CONF,
                  "first delay after a failure; doubles up to a day"),
    AP_INIT_TAKE_ARGV("ACMEPortMap", (cmd_func)set_port_map, nullptr, RSRC_CONF,
                      "80:LOCAL 443:LOCAL ports the CA reaches"),
    AP_INIT_TAKE1("ACMENotifyCommand", (cmd_func)set_notify_command, nullptr, RSRC_CONF,
                  "program called as PROGRAM NAME EVENT on renewed, installed, expiring, errored, "
                  "revoked, ocsp-errored"),
    AP_INIT_FLAG("ACMEStapling", (cmd_func)set_stapling, nullptr, RSRC_CONF,
                 "on (default): fetch, verify and staple OCSP responses for managed certificates"),
    {nullptr}};

void* create_server_conf(apr_pool_t* p, server_rec*) {
  auto* sc = static_cast<ServerConf*>(apr_pcalloc(p, sizeof(ServerConf)));
  sc->terms_agreed = kUnset;
  sc->key_type = kUnset;
  sc->retry_delay = kUnset;
  sc->domains = apr_array_make(p, 2, sizeof(const char*));
  sc->manual_activation = kUnset;
  sc->check_interval = kUnset;
  sc->port_http = kUnset;
  sc->port_https = kUnset;
  sc->stapling = kUnset;
  return sc;
}

template <class T>
static T pick(T add, T base, T unset) {
  return add != unset ? add : base;
}

void* merge_server_conf(apr_pool_t* p, void* base_conf, void* add_conf) {
  auto* base = static_cast<ServerConf*>(base_conf);
  auto* add = static_cast<ServerConf*>(add_conf);
  auto* sc = static_cast<ServerConf*>(apr_pcalloc(p, sizeof(ServerConf)));
  sc->ca_url = pick<const char*>(add->ca_url, base->ca_url, nullptr);
  sc->ca_file = pick<const char*>(add->ca_file, base->ca_file, nullptr);
  sc->trust_anchor_file =
      pick<const char*>(add->trust_anchor_file, base->trust_anchor_file, nullptr);
  sc->terms_agreed = pick(add->terms_agreed, base->terms_agreed, kUnset);
  sc->contact = pick<const char*>(add->contact, base->contact, nullptr);
  sc->key_type = pick(add->key_type, base->key_type, kUnset);
  sc->renew_window = pick<const char*>(add->renew_window, base->renew_window, nullptr);
  sc->retry_delay = pick<apr_interval_time_t>(add->retry_delay, base->retry_delay, kUnset);
  sc->domains = add->domains;  // a vhost's names are its own
  sc->store_dir = base->store_dir;
  sc->manual_activation = base->manual_activation;
  sc->check_interval = base->check_interval;
  sc->port_http = base->port_http;
  sc->port_https = base->port_https;
  sc->notify_command = base->notify_command;
  sc->stapling = base->stapling;
  return sc;
}

ServerConf* server_conf(const server_rec* s) {
  return static_cast<ServerConf*>(ap_get_module_config(s->module_config, &acme_module));
}

std::string check_config(server_rec* main_server) {
  std::map<std::string, std::string> owner;  // name -> vhost
  for (server_rec* s = main_server; s; s = s->next) {
    ServerConf* sc = server_conf(s);
    std::string where =
        std::string(s->defn_name ? s->defn_name : "?") + ":" + std::to_string(s->defn_line_number);
    for (int i = 0; i < sc->domains->nelts; ++i) {
      std::string name = APR_ARRAY_IDX(sc->domains, i, const char*);
      auto [it, fresh] = owner.emplace(name, where);
      if (!fresh) {
        return "ACMEDomain: '" + name + "' is managed twice (virtual hosts at " + it->second +
               " and " + where + "); name it in one ACMEDomain only";
      }
    }
  }
  return "";
}

GlobalSettings global_settings(apr_pool_t* p, server_rec* main_server) {
  ServerConf* sc = server_conf(main_server);
  GlobalSettings g;
  g.store_dir = sc->store_dir ? sc->store_dir : ap_server_root_relative(p, "acme");
  g.manual_activation = sc->manual_activation == 1;
  if (sc->check_interval != kUnset) g.check_interval = Seconds(apr_time_sec(sc->check_interval));
  if (sc->port_http != kUnset) g.port_http = sc->port_http;
  if (sc->port_https != kUnset) g.port_https = sc->port_https;
  if (sc->stapling != kUnset) g.stapling = sc->stapling == 1;
  if (sc->notify_command) g.notify_command = ap_server_root_relative(p, sc->notify_command);
  return g;
}

std::vector<ManagedCert> managed_certs(server_rec* main_server) {
  std::vector<ManagedCert> certs;
  for (server_rec* s = main_server; s; s = s->next) {
    ServerConf* sc = server_conf(s);
    if (sc->domains->nelts == 0) continue;
    ManagedCert c;
    for (int i = 0; i < sc->domains->nelts; ++i)
      c.names.push_back(APR_ARRAY_IDX(sc->domains, i, const char*));
    c.name = c.names.front();
    if (sc->key_type != kUnset) c.key_type = static_cast<KeyType>(sc->key_type);
    c.ca.directory_url = sc->ca_url ? sc->ca_url : known_ca_url("letsencrypt");
    c.ca.ca_file = sc->ca_file ? sc->ca_file : "";
    if (sc->contact) c.ca.contact.push_back(sc->contact);
    c.ca.terms_agreed = sc->terms_agreed == 1;
    c.trust_anchor_file = sc->trust_anchor_file ? sc->trust_anchor_file : "";
    if (sc->renew_window) c.renew_window = *parse_renew_window(sc->renew_window);
    if (sc->retry_delay != kUnset) c.retry_delay = Seconds(apr_time_sec(sc->retry_delay));
    certs.push_back(std::move(c));
  }
  return certs;
}

}  // namespace acme
