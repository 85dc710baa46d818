// Server config records: creation, merge (a vhost inherits the main
// server's CA settings; its names are its own), the cross-directive checks
// for `apachectl -t`, and the conversion into the core's ManagedCert.
#include "httpd/config.h"

#include <httpd.h>  // first: the other httpd headers need its types

#include <apr_strings.h>

#include <map>

#include "acme/directory.h"
#include "acme/eab.h"
#include "certset/key_variants.h"
#include "crypto/base64url.h"
#include "schedule/policy.h"

extern "C" module AP_MODULE_DECLARE_DATA acme_module;

namespace acme {

void* create_server_conf(apr_pool_t* p, server_rec*) {
  auto* sc = static_cast<ServerConf*>(apr_pcalloc(p, sizeof(ServerConf)));
  sc->terms_agreed = kUnset;
  sc->key_reuse = kUnset;
  sc->retry_delay = kUnset;
  sc->domains = apr_array_make(p, 2, sizeof(const char*));
  sc->manual_activation = kUnset;
  sc->check_interval = kUnset;
  sc->max_parallel = kUnset;
  sc->port_http = kUnset;
  sc->port_https = kUnset;
  sc->stapling = kUnset;
  sc->preflight = kUnset;
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
  sc->ca_failover = add->ca_url ? add->ca_failover : base->ca_failover;  // one list
  sc->ca_file = pick<const char*>(add->ca_file, base->ca_file, nullptr);
  sc->trust_anchor_file =
      pick<const char*>(add->trust_anchor_file, base->trust_anchor_file, nullptr);
  sc->terms_agreed = pick(add->terms_agreed, base->terms_agreed, kUnset);
  sc->contact = pick<const char*>(add->contact, base->contact, nullptr);
  sc->eab_kid = add->eab_kid ? add->eab_kid : base->eab_kid;  // kid and key go together
  sc->eab_key = add->eab_kid ? add->eab_key : base->eab_key;
  sc->key_types = add->key_types ? add->key_types : base->key_types;
  sc->key_reuse = pick(add->key_reuse, base->key_reuse, kUnset);
  sc->preferred_chain = pick<const char*>(add->preferred_chain, base->preferred_chain, nullptr);
  sc->profile = add->profile ? add->profile : base->profile;  // name and flag go together
  sc->profile_mandatory = add->profile ? add->profile_mandatory : base->profile_mandatory;
  sc->renew_window = pick<const char*>(add->renew_window, base->renew_window, nullptr);
  sc->retry_delay = pick<apr_interval_time_t>(add->retry_delay, base->retry_delay, kUnset);
  sc->dns01_command = pick<const char*>(add->dns01_command, base->dns01_command, nullptr);
  sc->challenges = add->challenges ? add->challenges : base->challenges;  // one list
  sc->domains = add->domains;  // a vhost's names are its own
  sc->store_dir = base->store_dir;
  sc->manual_activation = base->manual_activation;
  sc->check_interval = base->check_interval;
  sc->max_parallel = base->max_parallel;
  sc->port_http = base->port_http;
  sc->port_https = base->port_https;
  sc->notify_command = base->notify_command;
  sc->stapling = base->stapling;
  sc->preflight = base->preflight;
  sc->preflight_server = base->preflight_server;
  sc->preflight_port = base->preflight_port;
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
      if (name.compare(0, 2, "*.") == 0 && !sc->dns01_command) {
        return "ACMEDomain: '" + name + "' (virtual host at " + where +
               "): wildcard names need the dns-01 challenge: set ACMEDns01Command";
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
  if (sc->max_parallel != kUnset) g.max_parallel = static_cast<std::size_t>(sc->max_parallel);
  if (sc->port_http != kUnset) g.port_http = sc->port_http;
  if (sc->port_https != kUnset) g.port_https = sc->port_https;
  if (sc->stapling != kUnset) g.stapling = sc->stapling == 1;
  if (sc->preflight != kUnset) g.preflight = sc->preflight == 1;
  if (sc->preflight_server) g.preflight_server = sc->preflight_server;
  if (sc->preflight_server) g.preflight_port = sc->preflight_port;
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
    c.key_reuse = sc->key_reuse == 1;
    c.preferred_chain = sc->preferred_chain ? sc->preferred_chain : "";
    c.ca.directory_url = sc->ca_url ? sc->ca_url : known_ca_url("letsencrypt");
    c.ca.ca_file = sc->ca_file ? sc->ca_file : "";
    if (sc->contact) c.ca.contact.push_back(sc->contact);
    c.ca.terms_agreed = sc->terms_agreed == 1;
    auto eab_key = base64url_decode(sc->eab_key ? sc->eab_key : "");
    if (sc->eab_kid && eab_key.ok()) c.ca.eab = {sc->eab_kid, *eab_key};
    for (int i = 0; sc->ca_failover && i < sc->ca_failover->nelts; ++i) {
      CaSettings more = c.ca;  // same API trust, contact, terms; an EAB is the first CA's
      more.directory_url = APR_ARRAY_IDX(sc->ca_failover, i, const char*);
      more.eab = ExternalAccountBinding();
      c.failover_cas.push_back(std::move(more));
    }
    c.profile = sc->profile ? sc->profile : "";
    c.profile_mandatory = sc->profile_mandatory == 1;
    c.trust_anchor_file = sc->trust_anchor_file ? sc->trust_anchor_file : "";
    c.dns01_command = sc->dns01_command ? sc->dns01_command : "";
    for (int i = 0; sc->challenges && i < sc->challenges->nelts; ++i)
      c.challenges.push_back(APR_ARRAY_IDX(sc->challenges, i, const char*));
    if (sc->renew_window) c.renew_window = *parse_renew_window(sc->renew_window);
    if (sc->retry_delay != kUnset) c.retry_delay = Seconds(apr_time_sec(sc->retry_delay));
    std::vector<KeyType> types;
    for (int i = 0; sc->key_types && i < sc->key_types->nelts; ++i)
      types.push_back(static_cast<KeyType>(APR_ARRAY_IDX(sc->key_types, i, int)));
    for (auto& each : per_key_type(c, types)) certs.push_back(std::move(each));
  }
  return certs;
}

}  // namespace acme
